// Regenerates messages.json, the protobuf message table the body decoder reads, from a checkout
// of Kubernetes' published definitions. Not part of the server; run by hand when kinds are added:
//
//   K8S_SRC=/path/with/k8s.io node -r @swc-node/register libs/apiserver/src/http/proto/generate.ts
//
// where $K8S_SRC/k8s.io/api is a checkout of kubernetes/api and $K8S_SRC/k8s.io/apimachinery of
// kubernetes/apimachinery. The .proto files give field numbers and message types; the Go structs
// beside them give what the JSON encoding needs and the .proto does not say: the JSON name,
// whether a zero value is sent (a pointer, or a field without omitempty) and inlined structs.
import { readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import * as protobuf from 'protobufjs';
import { ROOT_KINDS, type FieldRow, type MessageTable } from './table';

const SRC = process.env.K8S_SRC ?? '/tmp/k8sproto';
const OUT = join(__dirname, 'messages.json');

// Messages with a JSON form of their own (protobuf.ts converts them whole): their Go structs say
// nothing useful about JSON, so their rows keep the .proto names.
const SPECIAL = new Set(['meta.v1.Time', 'meta.v1.MicroTime', 'meta.v1.Duration', 'meta.v1.FieldsV1', 'util.intstr.IntOrString', 'api.resource.Quantity', 'runtime.RawExtension', 'runtime.Unknown', 'runtime.TypeMeta']);

interface GoField { json: string; pointer: boolean; omitempty: boolean; inline: boolean }

/** "k8s.io.api.core.v1.Pod" → "core.v1.Pod"; "k8s.io.apimachinery.pkg.apis.meta.v1.Time" → "meta.v1.Time" */
export function shortName(fullName: string): string {
  return fullName.replace(/^\.?k8s\.io\.api\./, '').replace(/^\.?k8s\.io\.apimachinery\.pkg\.(apis\.)?/, '');
}

function protoDir(fullName: string): string {
  // the package is the directory: k8s.io.api.core.v1 → k8s.io/api/core/v1
  const pkg = fullName.replace(/^\./, '').split('.').slice(0, -1);
  return join(SRC, 'k8s.io', ...pkg.slice(2));
}

const goStructs = new Map<string, Map<string, Map<number, GoField>>>();
function goFields(dir: string, struct: string): Map<number, GoField> | undefined {
  if (!goStructs.has(dir)) goStructs.set(dir, parseGoPackage(dir));
  return goStructs.get(dir)!.get(struct);
}

function parseGoPackage(dir: string): Map<string, Map<number, GoField>> {
  const structs = new Map<string, Map<number, GoField>>();
  for (const file of readdirSync(dir).filter((f) => f.endsWith('.go') && !f.endsWith('_test.go') && !f.startsWith('generated.'))) {
    const src = readFileSync(join(dir, file), 'utf8');
    for (const m of src.matchAll(/^type (\w+) struct \{\n([\s\S]*?)^\}/gm)) {
      const fields = new Map<number, GoField>();
      for (const line of m[2].split('\n')) {
        const f = /^\s+(?:(\w+)\s+)?(\S+)\s+`(.*)`/.exec(line);
        const pb = f && /protobuf:"\w+,(\d+),/.exec(f[3]);
        if (!f || !pb) continue;
        const json = /json:"([^"]*)"/.exec(f[3])?.[1] ?? '';
        const [name, ...opts] = json.split(',');
        fields.set(Number(pb[1]), { json: name, pointer: f[2].startsWith('*'), omitempty: opts.includes('omitempty'), inline: name === '' || opts.includes('inline') });
      }
      structs.set(m[1], fields);
    }
  }
  return structs;
}

function main(): void {
  const root = new protobuf.Root();
  root.resolvePath = (_origin, target) => join(SRC, target);
  const files = new Set(ROOT_KINDS.map((k) => join(protoDir(k), 'generated.proto')));
  root.loadSync([...files].map((f) => f.slice(SRC.length + 1)), { keepCase: true });
  root.resolveAll();

  const table: MessageTable = {};
  const queue = [...new Set(ROOT_KINDS)];
  for (let full = queue.shift(); full; full = queue.shift()) {
    const name = shortName(full);
    if (table[name]) continue;
    const type = root.lookupType(full);
    const go = SPECIAL.has(name) ? undefined : goFields(protoDir(type.fullName), type.name);
    table[name] = type.fieldsArray.map((field): FieldRow => {
      const g = go?.get(field.id);
      const kind = field.resolvedType ? shortName(field.resolvedType.fullName) : field.type;
      if (field.resolvedType) queue.push(field.resolvedType.fullName.replace(/^\./, ''));
      let flags = '';
      if (field.repeated) flags += 'r';
      if (field instanceof protobuf.MapField) {
        if (field.keyType !== 'string') throw new Error(`${full}.${field.name}: map key ${field.keyType}`);
        flags += 'm';
      }
      if (g?.inline) flags += 'i';
      if (!field.resolvedType && g && (g.pointer || !g.omitempty)) flags += 'z';
      const row: FieldRow = [field.id, g && !g.inline ? g.json : field.name, kind];
      return flags ? [...row, flags] : row;
    });
  }
  const sorted = Object.fromEntries(Object.entries(table).sort(([a], [b]) => a.localeCompare(b)));
  writeFileSync(OUT, `{\n${Object.entries(sorted).map(([k, v]) => `  ${JSON.stringify(k)}: ${JSON.stringify(v)}`).join(',\n')}\n}\n`);
  console.log(`${Object.keys(sorted).length} messages → ${dirname(OUT)}`);
}

if (require.main === module) main();
