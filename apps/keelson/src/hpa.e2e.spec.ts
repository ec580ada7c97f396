import { dirname } from 'node:path';
import { realpathSync } from 'node:fs';
import { execFileSync } from 'node:child_process';
import { EventLog, subjectFor, type LogEntry } from '@keelson/eventlog';
import { eventually, RealCluster } from './testing/real-cluster';

// Resource metrics and the HorizontalPodAutoscaler on real agents: `kubectl top` reads
// metrics.k8s.io (scraped by the apiserver from the agents' cgroup figures), and an HPA
// scales a Deployment whose pods burn CPU up, then back down when the load stops.
const NODES = [21, 22];
const KUBECTL_127 = `${dirname(realpathSync(execFileSync('which', ['kubectl']).toString().trim()))}/kubectl.1.27`;

/** The leading number of a figure kubectl prints: "12m" → 12, "37Mi" → 37, "5%" → 5 */
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

  /** Every log entry of one object, oldest first, and the entry each one names as its cause. */
  async function history(group: string, plural: string, name: string): Promise<{ entry: LogEntry; cause: LogEntry | null }[]> {
    const log = await EventLog.connect({ servers: cluster.nats.url });
    try {
      const entries: LogEntry[] = [];
      const done = new AbortController();
      await log.follow(subjectFor({ group, plural, namespace: 'default', name }), 1, (e) => void entries.push(e), done.signal, () => done.abort());
      return await Promise.all(entries.map(async (entry) => ({ entry, cause: entry.cause ? await log.entryAt(entry.cause) : null })));
    } finally {
      await log.close();
    }
  }

  beforeAll(() => cluster.start(__filename, NODES), 180_000);
  afterAll(() => cluster.stop(), 120_000);

  it('kubectl top nodes and top pods print figures from the agents, with kubectl 1.32 and 1.27', async () => {
    await eventually(() => cluster.json<{ items: any[] }>(['nodes']), (l) => l.items.filter((n) => n.status.conditions.some((c: any) => c.type === 'Ready' && c.status === 'True')).length === 2);
    await cluster.ok(['run', 'idle', '--image=busybox', '--restart=Never', '--', 'sleep', '3600']);
    await cluster.ok(['create', '-f', '-'], JSON.stringify(busyPod('busy')));

    const nodes = await eventually(() => cluster.kubectl(['top', 'nodes', '--no-headers']), (r) => r.code === 0 && r.stdout.trim().split('\n').length === 2 && !r.stdout.includes('<unknown>'), 90_000);
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
    // A container's first figure is measured from its start, start-up work included; the next ones settle.
    const settled = (r: { code: number; stdout: string }) => r.code === 0 && /^busy\s+\d+m/m.test(r.stdout) && /^idle\s+\d+m/m.test(r.stdout) && number(/^busy\s+(\S+)/m.exec(r.stdout)![1]) >= 50 && number(/^idle\s+(\S+)/m.exec(r.stdout)![1]) < 10;
    const pods = await eventually(() => cluster.kubectl(['top', 'pods', '--no-headers']), settled, 90_000);
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

  it('an HPA made by kubectl autoscale scales a CPU-bound Deployment up, and back down when the load stops', async () => {
    const deployment = {
      apiVersion: 'apps/v1',
      kind: 'Deployment',
      metadata: { name: 'burn' },
      spec: { replicas: 1, selector: { matchLabels: { app: 'burn' } }, template: { metadata: { labels: { app: 'burn' } }, spec: busyPod('burn').spec } },
    };
    deployment.spec.template.spec = { ...deployment.spec.template.spec, restartPolicy: 'Always' };
    await cluster.ok(['create', '-f', '-'], JSON.stringify(deployment));
    await cluster.ok(['autoscale', 'deployment', 'burn', '--cpu-percent=50', '--min=1', '--max=3']);
    // kubectl writes autoscaling/v1 (stored as v2): it reads back in either version.
    const v2 = await cluster.json(['hpa.v2.autoscaling', 'burn']);
    expect(v2.spec.metrics).toEqual([{ type: 'Resource', resource: { name: 'cpu', target: { type: 'Utilization', averageUtilization: 50 } } }]);
    const old = await cluster.kubectl(['autoscale', 'deployment', 'burn', '--name=burn-127', '--max=2', '--cpu-percent=60', '--dry-run=server', '-o', 'json'], '', KUBECTL_127);
    expect(old.code).toBe(0);
    expect(JSON.parse(old.stdout)).toMatchObject({ apiVersion: 'autoscaling/v1', spec: { maxReplicas: 2, targetCPUUtilizationPercentage: 60 } });
    // Scale-down waits 5 minutes by default; a short window keeps the test short.
    await cluster.ok(['patch', 'hpa', 'burn', '--type=merge', '-p', JSON.stringify({ spec: { behavior: { scaleDown: { stabilizationWindowSeconds: 15 } } } })]);

    // One pod spinning at its 100m limit is 200 % of its 50m request: 4 pods wanted, 3 allowed.
    const up = await eventually(() => cluster.json(['hpa', 'burn']), (h) => h.status?.desiredReplicas === 3 && h.status?.currentReplicas === 3, 180_000);
    expect(up.status.currentMetrics[0].resource.current.averageUtilization).toBeGreaterThan(55);
    expect(up.status.conditions.find((c: any) => c.type === 'ScalingActive')).toMatchObject({ status: 'True', reason: 'ValidMetricFound' });
    expect(up.status.lastScaleTime).toBeDefined();
    const scaled = await eventually(() => cluster.json(['deployment', 'burn']), (d) => d.spec.replicas === 3);
    expect(scaled.spec.replicas).toBe(3);
    // The rescale is in the Deployment's history, written by the HPA controller, caused by the HPA.
    const rescale = (await history('apps', 'deployments', 'burn')).find((h) => h.entry.actor === 'controller:horizontalpodautoscaling' && (h.entry.object as any).spec.replicas === 3);
    expect(rescale?.cause?.object).toMatchObject({ kind: 'HorizontalPodAutoscaler', metadata: { name: 'burn' } });
    const table = await cluster.ok(['get', 'hpa', 'burn', '--no-headers']);
    expect(table).toMatch(/^burn\s+Deployment\/burn\s+cpu: \d+%\/50%\s+1\s+3\s+3\s/);
    const described = await cluster.ok(['describe', 'hpa', 'burn']);
    expect(described).toMatch(/SuccessfulRescale\s+.*New size: 3; reason: cpu resource utilization \(percentage of request\) above target/);

    // The load stops: the pods now sleep, usage falls to nothing, and after the window it shrinks to the minimum.
    await cluster.ok(['patch', 'deployment', 'burn', '--type=json', '-p', JSON.stringify([{ op: 'replace', path: '/spec/template/spec/containers/0/command', value: ['sleep', '3600'] }])]);
    const down = await eventually(() => cluster.json(['hpa', 'burn']), (h) => h.status?.currentReplicas === 1 && h.status?.desiredReplicas === 1, 240_000);
    expect(down.status.currentReplicas).toBe(1);
    expect(await cluster.ok(['describe', 'hpa', 'burn'])).toMatch(/New size: 1; reason: All metrics below target/);
    expect((await cluster.json(['deployment', 'burn'])).spec.replicas).toBe(1);

    await cluster.ok(['delete', 'hpa', 'burn']);
    await cluster.ok(['delete', 'deployment', 'burn']);
  }, 600_000);
});
