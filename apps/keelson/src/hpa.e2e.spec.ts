import { dirname } from 'node:path';
import { realpathSync } from 'node:fs';
import { execFileSync } from 'node:child_process';
import { eventually, RealCluster } from './testing/real-cluster';

// Resource metrics and the HorizontalPodAutoscaler on real agents: `kubectl top` reads
// metrics.k8s.io (scraped by the apiserver from the agents' cgroup figures), and an HPA
// scales a Deployment whose pods burn CPU up, then back down when the load stops.
const NODES = [21, 22];
const KUBECTL_127 = `${dirname(realpathSync(execFileSync('which', ['kubectl']).toString().trim()))}/kubectl.1.27`;

/** "12m" → 12, "1" → 1000, "37Mi" → 37 */
const number = (s: string) => Number(/^(\d+)/.exec(s)?.[1] ?? NaN);

/** A pod whose one container spins, requesting 50m and held to 100m by its CFS quota. */
const busyPod = (name: string) => ({
  apiVersion: 'v1',
  kind: 'Pod',
  metadata: { name },
  spec: { restartPolicy: 'Never', containers: [{ name, image: 'busybox', command: ['sh', '-c', 'while :; do :; done'], resources: { requests: { cpu: '50m' }, limits: { cpu: '100m' } } }] },
});

describe('kubectl top and the HorizontalPodAutoscaler', () => {
  const cluster = new RealCluster();
  beforeAll(() => cluster.start(__filename, NODES), 180_000);
  afterAll(() => cluster.stop(), 120_000);

  it('kubectl top nodes and top pods print figures from the agents, with kubectl 1.32 and 1.27', async () => {
    await eventually(() => cluster.json<{ items: any[] }>(['nodes']), (l) => l.items.filter((n) => n.status.conditions.some((c: any) => c.type === 'Ready' && c.status === 'True')).length === 2);
    await cluster.ok(['run', 'idle', '--image=busybox', '--restart=Never', '--', 'sleep', '3600']);
    await cluster.ok(['create', '-f', '-'], JSON.stringify(busyPod('busy')));

    const nodes = await eventually(() => cluster.kubectl(['top', 'nodes', '--no-headers']), (r) => r.code === 0 && r.stdout.trim().split('\n').length === 2, 90_000);
    expect(nodes.stderr).toBe('');
    const rows = nodes.stdout.trim().split('\n').map((l) => l.trim().split(/\s+/));
    expect(rows.map((r) => r[0]).sort()).toEqual(['keelson-node-21', 'keelson-node-22']);
    for (const [, cpu, cpuPercent, memory, memoryPercent] of rows) {
      expect(cpu).toMatch(/^\d+m$/);
      expect(number(cpu)).toBeGreaterThan(0);
      expect(cpuPercent).toMatch(/^\d+%$/);
      expect(memory).toMatch(/^\d+Mi$/);
      expect(number(memory)).toBeGreaterThan(0);
      expect(memoryPercent).toMatch(/^\d+%$/);
    }

    // The busy loop is held to 100m by its CFS quota; the sleeper uses next to nothing.
    const pods = await eventually(() => cluster.kubectl(['top', 'pods', '--no-headers']), (r) => r.code === 0 && /^busy\s+\d+m/m.test(r.stdout) && /^idle\s/m.test(r.stdout) && number(/^busy\s+(\S+)/m.exec(r.stdout)![1]) >= 50, 90_000);
    const busy = /^busy\s+(\d+)m\s+(\d+)Mi/m.exec(pods.stdout)!;
    const idle = /^idle\s+(\d+)m\s+(\d+)Mi/m.exec(pods.stdout)!;
    expect(Number(busy[1])).toBeGreaterThanOrEqual(50);
    expect(Number(busy[1])).toBeLessThanOrEqual(130);
    expect(Number(idle[1])).toBeLessThan(10);

    const containers = await cluster.ok(['top', 'pods', 'busy', '--containers', '--no-headers']);
    expect(containers).toMatch(/^busy\s+busy\s+\d+m\s+\d+Mi/);

    const old = await cluster.kubectl(['top', 'pods', '-n', 'default', '--no-headers'], '', KUBECTL_127);
    expect(old.code).toBe(0);
    expect(old.stdout).toMatch(/^busy\s+\d+m\s+\d+Mi/m);
    const oldNodes = await cluster.kubectl(['top', 'nodes'], '', KUBECTL_127);
    expect(oldNodes.code).toBe(0);
    expect(oldNodes.stdout).toMatch(/keelson-node-21\s+\d+m\s+\d+%\s+\d+Mi\s+\d+%/);

    await cluster.ok(['delete', 'pod', 'idle', 'busy', '--grace-period=0', '--force']);
  }, 240_000);
});
