import type { KubeObject } from '@keelson/apimachinery';
import { node, pod, testScheduler } from './testing';

const bound = (p: KubeObject, nodeName: string): KubeObject => ({ ...p, spec: { ...(p.spec as object), nodeName } });
const highClass = { apiVersion: 'scheduling.k8s.io/v1', kind: 'PriorityClass', metadata: { name: 'high' }, value: 1000 } as KubeObject;

describe('Scheduler preemption', () => {
  it('given a full node and a pod of a higher PriorityClass, then the victim is marked, deleted and told, the preemptor nominated, and bound once the victim is gone', async () => {
    const { scheduler, client, feed, runAll, advance } = testScheduler();
    feed(scheduler.informers.onPriorityClass, 'add', highClass);
    feed(scheduler.informers.onNode, 'add', node('a', '2'));
    const low = bound(pod('low', '2'), 'a');
    feed(scheduler.informers.onPod, 'add', low);
    feed(scheduler.informers.onPod, 'add', pod('high', '2', { priorityClassName: 'high' })); // admission wrote priority 0
    await runAll();
    const writes = client.calls.map((c) => `${c.verb} ${c.path}`);
    expect(writes).toEqual(
      expect.arrayContaining([
        'patch /api/v1/namespaces/default/pods/low/status',
        'delete /api/v1/namespaces/default/pods/low',
        'patch /api/v1/namespaces/default/pods/high/status',
      ]),
    );
    expect(client.calls.find((c) => c.path.endsWith('/low/status'))?.body).toMatchObject({ status: { conditions: [{ type: 'DisruptionTarget', status: 'True', reason: 'PreemptionByScheduler' }] } });
    expect(client.calls.find((c) => c.path.endsWith('/high/status'))?.body).toMatchObject({ status: { nominatedNodeName: 'a' } });
    const preempted = client.calls.map((c) => c.body as { reason?: string; involvedObject?: { name: string }; message?: string }).find((b) => b?.reason === 'Preempted');
    expect(preempted).toMatchObject({ involvedObject: { name: 'low' }, message: 'Preempted by pod uid-high on node a' });
    expect(client.binds()).toEqual([]);

    // a lower-priority newcomer must not take the room made for the nominated pod
    feed(scheduler.informers.onPod, 'delete', low);
    feed(scheduler.informers.onPod, 'add', pod('late', '2'));
    await runAll(); // the preemptor is still backing off; `late` is tried alone
    expect(client.binds()).toEqual([]);
    advance(1_500);
    scheduler.tick();
    await runAll();
    expect(client.binds().map((b) => `${b.pod}→${b.node}`)).toEqual(['high→a']);
  });

  it('given the victim has equal priority, then nothing is preempted and the message says so', async () => {
    const { scheduler, client, feed, runAll } = testScheduler();
    feed(scheduler.informers.onNode, 'add', node('a', '2'));
    feed(scheduler.informers.onPod, 'add', bound(pod('first', '2'), 'a'));
    feed(scheduler.informers.onPod, 'add', pod('second', '2'));
    await runAll();
    expect(client.calls.some((c) => c.verb === 'delete')).toBe(false);
    const event = client.calls.find((c) => c.path.endsWith('/events'))?.body as { message: string };
    expect(event.message).toBe('0/1 nodes are available: 1 Insufficient cpu. preemption: 0/1 nodes are available: 1 No preemption victims found for incoming pod.');
  });
});
