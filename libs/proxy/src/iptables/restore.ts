// iptables-restore input for `--noflush`: only the chains named in a `:CHAIN - [0:0]` line are
// flushed (and created if missing); every other chain, ours or not, is left as it is. The whole
// text is applied as one transaction, so a sync never leaves half a service behind.

import { emptyRuleset, insertJump, IptablesRuleset, JumpRule, TABLES, TableName } from './ruleset';

export interface RestoreOptions {
  /** Our chains present now but no longer wanted: flushed, then deleted (`-X`). */
  readonly staleChains?: Partial<Record<TableName, readonly string[]>>;
  /** Jump rules missing from the built-in chains, put back first in them. */
  readonly missingJumps?: readonly JumpRule[];
  /** Lines (as iptables-save prints them) of jump rules to our chains that must go. */
  readonly staleJumps?: readonly { table: TableName; line: string }[];
  /** Add a `-S` after the jump rules: a full restore in linear time on iptables-nft (see below). */
  readonly listAll?: boolean;
}

/**
 * iptables-nft 1.8.9 keeps the names of the chains a restore touches in a sorted linked list
 * (nft-cache.c, cache_chain_list_insert), so a restore that names n chains costs O(n²): 150 s
 * of CPU for 2,000 services × 10 endpoints (22,000 chains), and most of the 67 s the first
 * benchmark measured for 1,000. A command without a chain turns that list off (the restore
 * then reads every chain of the table instead, cache_req.all_chains); `-S` is one that
 * changes nothing (its listing goes to stdout). With it the same 2,000 services take 2.9 s
 * of CPU. It must come after the jump rules: once it is read, iptables-nft no longer creates
 * missing built-in chains (INPUT, PREROUTING …) in a fresh namespace. Not for
 * iptables-legacy, where a `-S` mid-restore forgets the chains declared before it, nor for
 * incremental syncs: they name few chains, and with `-S` they would
 * read every rule of the table.
 */
const LIST_ALL = '-S';

/** Everything: every desired chain is declared (so flushed) and rewritten. */
export function renderFull(desired: IptablesRuleset, options: RestoreOptions = {}): string {
  return restoreText(renderFullLines(desired, options));
}

/**
 * renderFull as lines without their newlines: the syncer streams them to iptables-restore in
 * pieces (sync.ts) instead of building 3 MB of text (1,000 services) and a copy of it.
 */
export function renderFullLines(desired: IptablesRuleset, options: RestoreOptions = {}): string[] {
  const out: string[] = [];
  for (const t of TABLES) {
    const removed = (options.staleJumps ?? []).filter((j) => j.table === t).map((j) => j.line.replace(/^-A /, '-D '));
    renderTable(out, t, desired.tables[t].keys(), desired, options.staleChains?.[t] ?? [], jumpsFor(t, options), removed, options.listAll);
  }
  return out;
}

/** Lines as iptables-restore reads them, each ending in a newline. */
export const restoreText = (lines: readonly string[]): string => (lines.length ? `${lines.join('\n')}\n` : '');

/**
 * Only what changed since `previous` was applied: chains whose rules differ are rewritten,
 * chains that disappeared are deleted, the rest is not mentioned at all (kube-proxy's partial
 * sync). An Endpoints change for one service rewrites its KUBE-SVC chain and adds or removes
 * KUBE-SEP chains; KUBE-SERVICES is untouched unless a service came or went.
 * Returns '' when nothing changed.
 */
export function renderIncremental(previous: IptablesRuleset, desired: IptablesRuleset, options: Pick<RestoreOptions, 'missingJumps'> = {}): string {
  const out: string[] = [];
  for (const t of TABLES) {
    const before = previous.tables[t];
    const after = desired.tables[t];
    const changed = [...after.keys()].filter((c) => !sameRules(before.get(c), after.get(c)));
    const stale = [...before.keys()].filter((c) => !after.has(c));
    // Jump rules in built-in chains that came or went with the ruleset (e.g. the first policy).
    const key = (j: JumpRule) => `${j.chain} ${j.rule}`;
    const had = new Set(previous.jumps.filter((j) => j.table === t).map(key));
    const has = new Set(desired.jumps.filter((j) => j.table === t).map(key));
    const jumps = [...jumpsFor(t, options), ...desired.jumps.filter((j) => j.table === t && !had.has(key(j)))];
    const removed = previous.jumps.filter((j) => j.table === t && !has.has(key(j))).map((j) => `-D ${j.chain} ${j.rule}`);
    if (changed.length || stale.length || jumps.length || removed.length) renderTable(out, t, changed, desired, stale, jumps, removed);
  }
  return restoreText(out);
}

/**
 * A transaction that deletes each jump rule and puts it back first in its chain: it fails, and
 * changes nothing, when one of them is missing. Sent ahead of an incremental sync it is the
 * cheap drift check (someone flushed the built-in chains or removed our jumps) at the cost of
 * a few rules instead of an iptables-save of the whole table.
 */
export function renderJumpCanary(jumps: readonly JumpRule[]): string {
  const out: string[] = [];
  for (const t of TABLES) {
    const mine = jumps.filter((j) => j.table === t);
    if (mine.length) renderTable(out, t, [], emptyRuleset(), [], mine, mine.map((j) => `-D ${j.chain} ${j.rule}`));
  }
  return restoreText(out);
}

/**
 * One table's block: the chains that inserted jump rules lead to are declared first, then
 * jump rules go and come, then every other chain is declared (so flushed), then the rules.
 */
function renderTable(lines: string[], table: TableName, chainNames: Iterable<string>, desired: IptablesRuleset, stale: readonly string[], jumps: readonly JumpRule[], removedJumps: readonly string[] = [], listAll = false): void {
  const chains = [...chainNames];
  const targets = new Set(jumps.map((j) => j.rule.split(' ').pop()));
  lines.push(`*${table}`);
  for (const c of chains) if (targets.has(c)) lines.push(`:${c} - [0:0]`);
  for (const line of removedJumps) lines.push(line);
  for (const j of jumps) lines.push(insertJump(j));
  if (listAll) lines.push(LIST_ALL);
  for (const c of chains) if (!targets.has(c)) lines.push(`:${c} - [0:0]`);
  for (const c of stale) lines.push(`:${c} - [0:0]`);
  const rules = desired.tables[table];
  for (const c of chains) for (const line of rules.get(c) ?? []) lines.push(line);
  // Deleted last: by now no rewritten chain jumps to them any more.
  for (const c of stale) lines.push(`-X ${c}`);
  lines.push('COMMIT');
}

const jumpsFor = (t: TableName, options: Pick<RestoreOptions, 'missingJumps'>): JumpRule[] => (options.missingJumps ?? []).filter((j) => j.table === t);

function sameRules(a: readonly string[] | undefined, b: readonly string[] | undefined): boolean {
  // Unchanged services come back from IptablesServiceRules as the same arrays.
  if (a === b) return a !== undefined;
  if (!a || !b || a.length !== b.length) return false;
  for (let i = 0; i < a.length; i++) if (a[i] !== b[i]) return false;
  return true;
}

export const ruleCount = (r: IptablesRuleset): number => TABLES.reduce((n, t) => n + [...r.tables[t].values()].reduce((m, rules) => m + rules.length, 0), 0);
