// The agent's nftables table, `ip kube-proxy`, as data: chains with their rules, verdict maps
// with their elements, and the dynamic sets that remember ClientIP affinity. Rendered as one
// `nft -f` transaction: either the whole table (full sync) or the difference from the last
// applied state (incremental sync).

export const TABLE = 'ip kube-proxy';

export interface NftChain { readonly hook?: string; readonly rules: string[] }
/** A named map (or, with `kind: 'set'`, a named set) and its elements, key → element text. */
export interface NftMap { readonly type: string; readonly comment?: string; readonly elements: Map<string, string>; readonly kind?: 'set' }
export interface NftRuleset {
  readonly chains: Map<string, NftChain>;
  readonly maps: Map<string, NftMap>;
  /** Set name → declaration body, e.g. `type ipv4_addr ; flags dynamic,timeout ; timeout 600s ;`. */
  readonly sets: Map<string, string>;
}

const q = (s: string) => JSON.stringify(s);
const chainDecl = (name: string, c: NftChain) => `add chain ${TABLE} ${name}${c.hook ? ` { ${c.hook} ; }` : ''}`;
const mapDecl = (name: string, m: NftMap) => `add ${m.kind ?? 'map'} ${TABLE} ${name} { type ${m.type} ;${m.comment ? ` comment ${q(m.comment)} ;` : ''} }`;
/** All of a map's new elements in one statement: nft parses and evaluates one command instead of thousands. */
const elements = (verb: 'add' | 'delete', map: string, texts: readonly string[]) => (texts.length ? [`${verb} element ${TABLE} ${map} { ${texts.join(', ')} }`] : []);
const rules = (name: string, c: NftChain) => c.rules.map((r) => `add rule ${TABLE} ${name} ${r}`);

/** Replaces the whole table atomically: `add` then `delete` makes deleting safe when it is absent. */
export function renderNftFull(r: NftRuleset): string {
  return `${renderNftFullLines(r).join('\n')}\n`;
}

/** renderNftFull as lines without their newlines, for the syncer to stream (see sync.ts). */
export function renderNftFullLines(r: NftRuleset): string[] {
  const lines = [`add table ${TABLE} { comment "rules for kube-proxy" ; }`, `delete table ${TABLE}`, `add table ${TABLE} { comment "rules for kube-proxy" ; }`];
  for (const [name, c] of r.chains) lines.push(chainDecl(name, c));
  for (const [name, body] of r.sets) lines.push(`add set ${TABLE} ${name} { ${body} }`);
  for (const [name, m] of r.maps) lines.push(mapDecl(name, m));
  for (const [name, c] of r.chains) for (const rule of c.rules) lines.push(`add rule ${TABLE} ${name} ${rule}`);
  for (const [name, m] of r.maps) lines.push(...elements('add', name, [...m.elements.values()]));
  return lines;
}

/**
 * The change from `prev` to `next`, ordered so that nothing is deleted while referenced:
 * new chains and sets, then stale map elements out, changed chains rewritten, new elements in,
 * and only then removed chains and sets deleted. Returns '' when nothing changed.
 */
export function renderNftIncremental(prev: NftRuleset, next: NftRuleset): string {
  const lines: string[] = [];
  for (const [name, c] of next.chains) if (!prev.chains.has(name)) lines.push(chainDecl(name, c));
  for (const [name, body] of next.sets) if (!prev.sets.has(name)) lines.push(`add set ${TABLE} ${name} { ${body} }`);
  for (const [name, m] of next.maps) if (!prev.maps.has(name)) lines.push(mapDecl(name, m));
  for (const [name, m] of prev.maps) {
    const after = next.maps.get(name)?.elements;
    lines.push(...elements('delete', name, [...m.elements].filter(([key, text]) => after?.get(key) !== text).map(([key]) => key)));
  }
  for (const [name, c] of next.chains) {
    const before = prev.chains.get(name);
    if (before && sameRules(before.rules, c.rules)) continue;
    if (before) lines.push(`flush chain ${TABLE} ${name}`);
    lines.push(...rules(name, c));
  }
  for (const [name, m] of next.maps) {
    const before = prev.maps.get(name)?.elements;
    lines.push(...elements('add', name, [...m.elements].filter(([key, text]) => before?.get(key) !== text).map(([, text]) => text)));
  }
  // Every removed chain is emptied before any is deleted: one may jump to another (external-… →
  // service-…), and a chain still referenced cannot go (EBUSY).
  const removed = [...prev.chains.keys()].filter((name) => !next.chains.has(name));
  lines.push(...removed.map((name) => `flush chain ${TABLE} ${name}`), ...removed.map((name) => `delete chain ${TABLE} ${name}`));
  for (const name of prev.sets.keys()) if (!next.sets.has(name)) lines.push(`delete set ${TABLE} ${name}`);
  return lines.length ? lines.join('\n') + '\n' : '';
}

/**
 * The base chains (those on a netfilter hook) flushed and refilled, for the chains that were
 * applied before and are unchanged now. Sent ahead of an incremental transaction it fails, and
 * so aborts the whole transaction, when the table or a base chain is gone; and it undoes a
 * flush of a base chain. It is the cheap drift check; listing the table back costs seconds.
 */
export function renderNftCanary(prev: NftRuleset, next: NftRuleset): string {
  const lines: string[] = [];
  for (const [name, c] of next.chains) {
    const before = prev.chains.get(name);
    if (c.hook && before && before.hook === c.hook && sameRules(before.rules, c.rules)) lines.push(`flush chain ${TABLE} ${name}`, ...rules(name, c));
  }
  return lines.length ? lines.join('\n') + '\n' : '';
}

function sameRules(a: readonly string[], b: readonly string[]): boolean {
  return a === b || a.length === b.length && a.every((r, i) => r === b[i]);
}

export const nftRuleCount = (r: NftRuleset): number =>
  [...r.chains.values()].reduce((n, c) => n + c.rules.length, 0) + [...r.maps.values()].reduce((n, m) => n + m.elements.size, 0);
