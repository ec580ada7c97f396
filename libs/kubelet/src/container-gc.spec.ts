// Container and sandbox garbage collection, the kubelet's defaults: given what the runtime holds
// on the node and which pods still exist, which dead instances go.
import { containerGarbage, garbage, type GcContainer, type GcSandbox } from './container-gc';

const sb = (id: string, uid: string, attempt: number, state: GcSandbox['state']): GcSandbox => ({ id, uid, attempt, state, createdAt: attempt * 1000 });
const ctr = (id: string, uid: string, sandboxId: string, name: string, restartCount: number, state: GcContainer['state']): GcContainer => ({ id, podUid: uid, sandboxId, name, state, restartCount, createdAt: restartCount * 1000 });
const exists = (...uids: string[]) => (uid: string) => uids.includes(uid);

describe('containerGarbage', () => {
  it('given a crash-looping container, keeps the newest dead instance beside the running one and removes older ones', () => {
    const list = [ctr('a0', 'p', 'sb', 'app', 0, 'exited'), ctr('a1', 'p', 'sb', 'app', 1, 'exited'), ctr('a2', 'p', 'sb', 'app', 2, 'running'), ctr('b0', 'p', 'sb', 'other', 0, 'exited')];
    expect(containerGarbage(list, exists('p'))).toEqual(['a0']);
  });

  it('given two dead instances and none running, keeps only the newest dead one (MaxPerPodContainer 1)', () => {
    expect(containerGarbage([ctr('a0', 'p', 'sb', 'app', 0, 'exited'), ctr('a1', 'p', 'sb', 'app', 1, 'exited')], exists('p'))).toEqual(['a0']);
  });

  it('counts per pod: the same container name in two pods keeps one dead instance each', () => {
    expect(containerGarbage([ctr('x0', 'p', 'sb1', 'app', 0, 'exited'), ctr('y0', 'q', 'sb2', 'app', 0, 'exited')], exists('p', 'q'))).toEqual([]);
  });

  it('never removes a running or just-created container, even of a pod that is gone', () => {
    expect(containerGarbage([ctr('a0', 'gone', 'sb', 'app', 0, 'running'), ctr('a1', 'gone', 'sb', 'app', 1, 'created')], exists())).toEqual([]);
  });

  it('removes every dead container of a pod that is gone', () => {
    expect(containerGarbage([ctr('a0', 'gone', 'sb', 'app', 0, 'exited'), ctr('a1', 'gone', 'sb', 'app', 1, 'exited')], exists()).sort()).toEqual(['a0', 'a1']);
  });
});

describe('garbage', () => {
  it('given healthy pods with one sandbox and one running container each, collects nothing', () => {
    const sandboxes = [sb('s1', 'p', 0, 'ready'), sb('s2', 'q', 0, 'ready')];
    const containers = [ctr('a', 'p', 's1', 'app', 0, 'running'), ctr('b', 'q', 's2', 'app', 0, 'running')];
    expect(garbage(sandboxes, containers, exists('p', 'q'))).toEqual({ containers: [], sandboxes: [] });
  });

  it('given a pod whose sandbox was replaced, removes the old empty dead sandbox and keeps the new one', () => {
    const sandboxes = [sb('old', 'p', 0, 'notready'), sb('new', 'p', 1, 'ready')];
    expect(garbage(sandboxes, [ctr('a1', 'p', 'new', 'app', 1, 'running')], exists('p'))).toEqual({ containers: [], sandboxes: ['old'] });
  });

  it('given three dead sandboxes of a pod, keeps only the newest', () => {
    const sandboxes = [sb('s0', 'p', 0, 'notready'), sb('s1', 'p', 1, 'notready'), sb('s2', 'p', 2, 'notready')];
    expect([...garbage(sandboxes, [], exists('p')).sandboxes].sort()).toEqual(['s0', 's1']);
  });

  it('keeps an old dead sandbox that still holds the dead container kept for logs --previous', () => {
    const sandboxes = [sb('old', 'p', 0, 'notready'), sb('new', 'p', 1, 'ready')];
    const containers = [ctr('a0', 'p', 'old', 'app', 0, 'exited'), ctr('a1', 'p', 'new', 'app', 1, 'running')];
    expect(garbage(sandboxes, containers, exists('p'))).toEqual({ containers: [], sandboxes: [] });
  });

  it('given a pod that is gone, removes its dead containers and then its dead sandboxes in the same round', () => {
    const sandboxes = [sb('s0', 'gone', 0, 'notready'), sb('s1', 'gone', 1, 'notready')];
    const containers = [ctr('a0', 'gone', 's0', 'app', 0, 'exited'), ctr('a1', 'gone', 's1', 'app', 1, 'exited')];
    const g = garbage(sandboxes, containers, exists());
    expect([...g.containers].sort()).toEqual(['a0', 'a1']);
    expect([...g.sandboxes].sort()).toEqual(['s0', 's1']);
  });

  it('leaves a ready sandbox of a pod that is gone to the pod sync (it is stopped and unwired there, not here)', () => {
    expect(garbage([sb('s0', 'gone', 0, 'ready')], [], exists())).toEqual({ containers: [], sandboxes: [] });
  });
});
