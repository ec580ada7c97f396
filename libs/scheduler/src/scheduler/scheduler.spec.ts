import { NODE_REASONS_ANNOTATION } from './records';
import { node, pod, testScheduler } from './testing';

describe('Scheduler', () => {
  it('given no pending pods, when it runs, then it writes nothing', async () => {
    const { scheduler, client, feed, runAll } = testScheduler();
    feed(scheduler.informers.onNode, 'add', node('a'));
    await runAll();
    expect(client.calls).toEqual([]);
  });

  it('given three nodes, when pods with requests arrive, then each is bound through pods/binding with its creation entry as cause, spread over the nodes', async () => {
    const { scheduler, client, feed, runAll } = testScheduler();
    for (const n of ['a', 'b', 'c']) feed(scheduler.informers.onNode, 'add', node(n, '2'));
    const causes = ['p1', 'p2', 'p3'].map((p) => feed(scheduler.informers.onPod, 'add', pod(p, '1500m')));
    await runAll();
    const binds = client.binds();
    expect(binds.map((b) => [b.pod, b.cause]).sort()).toEqual([['p1', causes[0]], ['p2', causes[1]], ['p3', causes[2]]]);
    expect(new Set(binds.map((b) => b.node)).size).toBe(3); // 1.5 of 2 cpus: one pod per node
    const p1 = client.calls.find((c) => c.path === '/api/v1/namespaces/default/pods/p1/binding');
    expect(p1?.body).toEqual({ apiVersion: 'v1', kind: 'Binding', metadata: { name: 'p1', namespace: 'default' }, target: { apiVersion: 'v1', kind: 'Node', name: binds.find((b) => b.pod === 'p1')!.node } });
    expect(scheduler.stats).toMatchObject({ bound: 3, unschedulable: 0 });
  });

  it('given a pod bound, then a Scheduled Event says where, as kube-scheduler writes it, with the creation entry as cause', async () => {
    const { scheduler, client, feed, runAll } = testScheduler();
    feed(scheduler.informers.onNode, 'add', node('a'));
    const cause = feed(scheduler.informers.onPod, 'add', pod('web', '1'));
    await runAll();
    const events = client.calls.filter((c) => c.path === '/api/v1/namespaces/default/events');
    expect(events).toHaveLength(1);
    expect(events[0].opts).toEqual({ cause });
    expect(events[0].body).toMatchObject({
      kind: 'Event',
      metadata: { namespace: 'default', name: expect.stringMatching(/^web\.[0-9a-f]{16}$/) },
      involvedObject: { kind: 'Pod', name: 'web', namespace: 'default', uid: 'uid-web' },
      type: 'Normal',
      reason: 'Scheduled',
      message: 'Successfully assigned default/web to a',
      source: { component: 'default-scheduler' },
      reportingComponent: 'default-scheduler',
      count: 1,
    });
  });

  it('given nodes that hold exactly 1,000 pods, when 1,000 arrive at once and are scheduled before any bind shows in the log, then no node is overcommitted', async () => {
    const { scheduler, client, feed, runAll } = testScheduler();
    for (let i = 0; i < 10; i++) feed(scheduler.informers.onNode, 'add', node(`n${i}`, '100', { pods: '100' }));
    for (let i = 0; i < 1000; i++) feed(scheduler.informers.onPod, 'add', pod(`p${i}`, '1'));
    await runAll();
    const perNode = new Map<string, number>();
    for (const b of client.binds()) perNode.set(b.node, (perNode.get(b.node) ?? 0) + 1);
    expect(client.binds()).toHaveLength(1000);
    expect([...perNode.values()].every((n) => n === 100)).toBe(true);
  });

  it('given a pod asking more cpu than any node has, then it gets PodScheduled=False and one FailedScheduling Event in Kubernetes’ words, and a retry bumps the count instead of adding an Event', async () => {
    const { scheduler, client, feed, runAll, advance } = testScheduler();
    for (const n of ['a', 'b', 'c']) feed(scheduler.informers.onNode, 'add', node(n, '2'));
    feed(scheduler.informers.onPod, 'add', pod('huge', '64'));
    await runAll();
    const message = '0/3 nodes are available: 3 Insufficient cpu. preemption: 0/3 nodes are available: 3 Preemption is not helpful for scheduling.';
    const [status, event] = [client.calls.find((c) => c.path.endsWith('/huge/status')), client.calls.find((c) => c.path.endsWith('/events'))];
    expect(status).toMatchObject({ verb: 'patch', opts: { patchType: 'strategic' }, body: { status: { conditions: [{ type: 'PodScheduled', status: 'False', reason: 'Unschedulable', message }] } } });
    expect(event?.body).toMatchObject({
      kind: 'Event',
      involvedObject: { kind: 'Pod', name: 'huge', namespace: 'default', uid: 'uid-huge' },
      reason: 'FailedScheduling',
      type: 'Warning',
      message,
      count: 1,
      source: { component: 'default-scheduler' },
      reportingComponent: 'default-scheduler',
    });
    const meta = (event?.body as { metadata: { name: string; annotations: Record<string, string> } }).metadata;
    expect(meta.name).toMatch(/^huge\.[0-9a-f]{16}$/);
    expect(JSON.parse(meta.annotations[NODE_REASONS_ANNOTATION])).toEqual({ a: ['Insufficient cpu'], b: ['Insufficient cpu'], c: ['Insufficient cpu'] });
    // a node changes (an event that may help), the pod's backoff passes, it fails again the same way
    client.calls.length = 0;
    feed(scheduler.informers.onNode, 'update', node('a', '3'));
    advance(2_000);
    scheduler.tick();
    await runAll();
    expect(client.calls.map((c) => `${c.verb} ${c.path}`)).toEqual([`patch /api/v1/namespaces/default/events/${meta.name}`]);
    expect(client.calls[0].body).toMatchObject({ count: 2 });
  });

  it('given a failed pod, when no event that could help arrives, then it is not retried', async () => {
    const { scheduler, client, feed, runAll, advance } = testScheduler();
    feed(scheduler.informers.onNode, 'add', node('a', '1'));
    feed(scheduler.informers.onPod, 'add', pod('big', '2'));
    await runAll();
    const before = client.calls.length;
    advance(60_000);
    scheduler.tick();
    await runAll();
    expect(client.calls.length).toBe(before);
    expect(scheduler.queue.where('default/big')).toBe('unschedulable');
  });

  it('given a tainted node, then only a pod tolerating the taint goes there', async () => {
    const { scheduler, client, feed, runAll } = testScheduler();
    feed(scheduler.informers.onNode, 'add', node('plain', '1'));
    feed(scheduler.informers.onNode, 'add', node('gpu', '8', { taints: [{ key: 'gpu', value: 'true', effect: 'NoSchedule' }] }));
    feed(scheduler.informers.onPod, 'add', pod('any', '500m'));
    feed(scheduler.informers.onPod, 'add', pod('tolerant', '4', { tolerations: [{ key: 'gpu', operator: 'Equal', value: 'true', effect: 'NoSchedule' }] }));
    await runAll();
    expect(client.binds().map((b) => `${b.pod}→${b.node}`).sort()).toEqual(['any→plain', 'tolerant→gpu']);
  });

  it('given a pod for a scheduler not configured here, then it is left alone; given the second profile, it is scheduled', async () => {
    const { scheduler, client, feed, runAll } = testScheduler('profiles: [{ schedulerName: default-scheduler }, { schedulerName: packer }]');
    feed(scheduler.informers.onNode, 'add', node('a'));
    feed(scheduler.informers.onPod, 'add', pod('other', '1', { schedulerName: 'someone-else' }));
    feed(scheduler.informers.onPod, 'add', pod('packed', '1', { schedulerName: 'packer' }));
    await runAll();
    expect(client.binds().map((b) => b.pod)).toEqual(['packed']);
  });

  it('given a bind the apiserver refuses, then the assumed pod is forgotten and the pod retries after its backoff', async () => {
    const { scheduler, client, feed, runAll, advance } = testScheduler();
    feed(scheduler.informers.onNode, 'add', node('a', '1'));
    feed(scheduler.informers.onPod, 'add', pod('p', '1'));
    client.failBinds = Object.assign(new Error('etcd down'), { code: 500 });
    await runAll();
    expect(scheduler.cache.nodeOf('default/p')).toBeUndefined();
    expect(scheduler.queue.where('default/p')).toBe('backoff');
    expect(client.calls.filter((c) => c.path.endsWith('/events'))).toEqual([]); // not Scheduled
    client.failBinds = undefined;
    advance(1_500);
    scheduler.tick();
    await runAll();
    expect(client.binds().map((b) => b.pod)).toEqual(['p', 'p']);
  });

  it('given the log confirms a bind, then the pod is counted once, on the node the log says', async () => {
    const { scheduler, feed, runAll } = testScheduler();
    feed(scheduler.informers.onNode, 'add', node('a', '1'));
    const p = pod('p', '1');
    feed(scheduler.informers.onPod, 'add', p);
    await runAll();
    feed(scheduler.informers.onPod, 'update', { ...p, spec: { ...(p.spec as object), nodeName: 'a' } }, 'Bound');
    expect(scheduler.cache.isAssumed('default/p')).toBe(false);
    expect(scheduler.cache.snapshot().nodeInfo('a')?.pods).toHaveLength(1);
    expect(scheduler.queue.where('default/p')).toBeUndefined();
  });
});
