import { FakeRuntime } from './fake-runtime';
import { ImagePullError, LABEL_POD_UID } from './runtime';

describe('FakeRuntime', () => {
  const now = 1_700_000_000_000;
  const sandbox = { uid: 'u1', name: 'web-0', namespace: 'default', node: 'node-1', hostname: 'web-0' };

  it('given a sandbox and a container when started then both are listed as running with their labels', async () => {
    const rt = new FakeRuntime(() => now);
    const sid = await rt.runPodSandbox(sandbox);
    const cid = await rt.createContainer(sid, { name: 'nginx', image: 'nginx:1.7.9', restartCount: 2 });
    await rt.startContainer(cid);

    expect(await rt.listPodSandboxes({ node: 'node-1', state: 'ready' })).toEqual([expect.objectContaining({ id: sid, uid: 'u1', name: 'web-0', attempt: 0 })]);
    expect(await rt.containerStatus(cid)).toMatchObject({ state: 'running', sandboxId: sid, podUid: 'u1', name: 'nginx', restartCount: 2, startedAt: now, labels: { [LABEL_POD_UID]: 'u1' } });
    expect(rt.actions()).toEqual(['runPodSandbox', 'createContainer', 'startContainer']);
  });

  it('given a running container when the test OOM-kills it then its status says so, as Docker reports it', async () => {
    const rt = new FakeRuntime(() => now);
    const cid = await rt.createContainer(await rt.runPodSandbox(sandbox), { name: 'hog', image: 'busybox' });
    await rt.startContainer(cid);
    rt.exit(cid, 137, { oomKilled: true });
    expect(await rt.containerStatus(cid)).toMatchObject({ state: 'exited', exitCode: 137, oomKilled: true, reason: 'OOMKilled', finishedAt: now });
  });

  it.each([
    [0, 'Completed'],
    [1, 'Error'],
  ])('given a container that exits %i then the reason is %s', async (code, reason) => {
    const rt = new FakeRuntime();
    const cid = await rt.createContainer(await rt.runPodSandbox(sandbox), { name: 'job', image: 'busybox' });
    await rt.startContainer(cid);
    rt.exit(cid, code);
    expect((await rt.containerStatus(cid))?.reason).toBe(reason);
  });

  it('given an image that is not present then create fails and pull fails as ErrImagePull', async () => {
    const rt = new FakeRuntime();
    const sid = await rt.runPodSandbox(sandbox);
    await expect(rt.createContainer(sid, { name: 'x', image: 'nosuch:1' })).rejects.toThrow('No such image');
    await expect(rt.imageStatus('nosuch:1')).resolves.toBeUndefined();
    await expect(rt.imageStatus('docker.io/library/busybox')).resolves.toMatchObject({ tags: ['busybox:latest'] });
    const pull = rt.pullImage('nosuch:1');
    await expect(pull).rejects.toBeInstanceOf(ImagePullError);
    await expect(pull).rejects.toMatchObject({ reason: 'ErrImagePull' });
  });

  it('given a sandbox when it is stopped then its running containers exit and removing it removes them', async () => {
    const rt = new FakeRuntime();
    const sid = await rt.runPodSandbox(sandbox);
    const cid = await rt.createContainer(sid, { name: 'c', image: 'busybox' });
    await rt.startContainer(cid);
    await rt.stopPodSandbox(sid);
    expect((await rt.containerStatus(cid))?.state).toBe('exited');
    expect((await rt.podSandboxStatus(sid))?.state).toBe('notready');
    await rt.removePodSandbox(sid);
    expect(await rt.listContainers()).toEqual([]);
    expect(await rt.listPodSandboxes()).toEqual([]);
  });

  it('given written output and an exec handler then logs tail it and exec answers', async () => {
    const rt = new FakeRuntime();
    const cid = await rt.createContainer(await rt.runPodSandbox(sandbox), { name: 'c', image: 'busybox' });
    await rt.startContainer(cid);
    rt.writeLog(cid, 'a\nb\nc\n');
    rt.execHandler = (_id, cmd) => ({ stdout: cmd.join(' '), stderr: '', exitCode: 0 });
    let text = '';
    for await (const chunk of await rt.logs(cid, { tail: 2 })) text += chunk;
    expect(text).toBe('b\nc\n');
    expect(await rt.execSync(cid, ['cat', '/ready'])).toEqual({ stdout: 'cat /ready', stderr: '', exitCode: 0 });
  });
});
