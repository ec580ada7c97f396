// The hashing Kubernetes uses to name revisions, byte for byte where the input is bytes.
//
//   fnv32 / fnv32a   hash/fnv's New32 and New32a (32-bit FNV-1 and FNV-1a)
//   safeEncode       k8s.io/apimachinery/pkg/util/rand.SafeEncodeString: every character of the
//                    decimal hash becomes one of 27 consonants/digits so names spell no words
//   goJson           encoding/json.Marshal of a map[string]interface{}: keys sorted, and <, >, &,
//                    U+2028, U+2029 escaped — what ControllerRevision.data.Raw holds, so the bytes
//                    kubectl compares in `rollout undo` are the bytes we hash.

const FNV_OFFSET = 0x811c9dc5;
const FNV_PRIME = 0x01000193;

function utf8(input: string | Uint8Array): Uint8Array {
  return typeof input === 'string' ? new TextEncoder().encode(input) : input;
}

/** FNV-1: multiply, then xor. `fnv32('a') === 0x050c5d7e`. */
export function fnv32(input: string | Uint8Array, seed = FNV_OFFSET): number {
  let h = seed >>> 0;
  for (const b of utf8(input)) h = (Math.imul(h, FNV_PRIME) ^ b) >>> 0;
  return h;
}

/** FNV-1a: xor, then multiply. `fnv32a('a') === 0xe40c292c`. */
export function fnv32a(input: string | Uint8Array, seed = FNV_OFFSET): number {
  let h = seed >>> 0;
  for (const b of utf8(input)) h = Math.imul(h ^ b, FNV_PRIME) >>> 0;
  return h;
}

const ALPHANUMS = 'bcdfghjklmnpqrstvwxz2456789';

/**
 * Worked example: the hash 1234 prints as "1234"; '1' is code 49, 49 % 27 = 22 → '5';
 * '2' → 50 % 27 = 23 → '6'; '3' → '7'; '4' → '8'. So safeEncode("1234") === "5678".
 */
export function safeEncode(s: string): string {
  let out = '';
  for (const ch of s) out += ALPHANUMS[(ch.codePointAt(0) as number) % ALPHANUMS.length];
  return out;
}

const ESCAPES: Readonly<Record<string, string>> = { '<': '\\u003c', '>': '\\u003e', '&': '\\u0026', '\u2028': '\\u2028', '\u2029': '\\u2029' };

function goString(s: string): string {
  return JSON.stringify(s).replace(/[<>&\u2028\u2029]/g, (c) => ESCAPES[c]);
}

/** Go's compact JSON of decoded JSON: object keys in byte order, HTML-safe strings. */
export function goJson(value: unknown): string {
  if (value === null || value === undefined) return 'null';
  if (typeof value === 'string') return goString(value);
  if (typeof value === 'number' || typeof value === 'boolean') return JSON.stringify(value);
  if (Array.isArray(value)) return `[${value.map(goJson).join(',')}]`;
  const entries = Object.entries(value as Record<string, unknown>).filter(([, v]) => v !== undefined);
  entries.sort(([a], [b]) => compareBytes(a, b));
  return `{${entries.map(([k, v]) => `${goString(k)}:${goJson(v)}`).join(',')}}`;
}

/** Go sorts map keys as byte strings; for UTF-16 surrogates JS's `<` would differ, so compare code points. */
function compareBytes(a: string, b: string): number {
  const x = [...a];
  const y = [...b];
  for (let i = 0; i < Math.min(x.length, y.length); i++) {
    const d = (x[i].codePointAt(0) as number) - (y[i].codePointAt(0) as number);
    if (d !== 0) return d;
  }
  return x.length - y.length;
}

/**
 * A deep copy whose object keys are inserted in Go's order, so that JSON.stringify of it (by a
 * store or the API server) prints the same bytes as goJson, except for HTML escaping.
 * Keys that look like array indices ("8080") are always printed first by JavaScript; such keys
 * are rare in a pod template (a label or annotation named by a number) and then only the
 * byte-equality shortcut of `kubectl rollout undo` is lost, not the rollback.
 */
export function canonical<T>(value: T): T {
  if (Array.isArray(value)) return value.map(canonical) as T;
  if (value === null || typeof value !== 'object') return value;
  const out: Record<string, unknown> = {};
  for (const key of Object.keys(value).sort(compareBytes)) {
    const v = (value as Record<string, unknown>)[key];
    if (v !== undefined) out[key] = canonical(v);
  }
  return out as T;
}
