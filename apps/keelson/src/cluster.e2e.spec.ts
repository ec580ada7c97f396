import { eventually, RealCluster } from './testing/real-cluster';

// The harness every multi-node end-to-end spec stands on: two real agents, one pod per node.
const NODES = [61, 62];

describe('a two-node cluster from the parts npm start runs', () => {
  const cluster = new RealCluster();
  beforeAll(() => cluster.start(__filename, NODES), 180_000);
  afterAll(() => cluster.stop(), 120_000);

  it('registers both nodes Ready and runs a pod on each', async () => {
    const nodes = await eventually(() => cluster.json<{ items: any[] }>(['nodes']), (l) => l.items.filter((n) => n.status.conditions.some((c: any) => c.type === 'Ready' && c.status === 'True')).length === 2);
    expect(nodes.items.map((n) => n.metadata.name).sort()).toEqual(['keelson-node-61', 'keelson-node-62']);
    for (const n of NODES) {
      await cluster.ok(['run', `p${n}`, '--image=busybox', '--restart=Never', `--overrides={"spec":{"nodeName":"keelson-node-${n}"}}`, '--', 'sleep', '3600']);
    }
    const pods = await eventually(() => cluster.json<{ items: any[] }>(['pods']), (l) => l.items.length === 2 && l.items.every((p) => p.status.phase === 'Running'));
    expect(pods.items.map((p) => [p.spec.nodeName, p.status.phase]).sort()).toEqual([['keelson-node-61', 'Running'], ['keelson-node-62', 'Running']]);
  }, 120_000);
});
