import { canonical, fnv32, fnv32a, goJson, safeEncode } from './hash';
import { claimRevisionName, computeHash, controllerRevisionName, hashControllerRevision, newControllerRevision, templatePatch, type ControllerRevision } from './revision';
import { revisionsToTruncate } from './truncate';

const rev = (name: string, revision: number, data: unknown = { n: name }): ControllerRevision => ({ apiVersion: 'apps/v1', kind: 'ControllerRevision', metadata: { name }, revision, data });

describe('revision hashing', () => {
  it.each([
    ['fnv32', fnv32, '', 0x811c9dc5],
    ['fnv32', fnv32, 'a', 0x050c5d7e],
    ['fnv32a', fnv32a, '', 0x811c9dc5],
    ['fnv32a', fnv32a, 'a', 0xe40c292c],
    ['fnv32a', fnv32a, 'foobar', 0xbf9cf968],
  ] as const)('%s(%p) matches the reference vector', (_name, fn, input, expected) => {
    expect(fn(input)).toBe(expected);
  });

  it('safe-encodes digits into the consonant alphabet as Kubernetes does', () => {
    expect(safeEncode('1234')).toBe('5678');
    expect(safeEncode('0987654321')).toBe('4fdcb98765');
  });

  it('prints JSON as Go does: keys in byte order, HTML characters escaped', () => {
    expect(goJson({ b: 1, a: ['<x>', { d: true, c: null }], B: '&' })).toBe('{"B":"\\u0026","a":["\\u003cx\\u003e",{"c":null,"d":true}],"b":1}');
    expect(Object.keys(canonical({ b: 1, a: 2, B: 3 }))).toEqual(['B', 'a', 'b']);
  });

  it('stores the template as a replace patch, the shape kubectl sends back on rollout undo', () => {
    const data = templatePatch({ apiVersion: 'apps/v1', kind: 'DaemonSet', metadata: { name: 'ds' }, spec: { template: { spec: { containers: [] }, metadata: { labels: { a: 'b' } } } } });
    expect(goJson(data)).toBe('{"spec":{"template":{"$patch":"replace","metadata":{"labels":{"a":"b"}},"spec":{"containers":[]}}}}');
  });

  it('gives a different name when collisionCount changes, the same for the same input', () => {
    const data = { spec: { template: { $patch: 'replace' } } };
    expect(hashControllerRevision(data, 0)).toBe(hashControllerRevision(data, 0));
    expect(hashControllerRevision(data, 0)).not.toBe(hashControllerRevision(data, 1));
    expect(computeHash({ a: 1 })).not.toBe(computeHash({ a: 1 }, 1));
    expect(controllerRevisionName('x'.repeat(300), 'h')).toHaveLength(225);
  });

  it('given a revision name taken by other data, then collisionCount is raised until a name is free', () => {
    const candidate = rev('', 3, { mine: true });
    const nameFor = (n: number) => `web-${n}`;
    expect(claimRevisionName([rev('web-0', 1), rev('web-1', 2)], candidate, nameFor, 0)).toEqual({ name: 'web-2', collisionCount: 2 });
    const same = rev('web-0', 1, { mine: true });
    expect(claimRevisionName([same], candidate, nameFor, 0)).toEqual({ name: 'web-0', collisionCount: 0, existing: same });
  });

  it('owns the revision by its parent, as controller', () => {
    const parent = { apiVersion: 'apps/v1', kind: 'StatefulSet', metadata: { name: 'web', namespace: 'default', uid: 'u1' }, spec: { template: {} } };
    const r = newControllerRevision({ parent, labels: { app: 'nginx' }, data: {}, revision: 1, name: 'web-abc' });
    expect(r.metadata).toMatchObject({ name: 'web-abc', namespace: 'default', labels: { app: 'nginx' }, ownerReferences: [{ kind: 'StatefulSet', name: 'web', uid: 'u1', controller: true }] });
  });
});

describe('revisionsToTruncate', () => {
  const six = [1, 2, 3, 4, 5, 6].map((n) => rev(`r${n}`, n));
  it.each([
    [2, ['r4', 'r6'], ['r1', 'r2']],
    [4, ['r4', 'r6'], []],
    [0, ['r4', 'r6'], ['r1', 'r2', 'r3', 'r5']],
    [-1, [], []],
    [2, [], ['r1', 'r2', 'r3', 'r4']],
  ])('given limit %i and live %p, deletes %p, oldest first', (limit, live, expected) => {
    expect(revisionsToTruncate([...six].reverse(), limit, (r) => live.includes(r.metadata.name)).map((r) => r.metadata.name)).toEqual(expected);
  });
});
