// A deep copy of plain JSON (what a parsed request body or a stored object is), about ten
// times cheaper than structuredClone or a JSON round trip: the create path copies each object
// a few times (defaulting, managedFields). Same result as JSON.parse(JSON.stringify(v)):
// object keys holding undefined are dropped, undefined array elements become null.

export function deepCopyJson<T>(v: T): T {
  return copy(v) as T;
}

function copy(v: unknown): unknown {
  if (typeof v !== 'object' || v === null) return v;
  if (Array.isArray(v)) {
    const out = new Array<unknown>(v.length);
    for (let i = 0; i < v.length; i++) out[i] = v[i] === undefined ? null : copy(v[i]);
    return out;
  }
  const out: Record<string, unknown> = {};
  for (const k of Object.keys(v)) {
    const x = (v as Record<string, unknown>)[k];
    if (x !== undefined) out[k] = copy(x);
  }
  return out;
}
