// Kubernetes object schemas, derived mechanically from @kubernetes/client-node: its models are
// generated (by openapi-generator) from the real Kubernetes swagger.json. Each `<Model>.js` carries
// an `attributeTypeMap` (JSON name, type, format) and each `<Model>.d.ts` the field descriptions and
// which fields are required (no `?`). We read both as text, so nothing is typed by hand here.
// What that source lacks (and so we lack): x-kubernetes-patch-merge-key/-strategy, list-type and
// list-map-keys, enums, defaults, descriptions on fields whose type is another model.
import { readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';

export type JsonSchema = Record<string, unknown>;

export interface Gvk { group: string; version: string; kind: string }

interface Attribute { baseName: string; type: string; format: string }

let modelsDir: string | undefined;
function modelFile(model: string, ext: '.js' | '.d.ts'): string {
  modelsDir ??= join(dirname(require.resolve('@kubernetes/client-node')), 'gen', 'models');
  return join(modelsDir, model + ext);
}

export function modelExists(model: string): boolean {
  try {
    readFileSync(modelFile(model, '.js'));
    return true;
  } catch {
    return false;
  }
}

// openapi-generator escapes quotes inside JSDoc: \' and \"
const unescapeDoc = (lines: string) =>
  lines.split('\n').map((l) => l.replace(/^\s*\*\s?/, '')).join('\n').trim().replace(/\\(['"])/g, '$1');

interface ParsedModel { description?: string; attributes: Attribute[]; docs: Map<string, string>; required: string[] }

function parseModel(model: string): ParsedModel {
  const js = readFileSync(modelFile(model, '.js'), 'utf8');
  const m = /\.attributeTypeMap = (\[[\s\S]*?\]);/.exec(js);
  if (!m) throw new Error(`${model}: no attributeTypeMap`);
  const attributes = JSON.parse(m[1]) as Attribute[];
  const dts = readFileSync(modelFile(model, '.d.ts'), 'utf8');
  const classDoc = /\/\*\*\n((?:(?!\*\/)[\s\S])*?)\*\/\nexport declare class/.exec(dts);
  const docs = new Map<string, string>();
  const required: string[] = [];
  for (const p of dts.matchAll(/(?:\/\*\*\n((?:(?!\*\/)[\s\S])*?)\*\/\n)?\s*'([^']+)'(\?)?: /g)) {
    if (p[1]) docs.set(p[2], unescapeDoc(p[1]));
    if (!p[3]) required.push(p[2]);
  }
  return { description: classDoc ? unescapeDoc(classDoc[1]) : undefined, attributes, docs, required };
}

/** Types in k8s.io/apimachinery meta/v1; every other model belongs to the API group that refers to it first. */
const META_KINDS = new Set(['ObjectMeta', 'ListMeta', 'LabelSelector', 'LabelSelectorRequirement', 'OwnerReference', 'ManagedFieldsEntry', 'Condition', 'Status', 'StatusDetails', 'StatusCause', 'DeleteOptions', 'Preconditions', 'WatchEvent', 'Patch', 'ShardInfo']);

/**
 * Builds swagger definitions keyed like Kubernetes' own ('io.k8s.api.core.v1.Pod'), following
 * references from the root models it is asked for.
 */
export class DefinitionBuilder {
  readonly definitions: Record<string, JsonSchema> = {};
  private readonly names = new Map<string, string>();

  /** Adds `model` (and everything it refers to) under `pkg`, e.g. 'core'; returns the definition name. */
  add(model: string, pkg: string, gvk?: Gvk[], nameOverride?: string): string {
    const name = nameOverride ?? this.nameFor(model, pkg);
    if (this.definitions[name]) {
      if (gvk) this.definitions[name]['x-kubernetes-group-version-kind'] = gvk;
      return name;
    }
    if (!nameOverride) this.names.set(model, name);
    const parsed = parseModel(model);
    const def: JsonSchema = { description: parsed.description, type: 'object' };
    this.definitions[name] = def; // before recursing: models refer to themselves (JSONSchemaProps)
    const properties: Record<string, JsonSchema> = {};
    for (const a of [...parsed.attributes].sort((x, y) => x.baseName.localeCompare(y.baseName))) {
      properties[a.baseName] = { ...this.typeSchema(a.type, a.format, pkg), ...(parsed.docs.has(a.baseName) ? { description: parsed.docs.get(a.baseName) } : {}) };
    }
    if (Object.keys(properties).length) def.properties = properties;
    const required = parsed.required.filter((r) => properties[r]);
    if (required.length) def.required = required;
    if (gvk) def['x-kubernetes-group-version-kind'] = gvk;
    if (!def.description) delete def.description;
    return name;
  }

  nameFor(model: string, pkg: string): string {
    const known = this.names.get(model);
    if (known) return known;
    const m = /^(?:[A-Z][a-z]+)?(V\d+(?:(?:alpha|beta)\d+)?)([A-Z].*)$/.exec(model);
    if (!m) return `io.k8s.keelson.${model}`;
    const [, v, kind] = m;
    const version = v.toLowerCase();
    let name = META_KINDS.has(kind) ? `io.k8s.apimachinery.pkg.apis.meta.${version}.${kind}` : `io.k8s.api.${pkg}.${version}.${kind}`;
    // two client-node models landing on one name (CoreV1Event and EventsV1Event, say): keep both
    if ([...this.names.values()].includes(name)) name = `${name}.${model}`;
    return name;
  }

  private typeSchema(type: string, format: string, pkg: string): JsonSchema {
    const array = /^Array<(.+)>$/.exec(type);
    if (array) return { type: 'array', items: this.typeSchema(array[1], format, pkg) };
    const map = /^\{ \[key: string\]: (.+); \}$/.exec(type);
    if (map) return { type: 'object', additionalProperties: this.typeSchema(map[1], format, pkg) };
    switch (type) {
      case 'string':
        return format ? { type: 'string', format } : { type: 'string' };
      case 'Date':
        return { type: 'string', format: format || 'date-time' };
      case 'boolean':
        return { type: 'boolean' };
      case 'number':
        if (format === 'int32' || format === 'int64') return { type: 'integer', format };
        return format ? { type: 'number', format } : { type: 'number' };
      case 'IntOrString':
        return { $ref: `#/definitions/${this.intOrString()}` };
      case 'any':
        return {};
      default:
        // a named type without a model of its own (V1MicroTime) is a formatted string
        if (!modelExists(type)) return format ? { type: 'string', format } : {};
        return { $ref: `#/definitions/${this.add(type, pkg)}` };
    }
  }

  private intOrString(): string {
    const name = 'io.k8s.apimachinery.pkg.util.intstr.IntOrString';
    this.definitions[name] ??= {
      description: 'IntOrString is a type that can hold an int32 or a string.',
      type: 'string',
      format: 'int-or-string',
    };
    return name;
  }
}
