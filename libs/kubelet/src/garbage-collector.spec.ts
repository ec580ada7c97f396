// The GC shell with the in-memory FakeRuntime: one round lists the node, removes what the rules
// of container-gc.ts name, unwires a dead sandbox before removing it, and leaves other nodes alone.
import { FakeRuntime } from '@keelson/runtime';
import { GarbageCollector } from './garbage-collector';
import type { PodNetworkPlugin } from './pod-sync-ports';

function setup(existing: string[]) {
  const runtime = new FakeRuntime();
  const net: string[] = [];
  const network: PodNetworkPlugin = { setUp: async () => undefined, tearDown: async (id) => void net.push(`DEL ${id}`), podIP: () => undefined };
  const lanes: string[] = [];
  const gc = new GarbageCollector({ nodeName: 'node-a', runtime, network, podExists: (uid) => existing.includes(uid), withPod: (uid, fn) => (lanes.push(uid), fn()) });
  const sandbox = (uid: string, attempt: number, node = 'node-a') => runtime.runPodSandbox({ uid, name: uid, namespace: 'default', node, hostname: uid, attempt });
  return { runtime, net, lanes, gc, sandbox };
}

describe('GarbageCollector', () => {
  it('given a pod whose sandbox was replaced, unwires and removes the old one and keeps the new one', async () => {
    const t = setup(['p']);
    const old = await t.sandbox('p', 0);
    await t.runtime.stopPodSandbox(old);
    const current = await t.sandbox('p', 1);
    expect(await t.gc.collect()).toEqual({ containers: [], sandboxes: [old] });
    expect(t.net).toEqual([`DEL ${old}`]);
    expect([...t.runtime.sandboxes.keys()]).toEqual([current]);
    expect(t.lanes).toEqual(['p']);
  });

  it('given a pod that is gone, removes its dead sandbox with its dead containers', async () => {
    const t = setup([]);
    const sb = await t.sandbox('gone', 0);
    const c = await t.runtime.createContainer(sb, { name: 'app', image: 'busybox' });
    await t.runtime.startContainer(c);
    await t.runtime.stopPodSandbox(sb);
    expect(await t.gc.collect()).toEqual({ containers: [c], sandboxes: [sb] });
    expect(t.runtime.sandboxes.size + t.runtime.containers.size).toBe(0);
  });

  it("given dead sandboxes of another node's pods, touches nothing", async () => {
    const t = setup([]);
    await t.runtime.stopPodSandbox(await t.sandbox('theirs', 0, 'node-b'));
    expect(await t.gc.collect()).toEqual({ containers: [], sandboxes: [] });
    expect(t.runtime.sandboxes.size).toBe(1);
  });

  it('given only healthy pods, removes nothing', async () => {
    const t = setup(['p']);
    await t.runtime.startContainer(await t.runtime.createContainer(await t.sandbox('p', 0), { name: 'app', image: 'busybox' }));
    expect(await t.gc.collect()).toEqual({ containers: [], sandboxes: [] });
    expect(t.runtime.actions().filter((a) => a.startsWith('remove'))).toEqual([]);
  });
});
