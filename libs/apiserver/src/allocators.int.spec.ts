import { startTestApiServer, type TestApiServer } from '@keelson/testing/apiserver';

interface Svc {
  spec: { clusterIP: string; clusterIPs: string[]; ports: { nodePort: number }[] };
  details: { causes: { field: string; message: string }[] };
}
const svc = (name: string, spec: Record<string, unknown> = {}) => ({ apiVersion: 'v1', kind: 'Service', metadata: { name }, spec: { selector: { app: name }, ports: [{ port: 80 }], ...spec } });

describe('Service address allocation', () => {
  let api: TestApiServer;
  const post = (body: unknown) => fetch(`${api.url}/api/v1/namespaces/default/services`, { method: 'POST', headers: { 'Content-Type': 'application/json' }, body: JSON.stringify(body) });
  beforeAll(async () => {
    api = await startTestApiServer(__filename);
  });
  afterAll(() => api.close());

  it('gives each of 30 concurrently created services its own ClusterIP from 10.96.0.0/12', async () => {
    const created = await Promise.all(Array.from({ length: 30 }, (_, i) => post(svc(`s${i}`)).then((r) => r.json() as Promise<Svc>)));
    const ips = created.map((s) => s.spec.clusterIP as string);
    expect(new Set(ips).size).toBe(30);
    for (const ip of ips) expect(ip).toMatch(/^10\.(9[6-9]|10[0-9]|11[01])\.\d+\.\d+$/);
    expect(created.every((s) => s.spec.clusterIPs[0] === s.spec.clusterIP)).toBe(true);
  });

  it('honours a requested ClusterIP once, refuses it while taken, and frees it on delete', async () => {
    const first = await post(svc('fixed', { clusterIP: '10.96.5.5' }));
    expect(first.status).toBe(201);
    const second = await post(svc('fixed2', { clusterIP: '10.96.5.5' }));
    expect(second.status).toBe(422);
    expect(((await second.json()) as Svc).details.causes[0]).toMatchObject({ field: 'spec.clusterIP', message: expect.stringContaining('already allocated') });
    expect((await fetch(`${api.url}/api/v1/namespaces/default/services/fixed`, { method: 'DELETE' })).status).toBe(200);
    expect((await post(svc('fixed3', { clusterIP: '10.96.5.5' }))).status).toBe(201);
  });

  it('refuses a ClusterIP outside the service range', async () => {
    const res = await post(svc('outside', { clusterIP: '192.168.1.1' }));
    expect(res.status).toBe(422);
  });

  it('gives headless services no address and NodePort services a port in 30000-32767', async () => {
    const headless = (await (await post(svc('headless', { clusterIP: 'None' }))).json()) as Svc;
    expect(headless.spec.clusterIP).toBe('None');
    const np = (await (await post(svc('np', { type: 'NodePort', ports: [{ name: 'http', port: 80 }, { name: 'https', port: 443 }] }))).json()) as Svc;
    const ports = np.spec.ports.map((p: { nodePort: number }) => p.nodePort);
    expect(ports.every((p: number) => p >= 30000 && p <= 32767)).toBe(true);
    expect(new Set(ports).size).toBe(2);
    const clash = await post(svc('np2', { type: 'NodePort', ports: [{ port: 80, nodePort: ports[0] }] }));
    expect(clash.status).toBe(422);
  });

  it('has the kubernetes service at 10.96.0.1', async () => {
    const k = (await (await fetch(`${api.url}/api/v1/namespaces/default/services/kubernetes`)).json()) as Svc;
    expect(k.spec.clusterIP).toBe('10.96.0.1');
  });
});
