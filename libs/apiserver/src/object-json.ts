import type { KubeObject } from '@keelson/apimachinery';

// A written object is serialised once. The log stores it without resourceVersion (the entry's
// sequence is the version) and the response carries it with the version it got; both are the
// same JSON but for that one member, so the object is serialised in three pieces — before its
// metadata, the metadata, after it — and the response's JSON is the stored JSON with
// `"resourceVersion":"<seq>"` spliced in at the end of the metadata. JSON.stringify of a pod
// was the largest single item of a create after admission (twice: envelope and response).

/** The JSON of an object, in pieces around its metadata. */
export class ObjectJson {
  private constructor(
    private readonly head: string,
    private readonly metadata: string,
    private readonly tail: string,
  ) {}

  /** What JSON.stringify(obj) writes, member for member. */
  static of(obj: KubeObject): ObjectJson {
    const before: string[] = [];
    const after: string[] = [];
    let metadata: string | undefined;
    for (const key of Object.keys(obj)) {
      const value = JSON.stringify((obj as Record<string, unknown>)[key]);
      if (value === undefined) continue; // JSON.stringify leaves such members out
      if (key === 'metadata' && value.startsWith('{')) metadata = value;
      else (metadata === undefined ? before : after).push(`${JSON.stringify(key)}:${value}`);
    }
    if (metadata === undefined) return new ObjectJson(`{${before.join(',')}}`, '', '');
    const head = `{${before.map((m) => `${m},`).join('')}"metadata":`;
    const tail = `${after.map((m) => `,${m}`).join('')}}`;
    return new ObjectJson(head, metadata, tail);
  }

  get text(): string {
    return this.head + this.metadata + this.tail;
  }

  /** The JSON of the object with metadata.resourceVersion = seq (the object must hold none); undefined without metadata. */
  withResourceVersion(seq: number): string | undefined {
    const m = this.metadata;
    if (!m) return undefined;
    const rv = `"resourceVersion":"${seq}"}`;
    return this.head + (m === '{}' ? `{${rv}` : `${m.slice(0, -1)},${rv}`) + this.tail;
  }
}

// The JSON text of objects the handlers return, where it is known already; the HTTP layer
// answers with it instead of serialising the object again. Keyed by identity: an object
// returned by a write is never changed afterwards, and any other object misses.
const known = new WeakMap<object, string>();

export function rememberJson<T extends object>(obj: T, json: string | undefined): T {
  if (json !== undefined) known.set(obj, json);
  return obj;
}

/** JSON.stringify(value), from what is remembered when possible. */
export function toJson(value: unknown): string {
  return (typeof value === 'object' && value !== null && known.get(value)) || JSON.stringify(value);
}
