// One walk over a request object against the OpenAPI definitions the server already serves
// (@keelson/openapi), giving what Kubernetes' JSON decoder gives: the first type error (a 400
// "cannot unmarshal") and every field the schema does not know (for fieldValidation Strict/Warn).
//
// Each definition is compiled once into a closure; a kind's checker is built on first use.
// Kubernetes decodes null as "absent", so null passes everywhere (as does undefined: objects the
// server builds in memory, for updates, carry undefined where JSON would have nothing). The walk
// goes on after a type error, as Go's decoder does, so unknown fields are still all found.
import { openapiV2Json } from '@keelson/openapi';
import type { KubeObject } from '@keelson/apimachinery';
import { ApiResource, parseApiVersion, storageVersion } from '@keelson/resources';

type Schema = Record<string, unknown>;

/** A step on the way to a value: a struct field, an array index, or a map key. */
type Segment = string | number | { readonly key: string };

/** Go's decoder wording: `cannot unmarshal <value> into Go struct field <Kind>.<field> of type <goType>`. */
export interface TypeMismatch {
  /** `string`, `bool`, `number 1.5`, `array`, `object`. */
  readonly value: string;
  /** Struct fields only, as Go's decoder names them: `spec.template.spec.containers.image`. */
  readonly field: string;
  readonly goType: string;
  /** A quantity that is neither string nor number fails in Quantity's own unmarshaler. */
  readonly quantity?: true;
}

export interface StructuralReport {
  /** The version whose schema was used (the object's, or the storage version if it names none served). */
  readonly version: string;
  readonly typeError?: TypeMismatch;
  /** `spec.template.spec.containers[0].imagez`, in document order. */
  readonly unknownFields: string[];
}

class Walk {
  readonly path: Segment[] = [];
  typeError?: TypeMismatch;
  readonly unknown: string[] = [];

  mismatch(v: unknown, goType: string, numeric = false) {
    this.typeError ??= { value: jsonWord(v, numeric), field: goFieldPath(this.path), goType };
  }

  badQuantity(v: unknown) {
    this.typeError ??= { value: jsonWord(v, false), field: goFieldPath(this.path), goType: 'resource.Quantity', quantity: true };
  }
}

interface Node {
  check(v: unknown, w: Walk): void;
  readonly goType: string;
  /** Scalars hold no fields, so a map of them needs no path bookkeeping. */
  readonly scalar: boolean;
}

// Go prints the literal only where a number does not fit a numeric type: "number 1.5".
const jsonWord = (v: unknown, numeric: boolean) =>
  Array.isArray(v) ? 'array' : typeof v === 'boolean' ? 'bool' : typeof v === 'number' ? (numeric ? `number ${v}` : 'number') : typeof v;

const goFieldPath = (path: readonly Segment[]) => path.filter((s): s is string => typeof s === 'string').join('.');

function fieldPath(path: readonly Segment[], last: string): string {
  let out = '';
  for (const s of [...path, last]) out += typeof s === 'number' ? `[${s}]` : `${out ? '.' : ''}${typeof s === 'string' ? s : s.key}`;
  return out;
}

const isPlainObject = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);

const INT32 = 2 ** 31;
const INT64 = 2 ** 63;

const ANY: Node = { check: () => undefined, goType: 'interface {}', scalar: false };

function scalar(goType: string, ok: (v: unknown) => boolean, numeric = false): Node {
  return { check: (v, w) => (v == null || ok(v) ? undefined : w.mismatch(v, goType, numeric)), goType, scalar: true };
}

const STRING = scalar('string', (v) => typeof v === 'string');
const BOOL = scalar('bool', (v) => typeof v === 'boolean');
const FLOAT = scalar('float64', (v) => typeof v === 'number');
const INT_32 = scalar('int32', (v) => Number.isInteger(v) && (v as number) >= -INT32 && (v as number) < INT32, true);
const INT_64 = scalar('int64', (v) => Number.isInteger(v) && (v as number) >= -INT64 && (v as number) < INT64, true);
const INT_OR_STRING = scalar('intstr.IntOrString', (v) => typeof v === 'string' || (Number.isInteger(v) && (v as number) >= -INT32 && (v as number) < INT32), true);
// resource.Quantity unmarshals a JSON string or number; a malformed string is left to validation (422).
const QUANTITY: Node = { check: (v, w) => (v == null || typeof v === 'string' || typeof v === 'number' ? undefined : w.badQuantity(v)), goType: 'resource.Quantity', scalar: true };

/**
 * Fields that are resource.Quantity in Kubernetes. The client-node models that the served schema
 * comes from type them as plain strings, so they are named here: `<group>.<version>.<Type>` → fields.
 */
const QUANTITY_FIELDS: Record<string, readonly string[]> = {
  'core.v1.ResourceRequirements': ['limits', 'requests'],
  'core.v1.VolumeResourceRequirements': ['limits', 'requests'],
  'core.v1.EmptyDirVolumeSource': ['sizeLimit'],
  'core.v1.ResourceFieldSelector': ['divisor'],
  'core.v1.PodSpec': ['overhead'],
  'core.v1.PodStatus': ['allocatedResources'],
  'core.v1.ContainerStatus': ['allocatedResources'],
  'core.v1.NodeStatus': ['allocatable', 'capacity'],
  'core.v1.PersistentVolumeSpec': ['capacity'],
  'core.v1.PersistentVolumeClaimStatus': ['allocatedResources', 'capacity'],
  'core.v1.LimitRangeItem': ['default', 'defaultRequest', 'max', 'maxLimitRequestRatio', 'min'],
  'core.v1.ResourceQuotaSpec': ['hard'],
  'core.v1.ResourceQuotaStatus': ['hard', 'used'],
  'autoscaling.v2.MetricTarget': ['averageValue', 'value'],
  'autoscaling.v2.MetricValueStatus': ['averageValue', 'value'],
  'autoscaling.v2.HPAScalingRules': ['tolerance'],
  'node.v1.Overhead': ['podFixed'],
  'storage.v1.CSIStorageCapacity': ['capacity', 'maximumVolumeSize'],
};

/** `io.k8s.api.core.v1.PodSpec` → `v1.PodSpec`, as Go prints the type. */
function goTypeOf(definition: string): string {
  const parts = definition.split('.');
  const v = parts.findIndex((p) => /^v\d/.test(p));
  return v >= 0 && parts[v + 1] ? `${parts[v]}.${parts[v + 1]}` : parts[parts.length - 1];
}

/** `io.k8s.api.core.v1.PodSpec` → `core.v1.PodSpec`, the key of QUANTITY_FIELDS. */
const quantityKey = (definition: string) => definition.replace(/^io\.k8s\.api\./, '');

export class StructuralSchemas {
  private readonly compiled = new Map<string, Node>();
  private readonly byGvk = new Map<string, string>();

  constructor(private readonly definitions: Record<string, Schema>) {
    for (const [name, def] of Object.entries(definitions)) {
      for (const g of (def['x-kubernetes-group-version-kind'] as { group: string; version: string; kind: string }[] | undefined) ?? []) {
        this.byGvk.set(`${g.group}/${g.version}/${g.kind}`, name);
      }
    }
  }

  /** Walks `o` once as the given kind; undefined when the schema set has no such kind. */
  check(group: string, version: string, kind: string, o: unknown): Pick<StructuralReport, 'typeError' | 'unknownFields'> | undefined {
    const name = this.byGvk.get(`${group}/${version}/${kind}`);
    if (name === undefined) return undefined;
    const w = new Walk();
    this.definition(name, true).check(o, w);
    return { typeError: w.typeError, unknownFields: w.unknown };
  }

  private definition(name: string, root = false): Node {
    const key = root ? `root:${name}` : name;
    const known = this.compiled.get(key);
    if (known) return known;
    // Definitions refer to themselves (JSONSchemaProps): park a forwarder until compiled.
    let target: Node | undefined;
    const forward: Node = { check: (v, w) => target!.check(v, w), goType: goTypeOf(name), scalar: false };
    this.compiled.set(key, forward);
    const def = this.definitions[name];
    target = def ? this.node(def, name, root) : ANY;
    this.compiled.set(key, target);
    return target;
  }

  private node(s: Schema, owner: string, root = false): Node {
    if (typeof s.$ref === 'string') return this.definition(s.$ref.replace('#/definitions/', ''));
    if (s['x-kubernetes-preserve-unknown-fields'] === true) return ANY;
    if (s.format === 'int-or-string' || s['x-kubernetes-int-or-string'] === true) return INT_OR_STRING;
    switch (s.type) {
      case 'string':
        return STRING;
      case 'boolean':
        return BOOL;
      case 'number':
        return FLOAT;
      case 'integer':
        return s.format === 'int32' ? INT_32 : INT_64;
      case 'array':
        return this.array(s.items ? this.node(s.items as Schema, owner) : ANY);
      case 'object':
        if (s.properties) return this.struct(s, owner, root);
        if (s.additionalProperties && typeof s.additionalProperties === 'object') return this.map(this.node(s.additionalProperties as Schema, owner));
        return ANY; // free-form: RawExtension, FieldsV1, ControllerRevision data
      default:
        return ANY;
    }
  }

  private array(items: Node): Node {
    const goType = `[]${items.goType}`;
    return {
      goType,
      scalar: false,
      check(v, w) {
        if (v == null) return;
        if (!Array.isArray(v)) return w.mismatch(v, goType);
        for (let i = 0; i < v.length; i++) {
          w.path.push(i);
          items.check(v[i], w);
          w.path.pop();
        }
      },
    };
  }

  private map(values: Node): Node {
    const goType = `map[string]${values.goType}`;
    return {
      goType,
      scalar: false,
      check(v, w) {
        if (v == null) return;
        if (!isPlainObject(v)) return w.mismatch(v, goType);
        for (const k in v) {
          if (values.scalar) values.check(v[k], w);
          else {
            w.path.push({ key: k });
            values.check(v[k], w);
            w.path.pop();
          }
        }
      },
    };
  }

  private struct(s: Schema, owner: string, root: boolean): Node {
    const quantities = new Set(QUANTITY_FIELDS[quantityKey(owner)] ?? []);
    const fields = new Map<string, Node>();
    for (const [name, p] of Object.entries(s.properties as Record<string, Schema>)) {
      if (!quantities.has(name)) fields.set(name, this.node(p, owner));
      else fields.set(name, p.type === 'object' ? this.map(QUANTITY) : QUANTITY);
    }
    // apiVersion and kind are always known at the top (TypeMeta), whatever the schema says.
    if (root) for (const typeMeta of ['apiVersion', 'kind']) if (!fields.has(typeMeta)) fields.set(typeMeta, STRING);
    const goType = goTypeOf(owner);
    return {
      goType,
      scalar: false,
      check(v, w) {
        if (v == null) return;
        if (!isPlainObject(v)) return w.mismatch(v, goType);
        for (const k in v) {
          const field = fields.get(k);
          if (field === undefined) {
            if (v[k] !== undefined) w.unknown.push(fieldPath(w.path, k));
          } else {
            w.path.push(k);
            field.check(v[k], w);
            w.path.pop();
          }
        }
      },
    };
  }
}

let served: StructuralSchemas | undefined;
const schemas = () => (served ??= new StructuralSchemas(openapiV2Json().definitions as Record<string, Schema>));

export function versionOf(resource: ApiResource, o: KubeObject): string {
  const { version } = parseApiVersion(String(o.apiVersion ?? ''));
  return resource.versions.includes(version) ? version : storageVersion(resource);
}

/** The single structural pass admission makes: first type error and all unknown fields. */
export function checkStructure(resource: ApiResource, o: KubeObject): StructuralReport {
  const version = versionOf(resource, o);
  const found = schemas().check(resource.group, version, resource.kind, o);
  return found ? { version, ...found } : { version, unknownFields: [] };
}
