// Watches as informers and kubectl get -w use them: resuming from a list's resourceVersion,
// selectors that turn "stops matching" into DELETED, synthetic ADDED events when no version is
// given, bookmarks, timeoutSeconds, and the initial-events-end bookmark of streaming lists.
import { kubeClient, openWatch, startTestApiServer, type TestApiServer, type WatchStream } from '@keelson/testing/apiserver';

let api: TestApiServer;
let k: ReturnType<typeof kubeClient>;
const open: WatchStream[] = [];
const CMS = '/api/v1/namespaces/default/configmaps';
const MERGE = { 'Content-Type': 'application/merge-patch+json' };

const configMap = (name: string, labels: Record<string, string> = {}) => ({ apiVersion: 'v1', kind: 'ConfigMap', metadata: { name, labels } });
const watchOf = async (query: string) => {
  const w = await openWatch(api.url, `${CMS}?watch=true&${query}`);
  open.push(w);
  expect(w.code).toBe(200);
  return w;
};
const seen = (e: { type: string; object: any }) => [e.type, e.object.metadata?.name];

beforeAll(async () => {
  api = await startTestApiServer(__filename);
  k = kubeClient(api.url);
});
afterEach(() => {
  for (const w of open.splice(0)) w.close();
});
afterAll(() => api?.close());

describe('given a list resourceVersion', () => {
  it('when watched from it, then create, update and delete arrive in order as ADDED, MODIFIED, DELETED', async () => {
    const rv = (await k('GET', CMS)).body.metadata.resourceVersion;
    const w = await watchOf(`resourceVersion=${rv}`);
    await k('POST', CMS, configMap('life'));
    await k('PATCH', `${CMS}/life`, { data: { a: '1' } }, MERGE);
    await k('DELETE', `${CMS}/life`);

    const events = [await w.next(), await w.next(), await w.next()];
    expect(events.map(seen)).toEqual([
      ['ADDED', 'life'],
      ['MODIFIED', 'life'],
      ['DELETED', 'life'],
    ]);
    expect(events[1].object.data).toEqual({ a: '1' });
    const versions = events.map((e) => Number(e.object.metadata.resourceVersion));
    expect(versions).toEqual([...versions].sort((a, b) => a - b));
    expect(versions[0]).toBeGreaterThan(Number(rv));
  });

  it('when objects existed before that version, then they are not replayed', async () => {
    await k('POST', CMS, configMap('before'));
    const rv = (await k('GET', CMS)).body.metadata.resourceVersion;
    const w = await watchOf(`resourceVersion=${rv}`);
    await k('POST', CMS, configMap('after'));
    expect(seen(await w.next())).toEqual(['ADDED', 'after']);
  });
});

describe('given a watch with a labelSelector', () => {
  it('when an object stops matching, then it is reported as DELETED; when it matches again, as ADDED', async () => {
    await k('POST', CMS, configMap('flips', { team: 'a' }));
    const rv = (await k('GET', CMS)).body.metadata.resourceVersion;
    const w = await watchOf(`resourceVersion=${rv}&labelSelector=team%3Da`);
    await k('PATCH', `${CMS}/flips`, { data: { x: '1' } }, MERGE);
    await k('PATCH', `${CMS}/flips`, { metadata: { labels: { team: 'b' } } }, MERGE);
    await k('PATCH', `${CMS}/flips`, { data: { x: '2' } }, MERGE); // not matching: nothing
    await k('PATCH', `${CMS}/flips`, { metadata: { labels: { team: 'a' } } }, MERGE);

    const events = [await w.next(), await w.next(), await w.next()];
    expect(events.map(seen)).toEqual([
      ['MODIFIED', 'flips'],
      ['DELETED', 'flips'],
      ['ADDED', 'flips'],
    ]);
    expect(events[1].object.metadata.labels).toEqual({ team: 'b' });
  });
});

describe('given existing objects and no resourceVersion', () => {
  it('when watched, then each existing object comes first as a synthetic ADDED, then live changes', async () => {
    const existing = (await k('GET', CMS)).body.items.map((o: any) => o.metadata.name).sort();
    expect(existing.length).toBeGreaterThan(0);
    const w = await watchOf('');
    const initial = [];
    for (let i = 0; i < existing.length; i++) initial.push(await w.next());
    expect(initial.every((e) => e.type === 'ADDED')).toBe(true);
    expect(initial.map((e) => e.object.metadata.name).sort()).toEqual(existing);

    await k('POST', CMS, configMap('live'));
    expect(seen(await w.next())).toEqual(['ADDED', 'live']);
  });
});

describe('given allowWatchBookmarks=true', () => {
  it('when nothing changes, then a BOOKMARK with a resourceVersion arrives within about 6 s', async () => {
    const rv = (await k('GET', CMS)).body.metadata.resourceVersion;
    const w = await watchOf(`resourceVersion=${rv}&allowWatchBookmarks=true`);
    const e = await w.next(7_000);
    expect(e.type).toBe('BOOKMARK');
    expect(e.object).toMatchObject({ kind: 'ConfigMap', apiVersion: 'v1' });
    expect(Number(e.object.metadata.resourceVersion)).toBeGreaterThanOrEqual(Number(rv));
  });
});

describe('given timeoutSeconds=1', () => {
  it('when the time is up, then the server ends the stream', async () => {
    const rv = (await k('GET', CMS)).body.metadata.resourceVersion;
    const started = Date.now();
    const w = await watchOf(`resourceVersion=${rv}&timeoutSeconds=1`);
    await w.done;
    const took = Date.now() - started;
    expect(took).toBeGreaterThanOrEqual(900);
    expect(took).toBeLessThan(5_000);
  });
});

describe('given sendInitialEvents=true with resourceVersionMatch=NotOlderThan', () => {
  it('when watched, then the initial ADDED events end with a bookmark annotated k8s.io/initial-events-end', async () => {
    const existing = (await k('GET', CMS)).body.items.length;
    const w = await watchOf('sendInitialEvents=true&resourceVersionMatch=NotOlderThan&allowWatchBookmarks=true');
    const initial = [];
    for (let i = 0; i < existing; i++) initial.push(await w.next());
    expect(initial.every((e) => e.type === 'ADDED')).toBe(true);

    const end = await w.next();
    expect(end.type).toBe('BOOKMARK');
    expect(end.object.metadata.annotations).toEqual({ 'k8s.io/initial-events-end': 'true' });
    const maxSeen = Math.max(...initial.map((e) => Number(e.object.metadata.resourceVersion)));
    expect(Number(end.object.metadata.resourceVersion)).toBeGreaterThanOrEqual(maxSeen);

    await k('POST', CMS, configMap('after-initial'));
    expect(seen(await w.next())).toEqual(['ADDED', 'after-initial']);
  });
});
