import { NodeLifecycleAction, reconcileNode } from './reconcile';
import { Lease, Node, Pod, Taint, Toleration } from './types';

const NOW = new Date('2025-01-01T12:00:00Z');
const ago = (s: number) => new Date(NOW.getTime() - s * 1000).toISOString().replace('.000Z', 'Z');

const node = (ready: 'True' | 'False' | 'Unknown' | null, extra: { heartbeat?: number; taints?: Taint[]; unschedulable?: boolean } = {}): Node => ({
  apiVersion: 'v1',
  kind: 'Node',
  metadata: { name: 'n1', uid: 'uid-n1', creationTimestamp: ago(3600) },
  spec: { ...(extra.taints ? { taints: extra.taints } : {}), ...(extra.unschedulable ? { unschedulable: true } : {}) },
  status: {
    conditions: ready === null ? [] : [
      { type: 'MemoryPressure', status: 'False', lastHeartbeatTime: ago(extra.heartbeat ?? 5), lastTransitionTime: ago(3000), reason: 'KubeletHasSufficientMemory' },
      { type: 'Ready', status: ready, lastHeartbeatTime: ago(extra.heartbeat ?? 5), lastTransitionTime: ago(3000), reason: 'KubeletReady' },
    ],
  },
});
const lease = (renewedAgo: number): Lease => ({ apiVersion: 'coordination.k8s.io/v1', kind: 'Lease', metadata: { name: 'n1', namespace: 'kube-node-lease' }, spec: { holderIdentity: 'n1', leaseDurationSeconds: 40, renewTime: ago(renewedAgo) } });
const pod = (name: string, extra: { tolerations?: Toleration[]; ready?: boolean; deleting?: boolean } = {}): Pod => ({
  apiVersion: 'v1',
  kind: 'Pod',
  metadata: { name, namespace: 'default', uid: `uid-${name}`, ...(extra.deleting ? { deletionTimestamp: ago(1) } : {}) },
  spec: { nodeName: 'n1', ...(extra.tolerations ? { tolerations: extra.tolerations } : {}) },
  status: { phase: 'Running', conditions: [{ type: 'Ready', status: extra.ready === false ? 'False' : 'True' }] },
});
const unreachable = (addedAgo: number): Taint[] => [
  { key: 'node.kubernetes.io/unreachable', effect: 'NoSchedule' },
  { key: 'node.kubernetes.io/unreachable', effect: 'NoExecute', timeAdded: ago(addedAgo) },
];
const types = (actions: NodeLifecycleAction[]) => actions.map((a) => a.type);

describe('node lifecycle', () => {
  it('nothing to do: a ready node renewing its lease, with ready pods', () => {
    expect(reconcileNode(node('True', { heartbeat: 120 }), { lease: lease(5), pods: [pod('a')] }, NOW)).toEqual([]);
  });

  describe('given a node whose lease stopped being renewed', () => {
    it.each([
      ['39 s ago: still within the 40 s grace period', 39, []],
      ['41 s ago: Ready becomes Unknown and the node is tainted unreachable', 41, ['updateNodeStatus', 'updateNodeTaints', 'markPodNotReady', 'requeueAfter']],
    ])('renewed %s', (_, renewed, expected) => {
      expect(types(reconcileNode(node('True', { heartbeat: renewed }), { lease: lease(renewed as number), pods: [pod('a')] }, NOW))).toEqual(expected);
    });

    it('marks Ready and the pressure conditions Unknown with Kubernetes reason and message, keeping the last heartbeat', () => {
      const actions = reconcileNode(node('True', { heartbeat: 60 }), { lease: lease(60), pods: [] }, NOW);
      const status = actions.find((a) => a.type === 'updateNodeStatus');
      const ready = status?.type === 'updateNodeStatus' ? status.conditions.find((c) => c.type === 'Ready') : undefined;
      expect(ready).toEqual({ type: 'Ready', status: 'Unknown', reason: 'NodeStatusUnknown', message: 'Kubelet stopped posting node status.', lastHeartbeatTime: ago(60), lastTransitionTime: '2025-01-01T12:00:00Z' });
      const conditions = status?.type === 'updateNodeStatus' ? status.conditions : [];
      expect(conditions.map((c) => `${c.type}=${c.status}`)).toEqual(['MemoryPressure=Unknown', 'Ready=Unknown', 'DiskPressure=Unknown', 'PIDPressure=Unknown']);
      expect(actions.find((a) => a.type === 'updateNodeTaints')).toEqual({ type: 'updateNodeTaints', name: 'n1', uid: 'uid-n1', taints: unreachable(0) });
    });

    it('uses the grace period it is given', () => {
      expect(types(reconcileNode(node('True', { heartbeat: 20 }), { lease: lease(20), pods: [] }, NOW, { nodeMonitorGracePeriodSeconds: 15 }))).toEqual(['updateNodeStatus', 'updateNodeTaints']);
    });
  });

  describe('taints follow the Ready condition', () => {
    it.each([
      ['Ready False taints not-ready', node('False'), ['node.kubernetes.io/not-ready:NoSchedule', 'node.kubernetes.io/not-ready:NoExecute']],
      ['a recovered node loses the unreachable taints, keeping foreign ones', node('True', { taints: [{ key: 'dedicated', value: 'gpu', effect: 'NoSchedule' }, ...unreachable(100)] }), ['dedicated:NoSchedule']],
      ['a cordoned node is tainted unschedulable', node('True', { unschedulable: true }), ['node.kubernetes.io/unschedulable:NoSchedule']],
      ['a node that never posted status is left to register', node(null), []],
    ])('%s', (_, n, expected) => {
      const actions = reconcileNode(n, { lease: lease(1), pods: [] }, NOW);
      const update = actions.find((a) => a.type === 'updateNodeTaints');
      const taints = update?.type === 'updateNodeTaints' ? update.taints : n.spec?.taints ?? [];
      expect(taints.map((t) => `${t.key}:${t.effect}`)).toEqual(expected);
    });
  });

  describe('taint-based eviction on an unreachable node', () => {
    // as the previous pass left it: every watched condition Unknown, tainted unreachable
    const silent = (addedAgo: number): Node => {
      const n = node('Unknown', { heartbeat: 600, taints: unreachable(addedAgo) });
      const conditions = ['MemoryPressure', 'Ready', 'DiskPressure', 'PIDPressure'].map((type) => ({ type, status: 'Unknown' as const, reason: 'NodeStatusUnknown', lastHeartbeatTime: ago(600) }));
      return { ...n, status: { conditions } };
    };
    const evicted = (actions: NodeLifecycleAction[]) => actions.flatMap((a) => (a.type === 'evictPod' ? [a.key.name] : []));
    const requeue = (actions: NodeLifecycleAction[]) => actions.find((a) => a.type === 'requeueAfter');

    it.each([
      ['the default 300 s toleration, tainted 250 s ago: stays, looked at again in 50 s', [], 250, [], 50],
      ['the default 300 s toleration, tainted 300 s ago: evicted', [], 300, ['p'], undefined],
      ['its own 30 s toleration, tainted 10 s ago: 20 s left', [{ key: 'node.kubernetes.io/unreachable', operator: 'Exists', effect: 'NoExecute', tolerationSeconds: 30 }], 10, [], 20],
      ['a toleration without seconds: stays for good', [{ operator: 'Exists' }], 100000, [], undefined],
    ] as [string, Toleration[], number, string[], number | undefined][])('a pod with %s', (_, tolerations, addedAgo, expected, seconds) => {
      const actions = reconcileNode(silent(addedAgo), { lease: lease(600), pods: [pod('p', { tolerations, ready: false })] }, NOW);
      expect(evicted(actions)).toEqual(expected);
      expect(requeue(actions)).toEqual(seconds === undefined ? undefined : { type: 'requeueAfter', seconds });
    });

    it('evicts at once a pod that does not tolerate a NoExecute taint, recording why', () => {
      const n = node('True', { taints: [{ key: 'maintenance', effect: 'NoExecute', timeAdded: ago(1) }] });
      const actions = reconcileNode(n, { lease: lease(1), pods: [pod('p')] }, NOW);
      expect(actions).toEqual([{ type: 'evictPod', key: { namespace: 'default', name: 'p', uid: 'uid-p' }, condition: { type: 'DisruptionTarget', status: 'True', reason: 'DeletionByTaintManager', message: 'Taint manager: deleting due to NoExecute taint', lastTransitionTime: '2025-01-01T12:00:00Z' } }]);
    });

    it('leaves pods already terminating alone', () => {
      expect(reconcileNode(silent(1000), { lease: lease(600), pods: [pod('p', { deleting: true })] }, NOW)).toEqual([]);
    });
  });
});
