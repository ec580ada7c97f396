// Applying rules inside a node's network namespace, and keeping them there. Each sync is one
// transaction (`iptables-restore --noflush` or `nft -f`). The syncer remembers what it last
// applied: the next sync writes only the difference, unless the kernel's state has drifted
// from it (someone deleted or edited our chains or jump rules), in which case it writes
// everything again. Drift is judged by chain names, rule counts per chain and jump rules,
// which catches deleted/added rules and chains but not a rule edited in place; a periodic
// full resync (`fullEvery`) covers that.

import { execFile, spawn } from 'node:child_process';
import { promisify } from 'node:util';
import { renderFull, renderIncremental } from './iptables/restore';
import { IptablesRuleset, savedJump, TABLES, TableName } from './iptables/ruleset';
import { NftRuleset, renderNftFull, renderNftIncremental, TABLE as NFT_TABLE } from './nftables/ruleset';

const run = promisify(execFile);

function withStdin(cmd: string, args: string[], input: string): Promise<void> {
  return new Promise((resolve, reject) => {
    const child = spawn(cmd, args, { stdio: ['pipe', 'ignore', 'pipe'] });
    let stderr = '';
    child.stderr.on('data', (d) => (stderr += d));
    child.on('error', reject);
    child.on('close', (code) => (code === 0 ? resolve() : reject(new Error(`${cmd} ${args.join(' ')} exited ${code}: ${stderr.trim()}`))));
    child.stdin.end(input);
  });
}

const inNs = (ns: string | undefined, cmd: string, args: string[]): [string, string[]] => (ns ? ['ip', ['netns', 'exec', ns, cmd, ...args]] : [cmd, args]);

/** One iptables-restore transaction; chains not named in `text` are left alone. */
export async function applyIptables(nodeNs: string | undefined, text: string): Promise<void> {
  if (!text) return;
  await withStdin(...inNs(nodeNs, 'iptables-restore', ['-w', '--noflush']), text);
}

/** One nft transaction. */
export async function applyNftables(nodeNs: string | undefined, text: string): Promise<void> {
  if (!text) return;
  await withStdin(...inNs(nodeNs, 'nft', ['-f', '-']), text);
}

export async function iptablesSave(nodeNs: string | undefined): Promise<string> {
  const [cmd, args] = inNs(nodeNs, 'iptables-save', []);
  return (await run(cmd, args, { maxBuffer: 1 << 30 })).stdout;
}

/** Per table: our chains (by prefix) with their rule lines, and every rule of built-in chains. */
export function parseSave(save: string, prefixes: readonly string[]): Record<TableName, { chains: Map<string, string[]>; builtin: Set<string> }> {
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

export interface SyncResult { readonly mode: 'full' | 'incremental' | 'none'; readonly ms: number; readonly bytes: number }

export class IptablesSyncer {
  private applied: IptablesRuleset | undefined;
  private syncs = 0;
  constructor(
    readonly nodeNs: string | undefined,
    readonly prefixes: readonly string[] = ['KUBE-', 'KEELSON-'],
    readonly options: { fullEvery?: number; checkDrift?: boolean } = {},
  ) {}

  /** Brings the namespace to `desired`: incrementally when nothing drifted, else in full. */
  async sync(desired: IptablesRuleset): Promise<SyncResult> {
    const start = performance.now();
    const fullDue = this.options.fullEvery !== undefined && this.syncs % this.options.fullEvery === 0;
    this.syncs++;
    let text: string;
    let mode: SyncResult['mode'];
    const save = this.applied && !fullDue && this.options.checkDrift === false ? undefined : parseSave(await iptablesSave(this.nodeNs), this.prefixes);
    if (!this.applied || fullDue || (save && this.drifted(save, this.applied))) {
      const current = save ?? parseSave(await iptablesSave(this.nodeNs), this.prefixes);
      const staleChains = Object.fromEntries(TABLES.map((t) => [t, [...current[t].chains.keys()].filter((c) => !desired.tables[t].has(c))]));
      const missingJumps = desired.jumps.filter((j) => !current[j.table].builtin.has(savedJump(j)));
      // Jumps to our chains that are no longer wanted must go before those chains can.
      const wanted = new Set(desired.jumps.map((j) => `${j.table} ${savedJump(j)}`));
      const staleJumps = TABLES.flatMap((t) => [...current[t].builtin].filter((l) => this.prefixes.some((p) => l.includes(` -j ${p}`)) && !wanted.has(`${t} ${l}`)).map((l) => ({ table: t, line: l })));
      text = renderFull(desired, { staleChains, missingJumps, staleJumps });
      mode = 'full';
    } else {
      text = renderIncremental(this.applied, desired);
      mode = text ? 'incremental' : 'none';
    }
    // A failed transaction leaves the kernel as it was; the next sync starts from it in full.
    try {
      await applyIptables(this.nodeNs, text);
    } catch (e) {
      this.applied = undefined;
      throw e;
    }
    this.applied = desired;
    return { mode, ms: performance.now() - start, bytes: text.length };
  }

  /** True when the kernel's chains are not what we last applied. */
  drifted(save: ReturnType<typeof parseSave>, applied: IptablesRuleset): boolean {
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
  constructor(readonly nodeNs: string | undefined) {}

  async sync(desired: NftRuleset): Promise<SyncResult> {
    const start = performance.now();
    const full = !this.applied || (await this.drifted(this.applied));
    const text = full ? renderNftFull(desired) : renderNftIncremental(this.applied!, desired);
    try {
      await applyNftables(this.nodeNs, text);
    } catch (e) {
      this.applied = undefined;
      throw e;
    }
    this.applied = desired;
    return { mode: full ? 'full' : text ? 'incremental' : 'none', ms: performance.now() - start, bytes: text.length };
  }

  /** Chain names and rule counts of `ip kube-proxy` against what was applied (a missing table counts). */
  async drifted(applied: NftRuleset): Promise<boolean> {
    // -t (terse) leaves out map and set contents, which at 5,000 services are most of the text.
    const [cmd, args] = inNs(this.nodeNs, 'nft', ['-t', 'list', 'table', 'ip', 'kube-proxy']);
    const listed = await run(cmd, args, { maxBuffer: 1 << 30 }).then((r) => r.stdout, () => undefined);
    if (listed === undefined) return true;
    const names = [...listed.matchAll(/^\s*chain (\S+) \{/gm)].map((m) => m[1]);
    return names.length !== applied.chains.size || names.some((n) => !applied.chains.has(n));
  }
}

/** Removes everything the agent wrote in a namespace (both modes). */
export async function removeProxyRules(nodeNs: string | undefined, prefixes: readonly string[] = ['KUBE-', 'KEELSON-']): Promise<void> {
  const save = parseSave(await iptablesSave(nodeNs), prefixes);
  const lines: string[] = [];
  for (const t of TABLES) {
    const chains = [...save[t].chains.keys()];
    const jumps = [...save[t].builtin].filter((l) => prefixes.some((p) => l.includes(`-j ${p}`)));
    if (!chains.length && !jumps.length) continue;
    lines.push(`*${t}`, ...chains.map((c) => `:${c} - [0:0]`), ...jumps.map((l) => l.replace(/^-A /, '-D ')), ...chains.map((c) => `-X ${c}`), 'COMMIT');
  }
  if (lines.length) await applyIptables(nodeNs, lines.join('\n') + '\n');
  const [cmd, args] = inNs(nodeNs, 'nft', ['delete', 'table', ...NFT_TABLE.split(' ')]);
  await run(cmd, args).catch(() => undefined);
}

/**
 * The reconcile loop: sync now, then every `periodMs` (repairing drift), and at once when
 * `trigger()` is called (an Endpoints or Service change). Returns a stop function.
 */
export function syncLoop(sync: () => Promise<unknown>, periodMs: number, onError: (err: unknown) => void = () => undefined): { trigger: () => void; stop: () => Promise<void> } {
  let running: Promise<void> = Promise.resolve();
  let pending = false;
  let stopped = false;
  const kick = () => {
    if (stopped || pending) return;
    pending = true;
    running = running.then(async () => {
      pending = false;
      if (!stopped) await sync().catch(onError);
    });
  };
  const timer = setInterval(kick, periodMs);
  kick();
  return { trigger: kick, stop: async () => { stopped = true; clearInterval(timer); await running; } };
}
