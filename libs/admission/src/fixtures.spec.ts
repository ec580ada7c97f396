// Every manifest in k8s-fixtures/ must be admitted as it is: no type error, no unknown
// field, no validation cause after defaulting, and no two objects with one name.
import { readFileSync, readdirSync } from 'fs';
import { join } from 'path';
import { parseAllDocuments } from 'yaml';
import type { KubeObject } from '@keelson/apimachinery';
import { RESOURCES, findByKind } from '@keelson/resources';
import { decodeError, defaultObject, unknownFields, validateObject } from './index';

const DIR = join(__dirname, '../../../k8s-fixtures');
const files = readdirSync(DIR).filter((f) => f.endsWith('.yaml')).sort();

const docs = files.flatMap((file) =>
  parseAllDocuments(readFileSync(join(DIR, file), 'utf8')).map((d, i) => {
    if (d.errors.length) throw new Error(`${file}#${i}: ${d.errors[0].message}`);
    return { file, obj: d.toJS() as KubeObject };
  }),
);

// What the API server does before admission: the URL namespace and, for Jobs, the uid.
function asServerSees(obj: KubeObject): KubeObject {
  const r = findByKind(obj.apiVersion, obj.kind)!;
  const namespace = r.namespaced ? obj.metadata.namespace ?? 'default' : undefined;
  return { ...obj, metadata: { ...obj.metadata, ...(namespace ? { namespace } : {}), uid: '0b4c2e4e-0000-4000-8000-000000000001' } };
}

describe('k8s-fixtures', () => {
  it('given the fixtures, then they parse as YAML and hold every served kind but Node', () => {
    const kinds = new Set(docs.map((d) => d.obj.kind));
    const missing = RESOURCES.filter((r) => r.kind !== 'Node' && !kinds.has(r.kind)).map((r) => r.kind);
    expect(missing).toEqual([]);
  });

  it('given the fixtures, then names are unique per kind and namespace', () => {
    const keys = docs.map((d) => `${d.obj.kind}/${d.obj.metadata.namespace ?? 'default'}/${d.obj.metadata.name}`);
    expect(keys.filter((k, i) => keys.indexOf(k) !== i)).toEqual([]);
  });

  it('given the fixtures, then only the three allowed images are used', () => {
    const images = [...JSON.stringify(docs.map((d) => d.obj)).matchAll(/"image":"([^"]+)"/g)].map((m) => m[1]);
    expect(new Set(images)).toEqual(new Set(['nginx:1.7.9', 'busybox', 'hostnames']));
  });

  it.each(docs.map((d) => [`${d.file} ${d.obj.kind}/${d.obj.metadata.name}`, d.obj] as const))('when %s is admitted, then it is valid', (_, raw) => {
    const resource = findByKind(raw.apiVersion, raw.kind);
    expect(resource).toBeDefined();
    const obj = asServerSees(raw);
    expect(decodeError(resource!, obj)).toBeUndefined();
    expect(unknownFields(resource!, obj)).toEqual([]);
    const defaulted = defaultObject(resource!, obj);
    expect(validateObject(resource!, defaulted)).toEqual([]);
    expect(unknownFields(resource!, defaulted)).toEqual([]);
  });

  it('given the seed deployment, then it keeps the seed values', () => {
    const d = docs.find((x) => x.obj.metadata.name === 'nginx-deployment' && x.obj.kind === 'Deployment')!.obj as KubeObject & { spec: { replicas: number } };
    expect(d.spec.replicas).toBe(2);
  });
});
