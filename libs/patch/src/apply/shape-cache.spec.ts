import type { KubeObject } from '@keelson/apimachinery';
import { parseApiVersion } from '@keelson/resources';
import { patchMetaFor } from '../meta/kubernetes-types';
import { createdFieldsV1 } from './created-fields';
import { trackedView } from './reset-fields';
import { compare } from './walk';

// A create's FieldsV1 is taken from the cache when an earlier object had the same shape. The
// answer must still be exactly the general comparison's, for objects that share a shape and,
// above all, for objects that differ from a cached one only in what the shape must tell apart.

function viaComparison(obj: KubeObject): string {
  const meta = patchMetaFor(parseApiVersion(obj.apiVersion ?? '').group, obj.kind);
  return JSON.stringify(compare({}, trackedView(obj, undefined), meta).added.toFieldsV1());
}

function created(obj: KubeObject): Record<string, unknown> {
  return createdFieldsV1(trackedView(obj, undefined), patchMetaFor(parseApiVersion(obj.apiVersion ?? '').group, obj.kind));
}

const pod = (spec: Record<string, unknown>, metadata: Record<string, unknown> = {}): KubeObject => ({ apiVersion: 'v1', kind: 'Pod', metadata: { name: 'p', namespace: 'default', ...metadata }, spec });
const container = { name: 'app', image: 'x:1', ports: [{ containerPort: 80 }], env: [{ name: 'A', value: '1' }] };

describe('createdFieldsV1 from the shape cache', () => {
  it('given pods that differ only in values, then each gets the general comparison’s FieldsV1 (one shared answer)', () => {
    const a = pod({ containers: [{ ...container }] }, { labels: { app: 'web' }, generateName: 'web-' });
    const b = pod({ containers: [{ ...container, image: 'y:2', env: [{ name: 'A', value: '2' }] }] }, { name: 'q', labels: { app: 'db' }, generateName: 'db-' });
    expect(JSON.stringify(created(a))).toBe(viaComparison(a));
    expect(JSON.stringify(created(b))).toBe(viaComparison(b));
    expect(created(b)).toBe(created(a));
  });

  // Each variant follows the base in the cache; a shape that ignored the difference would answer with the base's fields.
  const base = pod({ containers: [{ ...container }], nodeSelector: { disk: 'ssd' } }, { labels: { app: 'web' } });
  const variants: [string, KubeObject][] = [
    ['another label key', pod({ containers: [{ ...container }], nodeSelector: { disk: 'ssd' } }, { labels: { tier: 'web' } })],
    ['another container name (list-map key)', pod({ containers: [{ ...container, name: 'sidecar' }], nodeSelector: { disk: 'ssd' } }, { labels: { app: 'web' } })],
    ['another port protocol (key with a default)', pod({ containers: [{ ...container, ports: [{ containerPort: 80, protocol: 'UDP' }] }], nodeSelector: { disk: 'ssd' } }, { labels: { app: 'web' } })],
    ['an empty map where there was a full one', pod({ containers: [{ ...container }], nodeSelector: {} }, { labels: { app: 'web' } })],
    ['null where there was a map', pod({ containers: [{ ...container }], nodeSelector: null }, { labels: { app: 'web' } })],
    ['a scalar where there was a list', pod({ containers: [{ ...container, ports: 'none' }], nodeSelector: { disk: 'ssd' } }, { labels: { app: 'web' } })],
    ['another finalizer (set element)', pod({ containers: [{ ...container }], nodeSelector: { disk: 'ssd' } }, { labels: { app: 'web' }, finalizers: ['a/b'] })],
    ['an undefined field at the top', { ...pod({ containers: [{ ...container }], nodeSelector: { disk: 'ssd' } }, { labels: { app: 'web' } }), status: undefined } as unknown as KubeObject],
    ['an undefined field below the top', pod({ containers: [{ ...container, image: undefined }], nodeSelector: { disk: 'ssd' } }, { labels: { app: 'web' } })],
  ];
  it.each(variants)('given %s after the base shape, then it gets its own fields', (_what, obj) => {
    created(base);
    expect(JSON.stringify(created(obj))).toBe(viaComparison(obj));
    expect(JSON.stringify(created(base))).toBe(viaComparison(base));
  });

  it('given a key that, written out concatenated with the others, would spell another shape, then the two stay apart', () => {
    const widget = (spec: Record<string, unknown>) => ({ apiVersion: 'example.com/v1', kind: 'Widget', metadata: { name: 'w' }, spec }) as KubeObject;
    // `{a: {b: 1}, c: 1}` and `{'a{b': 1, '}c': 1}` both read "{a{bs}cs}" when keys are simply concatenated.
    for (const obj of [widget({ 'a{b': 1, '}c': 1 }), widget({ a: { b: 1 }, c: 1 })]) expect(JSON.stringify(created(obj))).toBe(viaComparison(obj));
  });

  it('given a cached answer, then it cannot be changed in place (every object of the shape shares it)', () => {
    const fields = created(pod({ containers: [{ name: 'frozen' }] }));
    expect(() => {
      (fields['f:spec'] as Record<string, unknown>)['f:extra'] = {};
    }).toThrow(TypeError);
  });
});
