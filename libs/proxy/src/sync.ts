// Applying rules inside a node's network namespace, and keeping them there. Each sync is one
// transaction (`iptables-restore --noflush` or `nft -f`). The syncer remembers what it last
// applied and writes only the difference (kube-proxy's partial sync): an Endpoints change
// rewrites that service's chains and nothing else.
//
// Drift (someone flushed or deleted our rules) is found two ways, so that the common sync
// does not read the whole table back (iptables-save of 5,000 services is 24 MB and seconds
// of CPU):
//   - every sync carries a canary: iptables mode deletes and re-inserts our jump rules in the
//     built-in chains, nftables mode flushes and refills its base chains. When they are gone
//     (a flushed table, a deleted table) the transaction fails and the syncer falls back to a
//     full sync at once;
//   - every `verifyEvery`-th sync, and every sync called with `verify` (the agent's periodic
//     one), reads the table back and compares chain names and rule counts, which finds what
//     the canary cannot (a flushed KUBE-SVC chain). A rule edited in place is only repaired by
//     the periodic full sync (`fullEvery`).

import { execFile, spawn } from 'node:child_process';
import type { Writable } from 'node:stream';
import { promisify } from 'node:util';
import { renderFullLines, renderIncremental, renderJumpCanary } from './iptables/restore';
import { IptablesRuleset, JumpRule, savedJump, TABLES, TableName } from './iptables/ruleset';
import { NftRuleset, renderNftCanary, renderNftFullLines, renderNftIncremental, TABLE as NFT_TABLE } from './nftables/ruleset';

const run = promisify(execFile);

/**
 * The environment of iptables-restore and nft: glibc's malloc asks for transparent huge pages
 * for its heap (`glibc.malloc.hugetlb=1`, glibc ≥ 2.35; ignored elsewhere). Both tools build
 * the whole transaction in memory (55 MB for 1,000 services × 10 endpoints) and a large part
 * of their CPU went to page faults: with 2 MB pages a full restore of 1,000 services cost
 * 0.52 s of CPU instead of 0.91 s (iptables-nft-restore), nft -f 0.40 s instead of 0.77 s
 * (docs/benchmarks.md, proxy-full).
 * Tunables already set by the caller are kept.
 */
export const TOOL_ENV: NodeJS.ProcessEnv = {
  ...process.env,
  GLIBC_TUNABLES: [process.env.GLIBC_TUNABLES, 'glibc.malloc.hugetlb=1'].filter(Boolean).join(':'),
};

/** A transaction's text: one string, or lines without their newlines (streamed, see writeLines). */
export type RestoreInput = string | readonly string[];

function withStdin(cmd: string, args: string[], input: RestoreInput): Promise<void> {
  return new Promise((resolve, reject) => {
    const child = spawn(cmd, args, { stdio: ['pipe', 'ignore', 'pipe'], env: TOOL_ENV });
    let stderr = '';
    child.stderr.on('data', (d) => (stderr += d));
    child.on('error', reject);
    child.on('close', (code) => (code === 0 ? resolve() : reject(new Error(`${cmd} ${args.join(' ')} exited ${code}: ${stderr.trim()}`))));
    // A command that fails early stops reading (EPIPE); its exit code above is the error to report.
    child.stdin.on('error', () => undefined);
    if (typeof input === 'string') child.stdin.end(input);
    else void writeLines(child.stdin, input);
  });
}

/** About this many characters per write: below V8's and malloc's large-object sizes, so their memory is reused. */
const CHUNK_CHARS = 32 * 1024;

/**
 * Lines to a child's stdin, a piece at a time, each once the child has taken the last. A
 * full sync of 1,000 services is 3.3 MB of text: as one string, it and its UTF-8 copy are
 * fresh memory every time (page faults are dear, see TOOL_ENV), and the child cannot start
 * before all of it exists. In pieces, the same few buffers are reused and
 * iptables-restore parses while the rest is still being joined.
 */
async function writeLines(stdin: Writable, lines: readonly string[]): Promise<void> {
  let from = 0;
  let chars = 0;
  for (let i = 0; i < lines.length; i++) {
    chars += lines[i].length + 1;
    if (chars < CHUNK_CHARS && i < lines.length - 1) continue;
    const piece = lines.slice(from, i + 1);
    piece.push('');
    from = i + 1;
    chars = 0;
    if (stdin.destroyed) return;
    if (!stdin.write(piece.join('\n'))) await drainedOrClosed(stdin);
  }
  stdin.end();
}

const inputChars = (input: RestoreInput): number => (typeof input === 'string' ? input.length : input.reduce((n, line) => n + line.length + 1, 0));

const drainedOrClosed = (stream: Writable) => new Promise<void>((resolve) => {
  const done = () => {
    stream.off('drain', done);
    stream.off('close', done);
    resolve();
  };
  stream.on('drain', done);
  stream.on('close', done);
});

const inNs = (ns: string | undefined, cmd: string, args: string[]): [string, string[]] => (ns ? ['ip', ['netns', 'exec', ns, cmd, ...args]] : [cmd, args]);

/**
 * Which iptables: the system's default (`iptables`, here iptables-nft), or one backend by name.
 * iptables-nft updates only the chains named in a restore, so partial syncs cost what they
 * change; iptables-legacy replaces the whole table on every restore (an incremental sync of
 * 5,000 services costs as much as a full one) but creates a large table faster. kube-proxy
 * uses whichever the node uses; the two must not be mixed in one namespace.
 */
export type IptablesBackend = 'nft' | 'legacy';
const tool = (name: 'iptables' | 'iptables-save' | 'iptables-restore', backend?: IptablesBackend) => (backend ? name.replace('iptables', `iptables-${backend}`) : name);

/**
 * Whether this backend is iptables-nft, where full restores need the `-S` of LIST_ALL
 * (iptables/restore.ts). iptables-legacy must not get it: there a `-S` in the middle of a
 * restore forgets the chains declared before it.
 */
let defaultIsNft: Promise<boolean> | undefined;
export function isNftBackend(backend?: IptablesBackend): Promise<boolean> {
  if (backend) return Promise.resolve(backend === 'nft');
  return (defaultIsNft ??= run('iptables', ['-V']).then((r) => r.stdout.includes('nf_tables'), () => false));
}

/** One iptables-restore transaction; chains not named in `text` are left alone. */
export async function applyIptables(nodeNs: string | undefined, text: RestoreInput, backend?: IptablesBackend): Promise<void> {
  if (!text.length) return;
  await withStdin(...inNs(nodeNs, tool('iptables-restore', backend), ['-w', '--noflush']), text);
}

/** One nft transaction. */
export async function applyNftables(nodeNs: string | undefined, text: RestoreInput): Promise<void> {
  if (!text.length) return;
  await withStdin(...inNs(nodeNs, 'nft', ['-f', '-']), text);
}

export async function iptablesSave(nodeNs: string | undefined, backend?: IptablesBackend): Promise<string> {
  const [cmd, args] = inNs(nodeNs, tool('iptables-save', backend), []);
  return (await run(cmd, args, { maxBuffer: 1 << 30, env: TOOL_ENV })).stdout;
}

export type ParsedSave = Record<TableName, { chains: Map<string, string[]>; builtin: Set<string> }>;

/** Per table: our chains (by prefix) with their rule lines, and every rule of built-in chains. */
export function parseSave(save: string, prefixes: readonly string[]): ParsedSave {
  const result = { filter: { chains: new Map<string, string[]>(), builtin: new Set<string>() }, nat: { chains: new Map<string, string[]>(), builtin: new Set<string>() } };
  let table: (typeof result)[TableName] | undefined;
  const ours = (c: string) => prefixes.some((p) => c.startsWith(p));
  for (const line of save.split('\n')) {
    if (line.startsWith('*')) table = (result as Record<string, (typeof result)[TableName]>)[line.slice(1)];
    else if (!table) continue;
    else if (line.startsWith(':')) {
      const chain = line.slice(1).split(' ')[0];
      if (ours(chain)) table.chains.set(chain, []);
    } else if (line.startsWith('-A ')) {
      const chain = line.split(' ')[1];
      if (ours(chain)) table.chains.get(chain)?.push(line);
      else table.builtin.add(line);
    }
  }
  return result;
}

/**
 * What a sync did and why: `full` on the first sync (`first`), when `fullEvery` came round
 * (`periodic`), when the read-back found drift (`drift`) or when the incremental transaction
 * failed, the canary included (`failed`).
 */
export interface SyncResult {
  readonly mode: 'full' | 'incremental' | 'none';
  readonly ms: number;
  readonly bytes: number;
  readonly reason?: 'first' | 'periodic' | 'drift' | 'failed';
}

/** Per call: `verify` reads the kernel's rules back before an incremental sync (drift check now). */
export interface SyncCallOptions {
  readonly verify?: boolean;
}

export interface SyncOptions {
  /** Every n-th sync is a full one (0 or absent: only when needed). */
  readonly fullEvery?: number;
  /** false: no canary and no read-back, trust what was applied (benchmarks). */
  readonly checkDrift?: boolean;
  /** Every n-th sync reads the rules back to look for drift; default 10. */
  readonly verifyEvery?: number;
}

export const DEFAULT_VERIFY_EVERY = 10;
const nth = (n: number, every: number | undefined) => every !== undefined && every > 0 && n % every === 0;

/** Jump rules present both before and after: the ones the canary can expect to find. */
const keptJumps = (before: readonly JumpRule[], after: readonly JumpRule[]): JumpRule[] => {
  const had = new Set(before.map(savedJumpKey));
  return after.filter((j) => had.has(savedJumpKey(j)));
};
const savedJumpKey = (j: JumpRule) => `${j.table} ${savedJump(j)}`;

export class IptablesSyncer {
  private applied: IptablesRuleset | undefined;
  private syncs = 0;
  private prefetched: Promise<string> | undefined;
  constructor(
    readonly nodeNs: string | undefined,
    readonly prefixes: readonly string[] = ['KUBE-', 'KEELSON-'],
    readonly options: SyncOptions & { backend?: IptablesBackend } = {},
  ) {}

  /**
   * When the next sync will be a full one (the first, or a periodic one), starts reading the
   * kernel's rules now: iptables-save then runs while the caller generates the rules.
   */
  prefetch(): void {
    if (this.applied && !nth(this.syncs, this.options.fullEvery)) return;
    // Always a new one: one left from a sync that never came is out of date.
    this.prefetched = iptablesSave(this.nodeNs, this.options.backend);
    this.prefetched.catch(() => undefined); // reported by the sync that awaits it
    void isNftBackend(this.options.backend);
  }

  /** The prefetched iptables-save (taken once), or a new one. */
  private save(): Promise<string> {
    const save = this.prefetched ?? iptablesSave(this.nodeNs, this.options.backend);
    this.prefetched = undefined;
    return save;
  }

  /** Brings the namespace to `desired`: incrementally when nothing drifted, else in full. */
  async sync(desired: IptablesRuleset, opts: SyncCallOptions = {}): Promise<SyncResult> {
    const start = performance.now();
    const n = this.syncs++;
    const checking = this.options.checkDrift !== false;
    const backend = this.options.backend;
    let save: ParsedSave | undefined;
    let reason: SyncResult['reason'] = 'first';
    if (this.applied && nth(n, this.options.fullEvery)) reason = 'periodic';
    else if (this.applied) {
      this.prefetched = undefined; // not a full sync after all
      if (checking && (opts.verify || nth(n, this.options.verifyEvery ?? DEFAULT_VERIFY_EVERY))) save = parseSave(await iptablesSave(this.nodeNs, backend), this.prefixes);
      reason = 'drift';
      if (!save || !this.drifted(save, this.applied)) {
        const text = renderIncremental(this.applied, desired);
        const canary = checking ? renderJumpCanary(keptJumps(this.applied.jumps, desired.jumps)) : '';
        reason = 'failed';
        if (await applyIptables(this.nodeNs, canary + text, backend).then(() => true, () => false)) {
          this.applied = desired;
          return { mode: text ? 'incremental' : 'none', ms: performance.now() - start, bytes: text.length };
        }
      }
    }
    const current = save ?? parseSave(await this.save(), this.prefixes);
    const staleChains = Object.fromEntries(TABLES.map((t) => [t, [...current[t].chains.keys()].filter((c) => !desired.tables[t].has(c))]));
    const missingJumps = desired.jumps.filter((j) => !current[j.table].builtin.has(savedJump(j)));
    // Jumps to our chains that are no longer wanted must go before those chains can.
    const wanted = new Set(desired.jumps.map(savedJumpKey));
    const staleJumps = TABLES.flatMap((t) => [...current[t].builtin].filter((l) => this.prefixes.some((p) => l.includes(` -j ${p}`)) && !wanted.has(`${t} ${l}`)).map((l) => ({ table: t, line: l })));
    const text = renderFullLines(desired, { staleChains, missingJumps, staleJumps, listAll: await isNftBackend(backend) });
    // A failed transaction leaves the kernel as it was; the next sync starts from it in full.
    try {
      await applyIptables(this.nodeNs, text, backend);
    } catch (e) {
      this.applied = undefined;
      throw e;
    }
    this.applied = desired;
    return { mode: 'full', ms: performance.now() - start, bytes: inputChars(text), reason };
  }

  /** True when the kernel's chains are not what we last applied. */
  drifted(save: ParsedSave, applied: IptablesRuleset): boolean {
    for (const t of TABLES) {
      const have = save[t].chains;
      const want = applied.tables[t];
      if (have.size !== want.size) return true;
      for (const [chain, rules] of want) if (have.get(chain)?.length !== rules.length) return true;
    }
    return applied.jumps.some((j) => !save[j.table].builtin.has(savedJump(j)));
  }

  /** Forget what was applied: the next sync is a full one. */
  reset(): void {
    this.applied = undefined;
  }
}

export class NftablesSyncer {
  private applied: NftRuleset | undefined;
  private syncs = 0;
  constructor(readonly nodeNs: string | undefined, readonly options: SyncOptions = {}) {}

  async sync(desired: NftRuleset, opts: SyncCallOptions = {}): Promise<SyncResult> {
    const start = performance.now();
    const n = this.syncs++;
    const checking = this.options.checkDrift !== false;
    let reason: SyncResult['reason'] = 'first';
    if (this.applied && nth(n, this.options.fullEvery)) reason = 'periodic';
    else if (this.applied) {
      reason = 'drift';
      if (!(checking && (opts.verify || nth(n, this.options.verifyEvery ?? DEFAULT_VERIFY_EVERY)) && (await this.drifted(this.applied)))) {
        const text = renderNftIncremental(this.applied, desired);
        const canary = checking ? renderNftCanary(this.applied, desired) : '';
        reason = 'failed';
        if (await applyNftables(this.nodeNs, canary + text).then(() => true, () => false)) {
          this.applied = desired;
          return { mode: text ? 'incremental' : 'none', ms: performance.now() - start, bytes: text.length };
        }
      }
    }
    const text = renderNftFullLines(desired);
    // A failed transaction leaves the kernel as it was; the next sync starts from it in full.
    try {
      await applyNftables(this.nodeNs, text);
    } catch (e) {
      this.applied = undefined;
      throw e;
    }
    this.applied = desired;
    return { mode: 'full', ms: performance.now() - start, bytes: inputChars(text), reason };
  }

  /** Chain names of `ip kube-proxy` against what was applied (a missing table counts). */
  async drifted(applied: NftRuleset): Promise<boolean> {
    // -t (terse) leaves out map and set contents, which at 5,000 services are most of the text.
    const [cmd, args] = inNs(this.nodeNs, 'nft', ['-t', 'list', 'table', 'ip', 'kube-proxy']);
    const listed = await run(cmd, args, { maxBuffer: 1 << 30, env: TOOL_ENV }).then((r) => r.stdout, () => undefined);
    if (listed === undefined) return true;
    const names = [...listed.matchAll(/^\s*chain (\S+) \{/gm)].map((m) => m[1]);
    return names.length !== applied.chains.size || names.some((n) => !applied.chains.has(n));
  }
}

/** Removes everything the agent wrote in a namespace (both modes). */
export async function removeProxyRules(nodeNs: string | undefined, prefixes: readonly string[] = ['KUBE-', 'KEELSON-'], backend?: IptablesBackend): Promise<void> {
  const save = parseSave(await iptablesSave(nodeNs, backend), prefixes);
  const lines: string[] = [];
  for (const t of TABLES) {
    const chains = [...save[t].chains.keys()];
    const jumps = [...save[t].builtin].filter((l) => prefixes.some((p) => l.includes(`-j ${p}`)));
    if (!chains.length && !jumps.length) continue;
    // `-S`: see LIST_ALL in iptables/restore.ts.
    const listAll = (await isNftBackend(backend)) ? ['-S'] : [];
    lines.push(`*${t}`, ...jumps.map((l) => l.replace(/^-A /, '-D ')), ...listAll, ...chains.map((c) => `:${c} - [0:0]`), ...chains.map((c) => `-X ${c}`), 'COMMIT');
  }
  if (lines.length) await applyIptables(nodeNs, lines.join('\n') + '\n', backend);
  const [cmd, args] = inNs(nodeNs, 'nft', ['delete', 'table', ...NFT_TABLE.split(' ')]);
  await run(cmd, args).catch(() => undefined);
}

/**
 * The reconcile loop: sync now, then every `periodMs` (repairing drift), and at once when
 * `trigger()` is called (an Endpoints or Service change). Returns a stop function.
 */
export function syncLoop(sync: (periodic: boolean) => Promise<unknown>, periodMs: number, onError: (err: unknown) => void = () => undefined): { trigger: () => void; stop: () => Promise<void> } {
  let running: Promise<void> = Promise.resolve();
  let pending = false;
  let periodic = false;
  let stopped = false;
  const kick = (byTimer = false) => {
    periodic ||= byTimer;
    if (stopped || pending) return;
    pending = true;
    running = running.then(async () => {
      pending = false;
      const verify = periodic;
      periodic = false;
      if (!stopped) await sync(verify).catch(onError);
    });
  };
  // Syncs on changes are cheap and incremental; the period's sync also reads the rules back, so
  // rules deleted or edited by hand are repaired within one period (kube-proxy's syncPeriod).
  const timer = setInterval(() => kick(true), periodMs);
  kick();
  return { trigger: () => kick(), stop: async () => { stopped = true; clearInterval(timer); await running; } };
}
