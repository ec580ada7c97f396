// Structural checks against the OpenAPI schemas compiled by the `kubernetes-models` package
// (ajv validators, one ESM module per type under `_schemas/`). They give Kubernetes' decode
// errors: a wrong JSON type is a 400 "cannot unmarshal", and with fieldValidation=Strict an
// unknown field is a 400 "strict decoding error".
//
// The compiled validators do not reject extra properties, so unknown fields are found by
// watching the validator: it reads every property its schema declares, and enumerates the
// keys of a map. A key that is present but was never read where the validator read others
// is one the schema does not know. Where it read nothing (RawExtension, free-form), all is fine.
import { existsSync } from 'fs';
import { join } from 'path';
import { Errors, KubeObject, StatusError } from '@keelson/apimachinery';
import { ApiResource, parseApiVersion, storageVersion } from '@keelson/resources';

interface AjvError {
  instancePath: string;
  keyword: string;
  params: { type?: string };
}
type Validate = ((data: unknown) => boolean) & { errors?: AjvError[] | null };

const cache = new Map<string, Validate | null>();

function packageDir(): string | undefined {
  const candidates = require.resolve.paths('kubernetes-models') ?? [];
  return candidates.map((p) => join(p, 'kubernetes-models')).find((p) => existsSync(join(p, '_schemas')));
}

// The package is ESM only. Node ≥ 20.19 can require() it; jest (before Node 24.9) refuses
// ESM through its own require, so under jest the process's real module loader is asked.
function loadEsm(file: string): { validate: Validate } {
  const nodeModule = (process as unknown as { getBuiltinModule?: (m: string) => unknown }).getBuiltinModule?.('module') as
    | { createRequire(f: string): (p: string) => unknown; _load(p: string, parent: null, isMain: boolean): unknown }
    | undefined;
  try {
    return require(file);
  } catch (e) {
    if (!nodeModule) throw e;
    return nodeModule._load(file, null, false) as { validate: Validate };
  }
}

/** `IoK8sApiNetworkingV1Ingress` for networking.k8s.io/v1 Ingress; null when the package has none. */
function validatorFor(resource: ApiResource, version: string): Validate | null {
  const group = resource.group ? resource.group.split('.')[0] : 'core';
  const name = `IoK8sApi${cap(group)}${cap(version)}${resource.kind}`;
  if (!cache.has(name)) {
    const dir = packageDir();
    const file = dir && join(dir, '_schemas', `${name}.js`);
    cache.set(name, file && existsSync(file) ? loadEsm(file).validate : null);
  }
  return cache.get(name) ?? null;
}

const cap = (s: string) => s.charAt(0).toUpperCase() + s.slice(1);

function versionOf(resource: ApiResource, o: KubeObject): string {
  const { version } = parseApiVersion(String(o.apiVersion ?? ''));
  return resource.versions.includes(version) ? version : storageVersion(resource);
}

type Reads = Map<string, Set<string> | 'map'>;

// Properties whose compiled validator is empty, so it never reads them: the package's
// generator drops properties literally named `description` along with schema descriptions.
const INVISIBLE: Record<string, readonly string[]> = { PriorityClass: ['description'] };

const childPath = (path: string, key: string | number) => (typeof key === 'number' ? `${path}[${key}]` : path ? `${path}.${key}` : key);

/** Wraps a JSON value so that every property read and key enumeration is recorded per path. */
function traced(value: unknown, path: string, reads: Reads): unknown {
  if (typeof value !== 'object' || value === null) return value;
  if (Array.isArray(value)) {
    return new Proxy(value, {
      get: (t, k) => (typeof k === 'string' && /^\d+$/.test(k) ? traced(t[Number(k)], childPath(path, Number(k)), reads) : Reflect.get(t, k)),
    });
  }
  return new Proxy(value as Record<string, unknown>, {
    get(t, k) {
      if (typeof k !== 'string') return Reflect.get(t, k);
      const seen = reads.get(path) ?? new Set<string>();
      if (seen !== 'map') seen.add(k);
      reads.set(path, seen);
      return traced(t[k], childPath(path, k), reads);
    },
    ownKeys(t) {
      reads.set(path, 'map');
      return Reflect.ownKeys(t);
    },
  });
}

function collectUnknown(value: unknown, path: string, reads: Reads, out: string[]) {
  if (typeof value !== 'object' || value === null) return;
  if (Array.isArray(value)) {
    value.forEach((v, i) => collectUnknown(v, childPath(path, i), reads, out));
    return;
  }
  const known = reads.get(path);
  if (known === undefined) return;
  for (const [k, v] of Object.entries(value)) {
    if (known !== 'map' && !known.has(k)) out.push(childPath(path, k));
    else collectUnknown(v, childPath(path, k), reads, out);
  }
}

function run(resource: ApiResource, o: KubeObject): { reads: Reads; errors: AjvError[] } | undefined {
  const validate = validatorFor(resource, versionOf(resource, o));
  if (!validate) return undefined;
  const reads: Reads = new Map([['', new Set(INVISIBLE[resource.kind] ?? [])]]);
  validate(traced(o, '', reads));
  return { reads, errors: validate.errors ?? [] };
}

/** Paths of fields the kind's schema does not have, as Kubernetes prints them: `spec.template.spec.containers[0].imagez`. */
export function unknownFields(resource: ApiResource, o: KubeObject): string[] {
  const result = run(resource, o);
  if (!result) return [];
  const out: string[] = [];
  collectUnknown(o, '', result.reads, out);
  return out;
}

const JSON_TYPE = (v: unknown) => (Array.isArray(v) ? 'array' : v === null ? 'null' : typeof v === 'boolean' ? 'bool' : typeof v);
const GO_TYPE: Record<string, string> = { integer: 'int32', number: 'float64', string: 'string', boolean: 'bool', array: '[]interface {}', object: 'map[string]interface {}' };

function valueAt(o: unknown, pointer: string): unknown {
  return pointer.split('/').slice(1).reduce<unknown>((v, k) => (v as Record<string, unknown> | undefined)?.[k.replace(/~1/g, '/').replace(/~0/g, '~')], o);
}

/** `/spec/template/spec/containers/0/image` → `spec.template.spec.containers.image`, as Go's decoder names the field. */
const goFieldPath = (pointer: string) => pointer.split('/').slice(1).filter((k) => !/^\d+$/.test(k)).join('.');

/**
 * The first JSON type error, as kube-apiserver reports it (400 BadRequest):
 * `Deployment in version "v1" cannot be handled as a Deployment: json: cannot unmarshal
 * string into Go struct field Deployment.spec.replicas of type int32`. Go names the
 * innermost struct; this names the kind. Missing required fields are left to validation (422).
 */
export function decodeError(resource: ApiResource, o: KubeObject): StatusError | undefined {
  const result = run(resource, o);
  const typeErrors = (result?.errors ?? []).filter((e) => e.keyword === 'type');
  if (typeErrors.length === 0) return undefined;
  const first = typeErrors[0];
  const sameField = typeErrors.filter((e) => e.instancePath === first.instancePath);
  const goType = sameField.length > 1 ? 'intstr.IntOrString' : GO_TYPE[first.params.type ?? ''] ?? first.params.type;
  const value = valueAt(o, first.instancePath);
  const field = goFieldPath(first.instancePath);
  const detail = `json: cannot unmarshal ${JSON_TYPE(value)} into Go struct field ${resource.kind}.${field} of type ${goType}`;
  return Errors.badRequest(`${resource.kind} in version "${versionOf(resource, o)}" cannot be handled as a ${resource.kind}: ${detail}`);
}

/** fieldValidation=Strict: `strict decoding error: unknown field "spec.containerz"` (400 BadRequest). */
export function strictDecodingError(resource: ApiResource, o: KubeObject, fields: readonly string[]): StatusError {
  const list = fields.map((f) => `unknown field "${f}"`).join(', ');
  return Errors.badRequest(`${resource.kind} in version "${versionOf(resource, o)}" cannot be handled as a ${resource.kind}: strict decoding error: ${list}`);
}
