import type { FilterPlugin, PluginArgs, ScorePlugin } from '../framework/types';
import { FILTER_PLUGINS } from '../plugins/filter';
import { ImageLocality, interPodAffinity, NodeAffinity, nodeResourcesBalancedAllocation, nodeResourcesFit, PodTopologySpread, TaintToleration } from '../plugins/score';
import { defaultScorePlugins } from '../plugins/score/defaults';

// The in-tree plugins by name, as kube-scheduler's registry: what a configuration file may
// enable, disable or configure. Filters take no arguments; some score plugins do.

export const FILTERS_BY_NAME: ReadonlyMap<string, FilterPlugin> = new Map(FILTER_PLUGINS.map((p) => [p.name, p]));

export const SCORE_FACTORIES: ReadonlyMap<string, (args: PluginArgs) => ScorePlugin> = new Map<string, (args: PluginArgs) => ScorePlugin>([
  ['NodeResourcesFit', nodeResourcesFit],
  ['NodeResourcesBalancedAllocation', nodeResourcesBalancedAllocation],
  ['InterPodAffinity', interPodAffinity],
  ['NodeAffinity', () => NodeAffinity],
  ['TaintToleration', () => TaintToleration],
  ['PodTopologySpread', () => PodTopologySpread],
  ['ImageLocality', () => ImageLocality],
]);

/** PostFilter plugins: only DefaultPreemption exists. */
export const POST_FILTERS: readonly string[] = ['DefaultPreemption'];

export const DEFAULT_FILTER_NAMES: readonly string[] = FILTER_PLUGINS.map((p) => p.name);

export const DEFAULT_SCORE_WEIGHTS: readonly { name: string; weight: number }[] = defaultScorePlugins().map(({ plugin, weight }) => ({ name: plugin.name, weight }));

/** Every plugin name a pluginConfig entry may name. */
export const KNOWN_PLUGINS: ReadonlySet<string> = new Set([...FILTERS_BY_NAME.keys(), ...SCORE_FACTORIES.keys(), ...POST_FILTERS]);
