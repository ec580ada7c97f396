import { LABEL_CONTAINER_HASH, nextRestartCount, nextSandboxAttempt, observePod, type RuntimeContainer, type RuntimeSandbox } from './observe';

const sandbox = (id: string, attempt: number, state: RuntimeSandbox['state'] = 'ready'): RuntimeSandbox => ({ id, attempt, state, createdAt: attempt * 1000 });
const ctr = (id: string, name: string, restartCount: number, state: RuntimeContainer['state'], extra: Partial<RuntimeContainer> = {}): RuntimeContainer => ({
  id, sandboxId: 'sb', name, image: 'busybox', imageId: 'sha256:abc', state, createdAt: restartCount * 1000, restartCount, labels: { [LABEL_CONTAINER_HASH]: `h-${name}` }, oomKilled: false, ...extra,
});

describe('observePod', () => {
  it('given nothing in the runtime, then the pod has no sandbox and no containers', () => {
    expect(observePod([], [])).toEqual({ containers: [] });
  });

  it('takes the newest sandbox and, per name, the newest container instance with its spec hash', () => {
    const observed = observePod([sandbox('old', 0, 'notready'), sandbox('new', 1)], [ctr('a0', 'app', 0, 'exited', { exitCode: 1, finishedAt: 5 }), ctr('a1', 'app', 1, 'running', { startedAt: 7 }), ctr('s0', 'side', 0, 'running')], '10.244.1.5');
    expect(observed.sandbox).toEqual({ id: 'new', state: 'ready', ip: '10.244.1.5' });
    expect(observed.containers.map((c) => [c.name, c.id, c.restartCount, c.hash])).toEqual([['app', 'a1', 1, 'h-app'], ['side', 's0', 0, 'h-side']]);
    expect(observed.containers[0]).toMatchObject({ state: 'running', startedAt: 7, imageRef: 'sha256:abc' });
  });

  it('reports no pod IP for a sandbox that is not ready, and carries the start failures', () => {
    const observed = observePod([sandbox('sb', 0, 'notready')], [], '10.244.1.5', { app: { reason: 'ErrImagePull' } });
    expect(observed.sandbox).toEqual({ id: 'sb', state: 'notready' });
    expect(observed.startFailures).toEqual({ app: { reason: 'ErrImagePull' } });
  });
});

describe('container numbering', () => {
  it('numbers a new instance one past the newest, and a new sandbox one past the newest attempt', () => {
    expect(nextRestartCount([ctr('a0', 'app', 0, 'exited'), ctr('a3', 'app', 3, 'exited')], 'app')).toBe(4);
    expect(nextRestartCount([], 'app')).toBe(0);
    expect(nextSandboxAttempt([sandbox('x', 0), sandbox('y', 2)])).toBe(3);
    expect(nextSandboxAttempt([])).toBe(0);
  });
});
