// The node lifecycle controller with a shorter --node-monitor-grace-period than Kubernetes' 40 s:
// a node whose agent stops turns NotReady (Ready=Unknown, unreachable taint) after that grace
// period, and a ReplicaSet's pods tolerating the taint for 5 s move to the other node. Nodes 91–92.
import Docker from 'dockerode';
import { ensureImages } from '@keelson/runtime';
import { moverDeployment } from './testing/mover';
import { eventually, RealCluster } from './testing/real-cluster';

const NODES = [91, 92];
const GRACE_SECONDS = 10;

type Pod = { metadata: { name: string; deletionTimestamp?: string }; spec: { nodeName?: string }; status: { phase?: string } };
const nodeNumber = (p: Pod) => Number(p.spec.nodeName?.replace('keelson-node-', ''));

describe('node lifecycle with a configured grace period', () => {
  const c = new RealCluster();

  beforeAll(async () => {
    await ensureImages(new Docker(), ['busybox', 'registry.k8s.io/pause:3.9']);
    await c.start(__filename, NODES, [], { controllerManager: { nodeMonitorGracePeriodSeconds: GRACE_SECONDS } });
    await eventually(() => c.ok(['get', 'nodes']), (out) => (out.match(/\sReady\s/g) ?? []).length === NODES.length, 120_000);
  }, 300_000);
  afterAll(() => c.stop(), 180_000);

  it(`when a node’s agent stops, then the node is NotReady well before Kubernetes’ default 40 s (grace ${GRACE_SECONDS} s) and its pods move`, async () => {
    const mover = moverDeployment(2);
    await c.ok(['apply', '-f', '-'], JSON.stringify(mover));
    const pods = async () => (await c.json<{ items: Pod[] }>(['pods', '-l', 'app=mover'])).items;
    const placed = await eventually(pods, (p) => p.length === 2 && p.every((x) => x.status.phase === 'Running'), 120_000);
    const victim = nodeNumber(placed[0]);

    const stoppedAt = Date.now();
    await c.stopAgent(victim);
    const line = await eventually(() => c.ok(['get', 'node', `keelson-node-${victim}`, '--no-headers']), (l) => /\sNotReady\s/.test(l), 90_000);
    const notReadyAfter = (Date.now() - stoppedAt) / 1000;
    expect(line).toMatch(/\sNotReady\s/);
    // Measured from the Lease's last renewal, which was up to one renew interval (10 s) before the
    // stop: with the default 40 s that is at least 30 s; with 10 s, at most 10 s + one 5 s monitor period + polling.
    expect(notReadyAfter).toBeLessThan(30);
    // Ready=Unknown and the unreachable taint are two writes of the node lifecycle controller, as in Kubernetes
    const taints = await eventually(() => c.ok(['get', 'node', `keelson-node-${victim}`, '-o', 'jsonpath={.spec.taints[*].key}']), (t) => t.includes('node.kubernetes.io/unreachable'), 30_000);
    expect(taints).toContain('node.kubernetes.io/unreachable');

    const moved = await eventually(
      async () => (await pods()).filter((p) => !p.metadata.deletionTimestamp),
      (p) => p.length === 2 && p.every((x) => nodeNumber(x) !== victim),
      90_000,
    );
    expect(moved.map(nodeNumber)).toEqual(moved.map(() => NODES.find((n) => n !== victim)));
  }, 300_000);
});
