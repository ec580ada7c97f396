import { reconcile } from './reconcile';
import { Cluster, fluentd, node, ofType, T0 } from './testing';

const settle = (c: Cluster) => {
  for (let i = 0; i < 3; i++) {
    c.sync();
    c.allReady();
  }
};

describe('DaemonSet reconcile', () => {
  it('does nothing when every eligible node runs one ready, current pod and status is current', () => {
    const c = new Cluster(fluentd(), [node('n1'), node('n2')]);
    settle(c);
    expect(reconcile(c.ds, c.observed, T0)).toEqual([]);
  });

  it('given three nodes, when synced, then it records a revision and creates one pod per node', () => {
    const actions = new Cluster(fluentd(), [node('n1'), node('n2'), node('n3')]).sync();
    expect(ofType(actions, 'createControllerRevision')).toHaveLength(1);
    expect(ofType(actions, 'createPod').map((a) => a.nodeName)).toEqual(['n1', 'n2', 'n3']);
  });

  it('places pods through the scheduler: no nodeName, a required metadata.name affinity and the daemon tolerations', () => {
    const [{ pod }] = ofType(new Cluster(fluentd(), [node('n1')]).sync(), 'createPod');
    expect(pod.spec?.nodeName).toBeUndefined();
    expect(pod.metadata.generateName).toBe('fluentd-');
    expect(pod.spec?.affinity?.nodeAffinity?.requiredDuringSchedulingIgnoredDuringExecution).toEqual({
      nodeSelectorTerms: [{ matchFields: [{ key: 'metadata.name', operator: 'In', values: ['n1'] }] }],
    });
    expect(pod.spec?.tolerations?.map((t) => `${t.key}:${t.effect}`)).toEqual([
      'node.kubernetes.io/not-ready:NoExecute',
      'node.kubernetes.io/unreachable:NoExecute',
      'node.kubernetes.io/disk-pressure:NoSchedule',
      'node.kubernetes.io/memory-pressure:NoSchedule',
      'node.kubernetes.io/pid-pressure:NoSchedule',
      'node.kubernetes.io/unschedulable:NoSchedule',
    ]);
    expect(pod.metadata.labels?.['controller-revision-hash']).toMatch(/^[bcdfghjklmnpqrstvwxz2456789]+$/);
  });

  it('given a node added later, when synced, then only that node gets a pod', () => {
    const c = new Cluster(fluentd(), [node('n1')]);
    settle(c);
    c.nodes = [...c.nodes, node('n2')];
    expect(ofType(c.sync(), 'createPod').map((a) => a.nodeName)).toEqual(['n2']);
  });

  it('given a node removed, when synced, then its pod is deleted at once (no kubelet will finish it)', () => {
    const c = new Cluster(fluentd(), [node('n1'), node('n2')]);
    settle(c);
    const gone = c.podsOn('n2')[0].metadata.name;
    c.nodes = [node('n1')];
    expect(ofType(c.sync(), 'deletePod')).toEqual([{ type: 'deletePod', name: gone, reason: 'NodeGone', gracePeriodSeconds: 0 }]);
  });

  it('given a node that stops fitting the nodeSelector, then its pod is deleted', () => {
    const c = new Cluster(fluentd(), [node('n1', [], { logging: 'on' }), node('n2', [], { logging: 'on' })]);
    c.ds = { ...c.ds, spec: { ...c.ds.spec, template: { ...c.ds.spec.template, spec: { ...c.ds.spec.template.spec, nodeSelector: { logging: 'on' } } } } };
    settle(c);
    c.nodes = [node('n1', [], { logging: 'on' }), node('n2')];
    expect(ofType(c.sync(), 'deletePod').map((a) => a.reason)).toEqual(['NotEligible']);
  });

  it('given two pods on one node, then the younger is deleted', () => {
    const c = new Cluster(fluentd(), [node('n1')]);
    settle(c);
    const [first] = c.podsOn('n1');
    c.pods.set('dup', { ...first, metadata: { ...first.metadata, name: 'dup', creationTimestamp: '2025-01-01T11:00:00Z' } });
    expect(ofType(c.sync(), 'deletePod')).toEqual([{ type: 'deletePod', name: 'dup', reason: 'Excess' }]);
  });

  it('given a failed daemon pod, then it is deleted and the next sync replaces it', () => {
    const c = new Cluster(fluentd(), [node('n1')]);
    settle(c);
    const [pod] = c.podsOn('n1');
    c.pods.set(pod.metadata.name!, { ...pod, status: { phase: 'Failed' } });
    expect(ofType(c.sync(), 'deletePod').map((a) => a.reason)).toEqual(['Failed']);
    expect(ofType(c.sync(), 'createPod').map((a) => a.nodeName)).toEqual(['n1']);
  });

  it('reports desired, current, misscheduled, ready, available, updated and unavailable per node', () => {
    const c = new Cluster(fluentd(), [node('n1'), node('n2'), node('n3')]);
    c.sync();
    const [onN1] = c.podsOn('n1');
    c.pods.set(onN1.metadata.name!, { ...onN1, status: { phase: 'Running', conditions: [{ type: 'Ready', status: 'True', lastTransitionTime: T0.toISOString() }] } });
    c.pods.delete(c.podsOn('n2')[0].metadata.name!);
    c.nodes = [node('n1'), node('n2'), node('n3', [{ key: 'dedicated', value: 'db', effect: 'NoSchedule' }])];
    const status = ofType(reconcile(c.ds, c.observed, T0), 'updateStatus')[0].status;
    expect(status).toMatchObject({ desiredNumberScheduled: 2, currentNumberScheduled: 1, numberMisscheduled: 1, numberReady: 1, numberAvailable: 1, updatedNumberScheduled: 1, numberUnavailable: 1 });
  });

  it('given the set is being deleted, then it creates nothing and only reports status', () => {
    const c = new Cluster(fluentd(), [node('n1')]);
    c.ds = { ...c.ds, metadata: { ...c.ds.metadata, deletionTimestamp: T0.toISOString() } };
    expect(ofType(c.sync(), 'createPod')).toEqual([]);
  });
});
