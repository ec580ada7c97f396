import { createSocket } from 'node:dgram';
import { Resolver } from 'node:dns/promises';
import { mkdtempSync, rmSync } from 'node:fs';
import { connect } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import * as packet from 'dns-packet';
import { apiServerConfig, startApiServer, type RunningApiServer } from '@keelson/apiserver-app';
import { controllerManagerConfig, startControllerManager, type RunningControllerManager } from '@keelson/controller-manager';
import { ApiClient, objectPath } from '@keelson/informer';
import { freePort, startNats, type RunningSubstrate } from '@keelson/local';
import { freshSchema, pgUrl } from '@keelson/testing';
import { dropSchemaIfExists } from '@keelson/testing/schemas';
import { dnsAppConfig } from './config';
import { startDns, type RunningDns } from './server';

// The DNS app against real objects: an apiserver on NATS and Postgres, the endpointslice
// controller making slices from pods, and node's own resolver asking the server on loopback.
// Its own nats-server: the internal API subject is shared by every apiserver on one NATS.

const until = async <T>(probe: () => Promise<T>, ok: (v: T) => boolean, ms = 20_000): Promise<T> => {
  const end = Date.now() + ms;
  for (;;) {
    const v = await probe().catch((e) => e as T);
    if (ok(v) || Date.now() > end) return v;
    await new Promise((r) => setTimeout(r, 100));
  }
};
const path = (plural: string, name?: string, sub?: string, group = '', ns = 'default') => objectPath(group, 'v1', plural, ns, name, sub);

describe('the cluster DNS server on real objects', () => {
  let dir: string;
  let nats: RunningSubstrate;
  let api: RunningApiServer;
  let cm: RunningControllerManager;
  let dns: RunningDns;
  let client: ApiClient;
  let schema: string;
  const resolver = new Resolver({ timeout: 2000, tries: 2 });

  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'keelson-dns-int-'));
    nats = await startNats({ dataDir: join(dir, 'nats'), port: await freePort() });
    schema = await freshSchema(__filename);
    api = await startApiServer(apiServerConfig({ natsUrl: nats.url, pgUrl: pgUrl(), port: await freePort(), schema, secretKeyFile: join(dir, 'key'), internalApi: true }, {}));
    cm = await startControllerManager(controllerManagerConfig({ natsUrl: nats.url, identity: 'int', leaseMs: 3000, renewMs: 500, controllers: ['endpointslice'] }, {}));
    client = await ApiClient.connect(nats.url, 'test');
    // Pods would reach it at 172.31.0.254:53; this test asks it on a free loopback port.
    dns = await startDns(dnsAppConfig({ natsUrl: nats.url, listen: [{ host: '127.0.0.1', port: 0 }], publish: { host: '172.31.0.254', port: 53 } }, {}));
    resolver.setServers([`127.0.0.1:${dns.listening[0].port}`]);
  }, 60_000);

  afterAll(async () => {
    await dns?.close();
    await client?.close();
    await cm?.close();
    await api?.close();
    await nats?.stop();
    await dropSchemaIfExists(schema);
    rmSync(dir, { recursive: true, force: true });
  });

  it('registers the kube-dns Service at 10.96.0.10, its endpoints at the address pods reach the server on', async () => {
    const svc = await client.get(path('services', 'kube-dns', undefined, '', 'kube-system'));
    expect(svc).toMatchObject({ spec: { clusterIP: '10.96.0.10', ports: [{ name: 'dns', port: 53, protocol: 'UDP' }, { name: 'dns-tcp', port: 53, protocol: 'TCP' }] } });
    expect(svc.spec).not.toHaveProperty('selector');
    expect(await client.get(path('endpoints', 'kube-dns', undefined, '', 'kube-system'))).toMatchObject({ subsets: [{ addresses: [{ ip: '172.31.0.254' }] }] });
    expect(await client.get(path('endpointslices', 'kube-dns-keelson', undefined, 'discovery.k8s.io', 'kube-system'))).toMatchObject({ endpoints: [{ addresses: ['172.31.0.254'] }], metadata: { ownerReferences: [{ uid: svc.metadata.uid }] } });
    expect(await resolver.resolve4('kube-dns.kube-system.svc.cluster.local')).toEqual(['10.96.0.10']);
  });

  it('registers again without complaint when a second server starts (same Service, same uid)', async () => {
    const before = await client.get(path('services', 'kube-dns', undefined, '', 'kube-system'));
    const second = await startDns(dnsAppConfig({ natsUrl: nats.url, listen: [{ host: '127.0.0.1', port: 0 }], publish: { host: '172.31.0.254', port: 53 } }, {}));
    await second.close();
    expect((await client.get(path('services', 'kube-dns', undefined, '', 'kube-system'))).metadata).toMatchObject({ uid: before.metadata.uid, resourceVersion: before.metadata.resourceVersion });
  });

  it('resolves a new ClusterIP Service by name, and forgets it when it is deleted', async () => {
    const svc = await client.create(path('services'), { apiVersion: 'v1', kind: 'Service', metadata: { name: 'hostnames' }, spec: { selector: { app: 'hostnames' }, ports: [{ name: 'http', port: 80, targetPort: 9376 }] } });
    const ip = (svc.spec as { clusterIP: string }).clusterIP;
    expect(await until(() => resolver.resolve4('hostnames.default.svc.cluster.local'), (v) => Array.isArray(v))).toEqual([ip]);
    expect(await resolver.resolveSrv('_http._tcp.hostnames.default.svc.cluster.local')).toEqual([{ name: 'hostnames.default.svc.cluster.local', port: 80, priority: 0, weight: 100 }]);
    expect(await resolver.reverse(ip)).toEqual(['hostnames.default.svc.cluster.local']);
    await client.delete(path('services', 'hostnames'));
    expect(await until(() => resolver.resolve4('hostnames.default.svc.cluster.local'), (v) => !Array.isArray(v))).toMatchObject({ code: 'ENOTFOUND' });
  });

  it("resolves the seed's web-0.nginx: a pod by hostname under its headless Service, once it is ready", async () => {
    await client.create(path('services'), { apiVersion: 'v1', kind: 'Service', metadata: { name: 'nginx' }, spec: { clusterIP: 'None', selector: { app: 'nginx' }, ports: [{ name: 'web', port: 80 }] } });
    for (const [i, ip] of ['10.244.1.5', '10.244.2.7'].entries()) {
      const name = `web-${i}`;
      await client.create(path('pods'), { apiVersion: 'v1', kind: 'Pod', metadata: { name, labels: { app: 'nginx' } }, spec: { hostname: name, subdomain: 'nginx', containers: [{ name: 'nginx', image: 'nginx:1.7.9', ports: [{ name: 'web', containerPort: 80 }] }] } });
      // What a kubelet would report: running, ready, with an IP.
      await client.patch(path('pods', name, 'status'), { status: { phase: 'Running', podIP: ip, podIPs: [{ ip }], conditions: [{ type: 'Ready', status: 'True' }] } });
    }
    expect(await until(() => resolver.resolve4('web-0.nginx.default.svc.cluster.local'), (v) => Array.isArray(v))).toEqual(['10.244.1.5']);
    expect((await until(() => resolver.resolve4('nginx.default.svc.cluster.local'), (v) => Array.isArray(v) && v.length === 2)).sort()).toEqual(['10.244.1.5', '10.244.2.7']);
    const srv = await resolver.resolveSrv('_web._tcp.nginx.default.svc.cluster.local');
    expect(srv.map((r) => `${r.name}:${r.port}`).sort()).toEqual(['web-0.nginx.default.svc.cluster.local:80', 'web-1.nginx.default.svc.cluster.local:80']);
    expect(await resolver.resolve4('10-244-2-7.default.pod.cluster.local')).toEqual(['10.244.2.7']);
    // web-1 stops being ready: its name goes, the Service keeps web-0.
    await client.patch(path('pods', 'web-1', 'status'), { status: { conditions: [{ type: 'Ready', status: 'False' }] } });
    expect(await until(() => resolver.resolve4('nginx.default.svc.cluster.local'), (v) => Array.isArray(v) && v.length === 1)).toEqual(['10.244.1.5']);
    await expect(resolver.resolve4('web-1.nginx.default.svc.cluster.local')).rejects.toMatchObject({ code: 'ENOTFOUND' });
  });

  it('answers NXDOMAIN under cluster.local and refuses everything else', async () => {
    await expect(resolver.resolve4('nope.default.svc.cluster.local')).rejects.toMatchObject({ code: 'ENOTFOUND' });
    await expect(resolver.resolve4('example.com')).rejects.toMatchObject({ code: 'EREFUSED' });
  });

  it('answers over TCP, several length-prefixed messages on one connection, and survives garbage', async () => {
    const port = dns.listening[0].port;
    const udp = createSocket('udp4');
    await new Promise<void>((r) => udp.send(Buffer.from('not a dns message at all'), port, '127.0.0.1', () => r()));
    udp.close();
    const q = (id: number) => packet.streamEncode({ type: 'query', id, questions: [{ name: 'kube-dns.kube-system.svc.cluster.local', type: 'A' }] });
    const replies = await new Promise<packet.Packet[]>((resolve, reject) => {
      const sock = connect(port, '127.0.0.1');
      let buf = Buffer.alloc(0);
      const out: packet.Packet[] = [];
      sock.on('data', (d) => {
        buf = Buffer.concat([buf, d]);
        while (buf.length >= 2 && buf.length >= 2 + buf.readUInt16BE(0)) {
          out.push(packet.streamDecode(buf));
          buf = buf.subarray(2 + buf.readUInt16BE(0));
        }
        if (out.length === 2) (sock.end(), resolve(out));
      });
      sock.on('error', reject);
      const both = Buffer.concat([q(1), q(2)]);
      sock.write(both.subarray(0, 7)); // in pieces, across a message boundary
      setTimeout(() => sock.write(both.subarray(7)), 50);
    });
    expect(replies.map((r) => [r.id, (r.answers ?? []).map((a) => ('data' in a ? a.data : undefined))])).toEqual([[1, ['10.96.0.10']], [2, ['10.96.0.10']]]);
    expect(await resolver.resolve4('kube-dns.kube-system.svc.cluster.local')).toEqual(['10.96.0.10']);
  });
});
