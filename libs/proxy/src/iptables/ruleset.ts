// The agent's own iptables chains, table by table, in the order they are declared. Rules are
// whole `-A CHAIN …` lines as iptables-restore reads them. Built-in chains (PREROUTING, …) are
// never written wholesale: the agent only makes sure its one jump rule in each is present.

export type TableName = 'filter' | 'nat';
export const TABLES: readonly TableName[] = ['filter', 'nat'];

/** A rule the agent needs in a built-in chain, e.g. nat PREROUTING → KUBE-SERVICES. */
export interface JumpRule { readonly table: TableName; readonly chain: string; readonly rule: string }

export interface IptablesRuleset {
  readonly tables: Record<TableName, Map<string, string[]>>;
  readonly jumps: readonly JumpRule[];
}

export const emptyRuleset = (): IptablesRuleset => ({ tables: { filter: new Map(), nat: new Map() }, jumps: [] });

/** Quotes an argument the way iptables-save does: only when it holds a space or a quote. */
export const arg = (s: string): string => (/[\s"]/.test(s) ? `"${s.replace(/"/g, '\\"')}"` : s);

/** One ruleset from several (the service proxy's and NetworkPolicy's chains, applied together). */
export function mergeRulesets(...sets: IptablesRuleset[]): IptablesRuleset {
  // Mostly there are no policies: then the service rules are the result as they are.
  const nonEmpty = sets.filter((s) => s.jumps.length || TABLES.some((t) => s.tables[t].size));
  if (nonEmpty.length === 1) return nonEmpty[0];
  const merged = emptyRuleset();
  const jumps: JumpRule[] = [];
  for (const s of sets) {
    for (const t of TABLES) {
      for (const [chain, rules] of s.tables[t]) {
        if (merged.tables[t].has(chain)) throw new Error(`chain ${t}/${chain} defined twice`);
        merged.tables[t].set(chain, rules);
      }
    }
    jumps.push(...s.jumps);
  }
  return { tables: merged.tables, jumps };
}

/** The restore line that puts a jump rule first in its built-in chain. */
export const insertJump = (j: JumpRule): string => `-I ${j.chain} 1 ${j.rule}`;
/** The line iptables-save prints for a jump rule (our jump rules are written in its order). */
export const savedJump = (j: JumpRule): string => `-A ${j.chain} ${j.rule}`;
