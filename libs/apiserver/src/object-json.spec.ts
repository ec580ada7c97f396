import type { KubeObject } from '@keelson/apimachinery';
import { ObjectJson, rememberJson, toJson } from './object-json';

const pod = (metadata: Record<string, unknown>): KubeObject =>
  ({ apiVersion: 'v1', kind: 'Pod', metadata, spec: { containers: [{ name: 'a "quoted" \\ name', image: 'nginx' }] }, status: { phase: 'Pending' } }) as KubeObject;

describe('ObjectJson', () => {
  const cases: [string, KubeObject][] = [
    ['a pod', pod({ name: 'p', namespace: 'default', labels: { app: 'x' }, uid: 'u-1' })],
    ['empty metadata', pod({})],
    ['metadata first', { metadata: { name: 'm' }, kind: 'ConfigMap', apiVersion: 'v1', data: { k: 'v\n\t' } } as KubeObject],
    ['metadata last, undefined members', { apiVersion: 'v1', kind: 'ConfigMap', data: undefined, binaryData: { b: 'AA==' }, metadata: { name: 'm', annotations: undefined } } as unknown as KubeObject],
    ['non-ASCII', pod({ name: 'p', annotations: { note: 'grüße ✓' } })],
  ];

  it.each(cases)('writes what JSON.stringify writes: %s', (_what, obj) => {
    expect(ObjectJson.of(obj).text).toBe(JSON.stringify(obj));
  });

  it.each(cases)('adds the resourceVersion to the metadata and changes nothing else: %s', (_what, obj) => {
    const withRv = ObjectJson.of(obj).withResourceVersion(4711)!;
    expect(JSON.parse(withRv)).toEqual(JSON.parse(JSON.stringify({ ...obj, metadata: { ...obj.metadata, resourceVersion: '4711' } })));
  });

  it('cannot place a resourceVersion in an object without metadata', () => {
    const json = ObjectJson.of({ apiVersion: 'v1', kind: 'Status' } as KubeObject);
    expect(json.text).toBe('{"apiVersion":"v1","kind":"Status"}');
    expect(json.withResourceVersion(1)).toBeUndefined();
  });
});

describe('toJson', () => {
  it('answers with the JSON remembered for that very object', () => {
    const obj = rememberJson({ a: 1 }, '{"a":1,"remembered":true}');
    expect(toJson(obj)).toBe('{"a":1,"remembered":true}');
  });

  it('serialises any other value, copies of a remembered object included', () => {
    const obj = rememberJson({ a: 1 }, '{"remembered":true}');
    expect(toJson({ ...obj })).toBe('{"a":1}');
    expect(toJson([1, 'x'])).toBe('[1,"x"]');
    expect(toJson(null)).toBe('null');
  });
});
