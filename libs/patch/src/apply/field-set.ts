// A set of field paths, kept as the tree that FieldsV1 serialises (structured-merge-diff's
// fieldpath.Set). Children are keyed by path element exactly as FieldsV1 spells them:
//   f:<field>   a field of a struct or an entry of a map
//   k:<json>    an element of a list-map, by its keys: k:{"containerPort":80,"protocol":"TCP"}
//   v:<json>    an element of a set: v:"example.com/finalizer"
//   i:<n>       an element of an atomic list, by index (only ever seen in conflicts)
// A node is a member when the path itself is in the set; in FieldsV1 a member with children
// writes that as a "." child, a member without children as {}.

export class FieldSet {
  member = false;
  readonly children = new Map<string, FieldSet>();

  static fromFieldsV1(v: unknown): FieldSet {
    const s = new FieldSet();
    if (typeof v !== 'object' || v === null) return s;
    const entries = Object.entries(v as Record<string, unknown>);
    if (entries.length === 0) s.member = true;
    for (const [k, child] of entries) {
      if (k === '.') s.member = true;
      else s.children.set(k, FieldSet.fromFieldsV1(child));
    }
    return s;
  }

  /** Serialised in structured-merge-diff's order: ".", then f:, k:, v:, i: elements, each sorted. */
  toFieldsV1(): Record<string, unknown> {
    const out: Record<string, unknown> = {};
    if (this.member && this.children.size > 0) out['.'] = {};
    if (this.children.size === 1) {
      for (const [k, child] of this.children) out[k] = child.toFieldsV1();
      return out;
    }
    for (const k of [...this.children.keys()].sort(compareElements)) out[k] = this.children.get(k)!.toFieldsV1();
    return out;
  }

  get empty(): boolean {
    return !this.member && this.children.size === 0;
  }

  insert(path: readonly string[]): void {
    let node: FieldSet = this;
    for (const el of path) {
      let next = node.children.get(el);
      if (!next) node.children.set(el, (next = new FieldSet()));
      node = next;
    }
    node.member = true;
  }

  child(el: string): FieldSet | undefined {
    return this.children.get(el);
  }

  has(path: readonly string[]): boolean {
    let node: FieldSet | undefined = this;
    for (const el of path) node = node?.children.get(el);
    return node?.member ?? false;
  }

  /** True if the path or anything below it is a member. */
  hasAtOrBelow(path: readonly string[]): boolean {
    let node: FieldSet | undefined = this;
    for (const el of path) node = node?.children.get(el);
    return node !== undefined && !node.empty;
  }

  union(other: FieldSet): FieldSet {
    return combine(this, other, (a, b) => a || b, true);
  }

  difference(other: FieldSet): FieldSet {
    return combine(this, other, (a, b) => a && !b, false);
  }

  intersection(other: FieldSet): FieldSet {
    const out = new FieldSet();
    out.member = this.member && other.member;
    for (const [k, c] of this.children) {
      const o = other.children.get(k);
      if (!o) continue;
      const both = c.intersection(o);
      if (!both.empty) out.children.set(k, both);
    }
    return out;
  }

  /** Member paths, parents before children, children in FieldsV1 order. */
  paths(prefix: string[] = []): string[][] {
    const out: string[][] = this.member ? [prefix] : [];
    for (const k of [...this.children.keys()].sort(compareElements)) out.push(...this.children.get(k)!.paths([...prefix, k]));
    return out;
  }
}

function combine(a: FieldSet, b: FieldSet, member: (x: boolean, y: boolean) => boolean, keepOnlyB: boolean): FieldSet {
  const out = new FieldSet();
  out.member = member(a.member, b.member);
  const keys = new Set([...a.children.keys(), ...(keepOnlyB ? b.children.keys() : [])]);
  for (const k of keys) {
    const child = combine(a.children.get(k) ?? new FieldSet(), b.children.get(k) ?? new FieldSet(), member, keepOnlyB);
    if (!child.empty) out.children.set(k, child);
  }
  return out;
}

const KIND_ORDER = 'fkvi';

function compareElements(x: string, y: string): number {
  const d = KIND_ORDER.indexOf(x[0]) - KIND_ORDER.indexOf(y[0]);
  return d !== 0 ? d : x < y ? -1 : x > y ? 1 : 0;
}

/**
 * A path as Kubernetes prints it in conflicts:
 * ['f:spec', 'f:containers', 'k:{"name":"nginx"}', 'f:image'] → .spec.containers[name="nginx"].image
 */
export function pathString(path: readonly string[]): string {
  return path
    .map((el) => {
      const body = el.slice(2);
      switch (el[0]) {
        case 'f':
          return `.${body}`;
        case 'k':
          return `[${Object.entries(JSON.parse(body) as Record<string, unknown>)
            .map(([k, v]) => `${k}=${JSON.stringify(v)}`)
            .join(',')}]`;
        case 'v':
          return `[=${body}]`;
        default:
          return `[${body}]`;
      }
    })
    .join('');
}
