import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parseAllDocuments } from 'yaml';
import type { KubeObject } from '@keelson/apimachinery';
import { parseApiVersion } from '@keelson/resources';
import { patchMetaFor } from '../meta/kubernetes-types';
import { createdFieldsV1, sortStrings } from './created-fields';
import { recordUpdate } from './record-update';
import { trackedView } from './reset-fields';
import { compare } from './walk';

// The one-walk FieldsV1 of a create must be exactly, key order included, what the general
// comparison gives: checked on every fixture and on the shapes that make the walk branch.

const DIR = join(__dirname, '../../../../k8s-fixtures');
const fixtures = readdirSync(DIR)
  .filter((f) => f.endsWith('.yaml'))
  .flatMap((f) => parseAllDocuments(readFileSync(join(DIR, f), 'utf8')).map((d, i) => [`${f}#${i}`, d.toJS() as KubeObject] as const));

const pod = (spec: Record<string, unknown>, metadata: Record<string, unknown> = {}): KubeObject => ({ apiVersion: 'v1', kind: 'Pod', metadata: { name: 'p', namespace: 'default', ...metadata }, spec, status: { phase: 'Pending' } });

const edgeCases: [string, KubeObject][] = [
  ['two containers under one name (one list-map element)', pod({ containers: [{ name: 'a', image: 'x' }, { name: 'a', command: ['sh'], ports: [{ containerPort: 80 }] }] })],
  ['an empty list-map and an empty struct', pod({ containers: [], securityContext: {} })],
  ['nulls and undefined below the top', pod({ containers: [{ name: 'a', image: null, args: undefined }], nodeSelector: null })],
  ['an undefined field at the top', { ...pod({ containers: [{ name: 'a' }] }), spec: undefined } as unknown as KubeObject],
  ['ports keyed with the protocol default', pod({ containers: [{ name: 'a', ports: [{ containerPort: 80 }, { containerPort: 80, protocol: 'UDP' }, { containerPort: 53, protocol: 'TCP' }] }] })],
  ['finalizers (a set), labels and annotations (free-form maps)', pod({ containers: [{ name: 'a' }] }, { finalizers: ['x/y', 'a/b'], labels: { b: '1', a: '2' }, annotations: {} })],
  ['a kind nothing is known about', { apiVersion: 'example.com/v1', kind: 'Widget', metadata: { name: 'w' }, spec: { list: [1, 2], nested: { deep: { x: 1 } } } }],
  ['nothing tracked at all', { apiVersion: 'v1', kind: 'Namespace', metadata: { name: 'n' } }],
];

function viaComparison(obj: KubeObject): Record<string, unknown> {
  const meta = patchMetaFor(parseApiVersion(obj.apiVersion ?? '').group, obj.kind);
  return compare({}, trackedView(obj, undefined), meta).added.toFieldsV1();
}

function inOneWalk(obj: KubeObject): Record<string, unknown> {
  return createdFieldsV1(trackedView(obj, undefined), patchMetaFor(parseApiVersion(obj.apiVersion ?? '').group, obj.kind));
}

describe('createdFieldsV1', () => {
  it.each([...fixtures, ...edgeCases])('given %s, then it is the general comparison’s FieldsV1, in the same order', (_what, obj) => {
    expect(JSON.stringify(inOneWalk(obj))).toBe(JSON.stringify(viaComparison(obj)));
  });

  it('given a create, then recordUpdate records one Update entry holding exactly those fields', () => {
    const obj = edgeCases[0][1];
    const out = recordUpdate({ old: null, updated: obj, manager: 'kubectl-create', apiVersion: 'v1', now: '2026-01-01T00:00:00Z' });
    expect(out.metadata.managedFields).toEqual([{ manager: 'kubectl-create', operation: 'Update', apiVersion: 'v1', time: '2026-01-01T00:00:00Z', fieldsType: 'FieldsV1', fieldsV1: viaComparison(obj) }]);
  });

  it('given a create that sets nothing tracked, then there is no managedFields entry', () => {
    const out = recordUpdate({ old: null, updated: { apiVersion: 'v1', kind: 'Namespace', metadata: { name: 'n', managedFields: [] } }, manager: 'm', apiVersion: 'v1', now: '2026-01-01T00:00:00Z' });
    expect(out.metadata.managedFields).toBeUndefined();
  });

  it('given a list-map element without its key, then the error names the list as the general walk does', () => {
    const obj = pod({ containers: [{ image: 'x' }] });
    const general = (() => {
      try {
        viaComparison(obj);
      } catch (e) {
        return (e as Error).message;
      }
    })();
    expect(general).toMatch(/\.spec\.containers.*omits key field "name"/);
    expect(() => recordUpdate({ old: null, updated: obj, manager: 'm', apiVersion: 'v1', now: '2026-01-01T00:00:00Z' })).toThrow(general);
  });
});

describe('sortStrings', () => {
  it('orders as Array.prototype.sort does, at the sizes a create meets and past them', () => {
    const words = ['f:spec', 'f:metadata', 'k:{"name":"b"}', 'k:{"name":"a"}', 'f:', 'F:x', 'f:é', 'f:z', 'v:"10"', 'v:"9"', 'f:spec'];
    for (let n = 0; n <= 40; n++) {
      const a = Array.from({ length: n }, (_, i) => words[(i * 7 + n) % words.length] + (i % 3 ? '' : String(n - i)));
      const expected = [...a].sort();
      sortStrings(a);
      expect(a).toEqual(expected);
    }
  });
});
