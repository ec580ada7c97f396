import { StatusError } from '@keelson/apimachinery';
import { applyJsonPatch } from './json-patch';

const pod = () => ({ apiVersion: 'v1', kind: 'Pod', metadata: { name: 'p', labels: { app: 'web' } }, spec: { containers: [{ name: 'a', image: 'nginx:1' }] } });

function failure(fn: () => unknown): StatusError {
  try {
    fn();
  } catch (e) {
    if (e instanceof StatusError) return e;
    throw e;
  }
  throw new Error('expected a StatusError');
}

describe('applyJsonPatch', () => {
  it.each([
    ['replaces a container image by index', [{ op: 'replace', path: '/spec/containers/0/image', value: 'nginx:2' }], (o: any) => o.spec.containers[0].image, 'nginx:2'],
    ['adds a label with an escaped key', [{ op: 'add', path: '/metadata/labels/example.com~1tier', value: 'db' }], (o: any) => o.metadata.labels['example.com/tier'], 'db'],
    ['removes a label', [{ op: 'remove', path: '/metadata/labels/app' }], (o: any) => o.metadata.labels, {}],
    ['appends with -', [{ op: 'add', path: '/spec/containers/-', value: { name: 'b' } }], (o: any) => o.spec.containers.map((c: any) => c.name), ['a', 'b']],
    ['applies after a passing test', [{ op: 'test', path: '/metadata/labels/app', value: 'web' }, { op: 'replace', path: '/metadata/labels/app', value: 'api' }], (o: any) => o.metadata.labels.app, 'api'],
  ])('given a pod, when the patch %s, then the result has it', (_name, ops, read, expected) => {
    expect(read(applyJsonPatch(pod(), ops))).toEqual(expected);
  });

  it('given a failing test op, when applied, then it is a 422 whose cause names the path and nothing changes', () => {
    const input = pod();
    const err = failure(() => applyJsonPatch(input, [{ op: 'replace', path: '/metadata/labels/app', value: 'x' }, { op: 'test', path: '/metadata/labels/app', value: 'nope' }]));
    expect(err.code).toBe(422);
    expect(err.reason).toBe('Invalid');
    expect(err.details?.causes?.[0].message).toBe('testing value /metadata/labels/app failed: test failed');
    expect(input).toEqual(pod());
  });

  it.each([
    ['a path that does not exist', [{ op: 'replace', path: '/spec/nodeName/x', value: 1 }]],
    ['removing a missing field', [{ op: 'remove', path: '/spec/hostname' }]],
    ['an index past the end', [{ op: 'add', path: '/spec/containers/5', value: {} }]],
  ])('given %s, when applied, then it is 422 Invalid', (_name, ops) => {
    expect(failure(() => applyJsonPatch(pod(), ops)).code).toBe(422);
  });

  it.each([
    ['an object instead of a list', { op: 'add' }],
    ['an unknown op', [{ op: 'frobnicate', path: '/a' }]],
    ['a path without a leading slash', [{ op: 'add', path: 'a', value: 1 }]],
    ['an add without a value', [{ op: 'add', path: '/a' }]],
  ])('given %s, when decoded, then it is 400 BadRequest', (_name, body) => {
    const err = failure(() => applyJsonPatch(pod(), body));
    expect([err.code, err.reason]).toEqual([400, 'BadRequest']);
  });

  it('given more than 10000 operations, then it is 413', () => {
    const ops = Array.from({ length: 10001 }, () => ({ op: 'test', path: '/kind', value: 'Pod' }));
    expect(failure(() => applyJsonPatch(pod(), ops)).code).toBe(413);
  });

  it('never mutates the object it is given', () => {
    const input = pod();
    const out = applyJsonPatch(input, [{ op: 'replace', path: '/spec/containers/0/image', value: 'nginx:2' }]);
    expect(input).toEqual(pod());
    expect(out).not.toBe(input);
  });
});
