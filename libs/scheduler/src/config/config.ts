import { parse } from 'yaml';
import type { PluginArgs } from '../framework/types';
import type { Profile } from '../cycle/types';
import { DEFAULT_FILTER_NAMES, DEFAULT_SCORE_WEIGHTS, FILTERS_BY_NAME, KNOWN_PLUGINS, POST_FILTERS, SCORE_FACTORIES } from './registry';

// The scheduler's configuration file, shaped like kube-scheduler's
// `kubescheduler.config.k8s.io/v1` KubeSchedulerConfiguration: profiles by schedulerName, each
// the default plugin set changed by `plugins.<point>.disabled` (a name, or "*" for all) then
// `plugins.<point>.enabled` (a default plugin named again keeps its place and takes the new
// weight; others are appended), and `pluginConfig[].args` per plugin. Unknown names, bad
// weights and bad percentages are errors naming the field, as kube-scheduler reports them.

export const DEFAULT_SCHEDULER_NAME = 'default-scheduler';
export const API_VERSION = 'kubescheduler.config.k8s.io/v1';
const MAX_WEIGHT = 100;

export interface SchedulerProfile extends Profile {
  /** DefaultPreemption enabled as PostFilter */
  readonly preemption: boolean;
}

export interface SchedulerConfiguration {
  readonly profiles: readonly SchedulerProfile[];
}

export class ConfigurationError extends Error {
  constructor(readonly errors: readonly string[]) {
    super(`invalid scheduler configuration:\n  ${errors.join('\n  ')}`);
  }
}

type Json = Record<string, unknown>;
interface PluginRef { name?: unknown; weight?: unknown }
interface PluginSet { enabled?: PluginRef[]; disabled?: PluginRef[] }

const isObj = (v: unknown): v is Json => typeof v === 'object' && v !== null && !Array.isArray(v);
const show = (v: unknown) => JSON.stringify(v);

/** Kubernetes' mergePluginSet over one extension point; names and weights checked against `known`. */
function mergeSet(defaults: readonly { name: string; weight: number }[], set: unknown, path: string, known: ReadonlySet<string>, weighted: boolean, errs: string[]) {
  if (set === undefined) return defaults.map((p) => ({ ...p }));
  if (!isObj(set)) return (errs.push(`${path}: Invalid value: ${show(set)}: must be an object with enabled/disabled`), []);
  const { enabled = [], disabled = [] } = set as PluginSet;
  const off = new Set<string>();
  (Array.isArray(disabled) ? disabled : []).forEach((p, i) => {
    const name = String(p?.name ?? '');
    if (name !== '*' && !known.has(name)) errs.push(`${path}.disabled[${i}].name: Invalid value: ${show(p?.name)}: plugin not registered for this extension point`);
    off.add(name);
  });
  const out = off.has('*') ? [] : defaults.filter((p) => !off.has(p.name)).map((p) => ({ ...p }));
  (Array.isArray(enabled) ? enabled : []).forEach((p, i) => {
    const name = String(p?.name ?? '');
    if (!known.has(name)) return void errs.push(`${path}.enabled[${i}].name: Invalid value: ${show(p?.name)}: plugin not registered for this extension point`);
    let weight = 1;
    if (weighted && p.weight !== undefined) {
      if (!Number.isInteger(p.weight) || (p.weight as number) < 1 || (p.weight as number) > MAX_WEIGHT) {
        errs.push(`${path}.enabled[${i}].weight: Invalid value: ${show(p.weight)}: must be an integer between 1 and ${MAX_WEIGHT}`);
      } else weight = p.weight as number;
    }
    const existing = out.find((e) => e.name === name);
    if (existing) existing.weight = weighted && p.weight !== undefined ? weight : existing.weight;
    else out.push({ name, weight });
  });
  return out;
}

function percentage(v: unknown, path: string, errs: string[]): number | undefined {
  if (v === undefined || v === null) return undefined;
  if (!Number.isInteger(v) || (v as number) < 0 || (v as number) > 100) {
    errs.push(`${path}: Invalid value: ${show(v)}: not in valid range [0-100]`);
    return undefined;
  }
  return v as number;
}

function pluginArgs(pluginConfig: unknown, path: string, errs: string[]): Map<string, PluginArgs> {
  const args = new Map<string, PluginArgs>();
  if (pluginConfig === undefined) return args;
  if (!Array.isArray(pluginConfig)) return (errs.push(`${path}: Invalid value: must be a list`), args);
  pluginConfig.forEach((pc: unknown, i) => {
    const name = isObj(pc) ? String(pc.name ?? '') : '';
    if (!KNOWN_PLUGINS.has(name)) return void errs.push(`${path}[${i}].name: Invalid value: ${show(name)}: plugin not registered`);
    if (args.has(name)) return void errs.push(`${path}[${i}].name: Duplicate value: ${show(name)}`);
    const a = (pc as Json).args ?? {};
    if (!isObj(a)) return void errs.push(`${path}[${i}].args: Invalid value: must be an object`);
    args.set(name, a);
  });
  const strategy = (args.get('NodeResourcesFit')?.scoringStrategy as Json | undefined)?.type;
  if (strategy !== undefined && !['LeastAllocated', 'MostAllocated', 'RequestedToCapacityRatio'].includes(String(strategy))) {
    const i = (pluginConfig as Json[]).findIndex((pc) => pc.name === 'NodeResourcesFit');
    errs.push(`${path}[${i}].args.scoringStrategy.type: Unsupported value: ${show(strategy)}: supported values: "LeastAllocated", "MostAllocated", "RequestedToCapacityRatio"`);
  }
  return args;
}

function profileOf(raw: unknown, i: number, globalPercentage: number | undefined, errs: string[]): SchedulerProfile | undefined {
  const path = `profiles[${i}]`;
  if (!isObj(raw)) return void errs.push(`${path}: Invalid value: must be an object`);
  const name = raw.schedulerName;
  if (typeof name !== 'string' || name === '') errs.push(`${path}.schedulerName: Required value`);
  const plugins = raw.plugins === undefined ? {} : raw.plugins;
  if (!isObj(plugins)) return void errs.push(`${path}.plugins: Invalid value: must be an object`);
  for (const point of Object.keys(plugins)) {
    if (!['filter', 'score', 'postFilter', 'preFilter', 'preScore'].includes(point)) errs.push(`${path}.plugins.${point}: Unsupported value: extension point not supported (use filter, score, postFilter)`);
  }
  const filters = mergeSet(DEFAULT_FILTER_NAMES.map((name) => ({ name, weight: 1 })), plugins.filter, `${path}.plugins.filter`, new Set(FILTERS_BY_NAME.keys()), false, errs);
  const scores = mergeSet(DEFAULT_SCORE_WEIGHTS, plugins.score, `${path}.plugins.score`, new Set(SCORE_FACTORIES.keys()), true, errs);
  const postFilters = mergeSet(POST_FILTERS.map((name) => ({ name, weight: 1 })), plugins.postFilter, `${path}.plugins.postFilter`, new Set(POST_FILTERS), false, errs);
  const args = pluginArgs(raw.pluginConfig, `${path}.pluginConfig`, errs);
  const pct = percentage(raw.percentageOfNodesToScore, `${path}.percentageOfNodesToScore`, errs) ?? globalPercentage;
  if (errs.length) return undefined;
  return {
    name: name as string,
    filters: filters.map((f) => FILTERS_BY_NAME.get(f.name)!),
    scores: scores.map((s) => ({ plugin: SCORE_FACTORIES.get(s.name)!(args.get(s.name) ?? {}), weight: s.weight })),
    ...(pct !== undefined ? { percentageOfNodesToScore: pct } : {}),
    preemption: postFilters.some((p) => p.name === 'DefaultPreemption'),
  };
}

/** A parsed KubeSchedulerConfiguration document as profiles; throws ConfigurationError listing every problem. */
export function schedulerConfiguration(doc: unknown = {}): SchedulerConfiguration {
  const errs: string[] = [];
  if (doc === null || doc === undefined) doc = {};
  if (!isObj(doc)) throw new ConfigurationError(['Invalid value: the configuration must be a KubeSchedulerConfiguration object']);
  if (doc.apiVersion !== undefined && doc.apiVersion !== API_VERSION) errs.push(`apiVersion: Unsupported value: ${show(doc.apiVersion)}: supported values: "${API_VERSION}"`);
  if (doc.kind !== undefined && doc.kind !== 'KubeSchedulerConfiguration') errs.push(`kind: Unsupported value: ${show(doc.kind)}: supported values: "KubeSchedulerConfiguration"`);
  const globalPct = percentage(doc.percentageOfNodesToScore, 'percentageOfNodesToScore', errs);
  const raws = doc.profiles === undefined ? [{ schedulerName: DEFAULT_SCHEDULER_NAME }] : doc.profiles;
  if (!Array.isArray(raws) || raws.length === 0) errs.push('profiles: Required value: at least one profile');
  const profiles: SchedulerProfile[] = [];
  (Array.isArray(raws) ? raws : []).forEach((raw, i) => {
    const p = profileOf(raw, i, globalPct, errs);
    if (!p) return;
    if (profiles.some((q) => q.name === p.name)) errs.push(`profiles[${i}].schedulerName: Duplicate value: ${show(p.name)}`);
    profiles.push(p);
  });
  if (errs.length) throw new ConfigurationError(errs);
  return { profiles };
}

/** The configuration file's text (YAML or JSON) as profiles; no text gives Kubernetes' default profile. */
export function loadSchedulerConfiguration(text?: string): SchedulerConfiguration {
  if (text === undefined || text.trim() === '') return schedulerConfiguration({});
  let doc: unknown;
  try {
    doc = parse(text);
  } catch (e) {
    throw new ConfigurationError([`not valid YAML: ${(e as Error).message}`]);
  }
  return schedulerConfiguration(doc);
}
