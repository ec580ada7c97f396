// Which cluster changes can make a pod that a plugin rejected schedulable again — Kubernetes'
// EventsToRegister / QueueingHint, simplified to a fixed map plugin → events. A pod rejected by
// NodeResourcesFit waits until a node appears or grows or a pod goes away; a PVC changing does
// nothing for it, so it stays put instead of spinning through the active queue.

export type ClusterEvent =
  | 'NodeAdd'
  | 'NodeUpdate'
  | 'NodeDelete'
  | 'PodAdd'
  | 'PodUpdate'
  | 'PodDelete'
  | 'PvcAdd'
  | 'PvcUpdate'
  | 'PvcBound'
  | 'PvAdd'
  | 'PvUpdate'
  | 'StorageClassAdd'
  | 'NamespaceUpdate';

const NODE: readonly ClusterEvent[] = ['NodeAdd', 'NodeUpdate'];
const VOLUMES: readonly ClusterEvent[] = ['PvcAdd', 'PvcUpdate', 'PvcBound', 'PvAdd', 'PvUpdate', 'StorageClassAdd'];

/** The in-tree Filter plugins' events, after each plugin's EventsToRegister. */
export const DEFAULT_PLUGIN_EVENTS: Readonly<Record<string, readonly ClusterEvent[]>> = {
  NodeName: ['NodeAdd'],
  NodeUnschedulable: NODE,
  NodeAffinity: NODE,
  TaintToleration: NODE,
  NodePorts: ['NodeAdd', 'PodDelete'],
  // PodUpdate: a pod's requests may shrink (in-place resize)
  NodeResourcesFit: [...NODE, 'PodDelete', 'PodUpdate'],
  InterPodAffinity: [...NODE, 'PodAdd', 'PodUpdate', 'PodDelete', 'NamespaceUpdate'],
  PodTopologySpread: [...NODE, 'NodeDelete', 'PodAdd', 'PodUpdate', 'PodDelete'],
  VolumeBinding: [...NODE, ...VOLUMES],
  VolumeZone: [...NODE, ...VOLUMES],
  VolumeRestrictions: ['NodeAdd', 'PodDelete', 'PvcAdd', 'PvcUpdate'],
  NodeVolumeLimits: ['NodeAdd', 'PodDelete', 'PvcAdd', 'PvAdd'],
  // gated pods leave only when their own update removes the last gate
  SchedulingGates: [],
};

/**
 * True when `event` may help a pod rejected by `plugins`. A plugin missing from the map is
 * assumed to care about everything (Kubernetes does the same for plugins that register no
 * events), and a pod rejected by no plugin at all (an error) is always worth retrying.
 */
export function eventMayHelp(event: ClusterEvent, plugins: ReadonlySet<string>, map: Readonly<Record<string, readonly ClusterEvent[]>>): boolean {
  if (plugins.size === 0) return true;
  for (const plugin of plugins) {
    const events = map[plugin];
    if (events === undefined || events.includes(event)) return true;
  }
  return false;
}
