import { KeyTree, pick, pickInto, type Span } from './json-scan';

const text = (b: Buffer, s: Span | undefined) => (s ? b.subarray(s[0], s[1]).toString() : undefined);

describe('pick', () => {
  const tree = new KeyTree({ type: true, object: { metadata: { uid: true, labels: true }, spec: { nodeName: true } }, time: true });

  it('finds names at every depth in one pass, numbered depth-first (an escaped quote inside skipped values included)', () => {
    const b = Buffer.from('{"type":"Created","object":{"metadata":{"name":"a","labels":{"x":"1"},"managedFields":[{"f:spec":{"a\\"}":1}}],"uid":"u-1"},"spec":{"nodeName":"n1"}},"time":"t"}');
    const spans = pick(b, [0, b.length], tree);
    expect(tree.size).toBe(8);
    expect(text(b, spans[0])).toBe('"Created"');
    expect(text(b, spans[1])).toBe('{"metadata":{"name":"a","labels":{"x":"1"},"managedFields":[{"f:spec":{"a\\"}":1}}],"uid":"u-1"},"spec":{"nodeName":"n1"}}');
    expect([2, 3, 4, 5, 6, 7].map((i) => text(b, spans[i]))).toEqual(['{"name":"a","labels":{"x":"1"},"managedFields":[{"f:spec":{"a\\"}":1}}],"uid":"u-1"}', '"u-1"', '{"x":"1"}', '{"nodeName":"n1"}', '"n1"', '"t"']);
  });

  it('leaves the names inside a value that is not an object, or absent, undefined', () => {
    const b = Buffer.from(' { "object" : { "metadata" : null , "spec" : [1] } , "type" : "Deleted" } ');
    const spans = pick(b, [0, b.length], tree);
    expect(spans.map((s) => text(b, s))).toEqual(['"Deleted"', '{ "metadata" : null , "spec" : [1] }', 'null', undefined, undefined, '[1]', undefined, undefined]);
  });
});

describe('pickInto', () => {
  const tree = new KeyTree({ type: true, object: { metadata: { uid: true } }, time: true });

  it('writes each slot as a pair of offsets into one reused array, -1 for names absent, and finds slots by path', () => {
    const out = new Int32Array(tree.size * 2);
    const at = (b: Buffer, path: string) => {
      const k = 2 * tree.slot(path);
      return out[k] < 0 ? undefined : b.subarray(out[k], out[k + 1]).toString();
    };
    const first = Buffer.from('{"object":{"metadata":{"uid":"u-1"}},"type":"Created","time":"t"}');
    expect(pickInto(first, 0, tree, out)).toBe(out);
    expect(['type', 'object.metadata.uid', 'time'].map((p) => at(first, p))).toEqual(['"Created"', '"u-1"', '"t"']);
    const second = Buffer.from('{"type":"Deleted","object":{"metadata":{}}}');
    pickInto(second, 0, tree, out); // nothing left over from the first entry
    expect(['type', 'object.metadata', 'object.metadata.uid', 'time'].map((p) => at(second, p))).toEqual(['"Deleted"', '{}', undefined, undefined]);
    expect(() => tree.slot('object.spec')).toThrow('object.spec: not in this key tree');
  });
});
