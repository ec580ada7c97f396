import { labelSelectorToRequirements, matches, type KubeObject, type LabelSelector } from '@keelson/apimachinery';
import { parseQuantity } from '@keelson/admission';
import type { FilterPlugin, NodeInfo, PluginContext, PodInfo, Snapshot, Status } from '../../framework/types';
import { success, unresolvable } from '../../framework/types';
import { nodeSelectorMatches, parseNodeSelector, type NodeSelector } from './node-selector';

// VolumeBinding (filter half). PreFilter sorts the pod's claims: missing or deleting ones and
// unbound claims of an Immediate class fail the pod outright (the PV controller binds those,
// not the scheduler); bound claims must have their PV reachable from the node (PV nodeAffinity);
// unbound WaitForFirstConsumer claims need, on that node, either an available PV that fits or
// a class that can provision there (any provisioner but kubernetes.io/no-provisioner,
// restricted by allowedTopologies). Storage capacity tracking (CSIStorageCapacity) is not done.

export const ERR_REASON_UNBOUND_IMMEDIATE = 'pod has unbound immediate PersistentVolumeClaims';
export const ERR_REASON_NODE_CONFLICT = 'node(s) had volume node affinity conflict';
export const ERR_REASON_BIND_CONFLICT = "node(s) didn't find available persistent volumes to bind";
export const ERR_REASON_PV_NOT_EXIST = 'node(s) unavailable due to one or more pvc(s) bound to non-existent pv(s)';

const STATE_KEY = 'PreFilterVolumeBinding';
const NO_PROVISIONER = 'kubernetes.io/no-provisioner';
const ANN_BIND_COMPLETED = 'pv.kubernetes.io/bind-completed';

type Json = Record<string, any>; // eslint-disable-line @typescript-eslint/no-explicit-any

interface PreFilterState {
  readonly pod: PodInfo;
  readonly failure?: Status;
  readonly bound: readonly KubeObject[];
  readonly delayed: readonly KubeObject[];
}

const classOf = (o: KubeObject): string => (o.spec as Json)?.storageClassName ?? o.metadata.annotations?.['volume.beta.kubernetes.io/storage-class'] ?? '';

// A claim counts as bound once the PV controller finished binding it; a claim only pre-bound
// by the user (volumeName set, not yet Bound) still waits for the controller like an Immediate one.
const isBound = (pvc: KubeObject): boolean => !!(pvc.spec as Json)?.volumeName && (pvc.metadata.annotations?.[ANN_BIND_COMPLETED] !== undefined || (pvc.status as Json)?.phase === 'Bound');

function isDelayBinding(snapshot: Snapshot, pvc: KubeObject): boolean {
  const className = classOf(pvc);
  const cls = className ? snapshot.storageClasses.get(className) : undefined;
  return cls?.volumeBindingMode === 'WaitForFirstConsumer';
}

function computeState(snapshot: Snapshot, pod: PodInfo): PreFilterState | undefined {
  const volumes: Json[] = (pod.pod.spec as Json)?.volumes ?? [];
  const claims: { name: string; ephemeral: boolean }[] = [];
  for (const v of volumes) {
    if (v.persistentVolumeClaim?.claimName) claims.push({ name: v.persistentVolumeClaim.claimName, ephemeral: false });
    else if (v.ephemeral) claims.push({ name: `${pod.pod.metadata.name}-${v.name}`, ephemeral: true });
  }
  if (claims.length === 0) return undefined;
  const bound: KubeObject[] = [];
  const delayed: KubeObject[] = [];
  let immediate = false;
  for (const { name, ephemeral } of claims) {
    const pvc = snapshot.pvcs.get(`${pod.namespace}/${name}`);
    if (!pvc) {
      const reason = ephemeral ? `waiting for ephemeral volume controller to create the persistentvolumeclaim "${name}"` : `persistentvolumeclaim "${name}" not found`;
      return { pod, failure: unresolvable(reason), bound, delayed };
    }
    if (ephemeral && !pvc.metadata.ownerReferences?.some((r) => r.controller && r.uid === pod.uid)) {
      return { pod, failure: unresolvable(`PVC ${pod.namespace}/${name} was not created for pod ${pod.key} (pod is not owner)`), bound, delayed };
    }
    if (pvc.metadata.deletionTimestamp) return { pod, failure: unresolvable(`persistentvolumeclaim "${name}" is being deleted`), bound, delayed };
    if (isBound(pvc)) bound.push(pvc);
    else if (isDelayBinding(snapshot, pvc) && !(pvc.spec as Json)?.volumeName) delayed.push(pvc);
    else immediate = true;
  }
  if (immediate) return { pod, failure: unresolvable(ERR_REASON_UNBOUND_IMMEDIATE), bound, delayed };
  return { pod, bound, delayed };
}

function stateOf(ctx: PluginContext, pod: PodInfo): PreFilterState | undefined {
  if (ctx.state.has(STATE_KEY)) {
    const cached = ctx.state.get(STATE_KEY) as PreFilterState | undefined;
    if (cached === undefined || cached.pod === pod) return cached;
  }
  const s = computeState(ctx.snapshot, pod);
  ctx.state.set(STATE_KEY, s);
  return s;
}

function pvReachable(pv: KubeObject, node: NodeInfo): boolean {
  const required: NodeSelector | undefined = (pv.spec as Json)?.nodeAffinity?.required;
  return !required || nodeSelectorMatches(parseNodeSelector(required), node.name, node.labels);
}

const quantity = (q: unknown): number => (typeof q === 'string' || typeof q === 'number' ? parseQuantity(q) : 0);

/** `FindMatchingVolume`, reduced: the smallest available (or pre-bound to this claim) PV that fits the claim on this node. */
function findMatchingPV(pvc: KubeObject, pvs: readonly KubeObject[], node: NodeInfo, chosen: Set<string>): KubeObject | undefined {
  const spec: Json = pvc.spec ?? {};
  const want = quantity(spec.resources?.requests?.storage);
  const modes: string[] = spec.accessModes ?? [];
  let selector = null;
  try {
    selector = spec.selector ? labelSelectorToRequirements(spec.selector as LabelSelector) : [];
  } catch {
    return undefined;
  }
  let best: KubeObject | undefined;
  for (const pv of pvs) {
    const pvSpec: Json = pv.spec ?? {};
    const name = pv.metadata.name ?? '';
    const ref = pvSpec.claimRef;
    const preBound = ref && ref.name === pvc.metadata.name && ref.namespace === pvc.metadata.namespace && (!ref.uid || ref.uid === pvc.metadata.uid);
    if (chosen.has(name) || pv.metadata.deletionTimestamp || (ref && !preBound)) continue;
    if (!preBound && (pv.status as Json)?.phase !== 'Available') continue;
    if (classOf(pv) !== classOf(pvc) || (pvSpec.volumeMode ?? 'Filesystem') !== (spec.volumeMode ?? 'Filesystem')) continue;
    if (!modes.every((m) => (pvSpec.accessModes ?? []).includes(m)) || !matches(selector, pv.metadata.labels)) continue;
    const size = quantity(pvSpec.capacity?.storage);
    if (size < want || !pvReachable(pv, node)) continue;
    if (preBound) return pv;
    if (!best || size < quantity((best.spec as Json).capacity?.storage)) best = pv;
  }
  return best;
}

/** `MatchTopologySelectorTerms`: no terms allow every node; a term needs each key's value among its values. */
function allowedOn(cls: KubeObject, node: NodeInfo): boolean {
  const terms: { matchLabelExpressions?: { key: string; values: string[] }[] }[] = (cls.allowedTopologies as never) ?? [];
  if (terms.length === 0) return true;
  return terms.some((t) => (t.matchLabelExpressions ?? []).every((e) => node.labels[e.key] !== undefined && e.values.includes(node.labels[e.key])));
}

function canProvision(snapshot: Snapshot, pvc: KubeObject, node: NodeInfo): boolean {
  const selected = pvc.metadata.annotations?.['volume.kubernetes.io/selected-node'];
  if (selected !== undefined && selected !== node.name) return false;
  const cls = snapshot.storageClasses.get(classOf(pvc));
  const provisioner = cls?.provisioner as string | undefined;
  return !!cls && !!provisioner && provisioner !== NO_PROVISIONER && allowedOn(cls, node);
}

export const VolumeBinding = {
  name: 'VolumeBinding',
  preFilter(ctx, pod): Status {
    const s = stateOf(ctx, pod);
    return s === undefined ? { code: 'Skip' } : (s.failure ?? success);
  },
  filter(ctx, pod, node): Status {
    const s = stateOf(ctx, pod);
    if (s === undefined) return success;
    if (s.failure) return s.failure;
    let boundSatisfied = true;
    let boundPVsFound = true;
    for (const pvc of s.bound) {
      const pv = ctx.snapshot.pvs.find((p) => p.metadata.name === (pvc.spec as Json).volumeName);
      if (!pv) {
        boundPVsFound = false;
        break;
      }
      if (!pvReachable(pv, node)) {
        boundSatisfied = false;
        break;
      }
    }
    let unboundSatisfied = true;
    const chosen = new Set<string>();
    for (const pvc of s.delayed) {
      const pv = pvc.metadata.annotations?.['volume.kubernetes.io/selected-node'] ? undefined : findMatchingPV(pvc, ctx.snapshot.pvs, node, chosen);
      if (pv) chosen.add(pv.metadata.name ?? '');
      else if (!canProvision(ctx.snapshot, pvc, node)) unboundSatisfied = false;
    }
    const reasons: string[] = [];
    if (!boundSatisfied) reasons.push(ERR_REASON_NODE_CONFLICT);
    if (!unboundSatisfied) reasons.push(ERR_REASON_BIND_CONFLICT);
    if (!boundPVsFound) reasons.push(ERR_REASON_PV_NOT_EXIST);
    return reasons.length ? unresolvable(...reasons) : success;
  },
} satisfies FilterPlugin;

/**
 * PreBind, reduced (Kubernetes' BindPodVolumes): the pod's unbound WaitForFirstConsumer claims
 * get `volume.kubernetes.io/selected-node` = the chosen node, so the PV controller binds a fitting
 * volume there or has one provisioned there. The pod is bound without waiting for that; its
 * kubelet retries the mount until the claim is bound.
 */
export function claimsToSelectNode(snapshot: Snapshot, pod: PodInfo, node: string): KubeObject[] {
  const s = computeState(snapshot, pod);
  return (s?.delayed ?? []).filter((pvc) => pvc.metadata.annotations?.['volume.kubernetes.io/selected-node'] !== node);
}
