import type { Code, FilterPlugin, NodeInfo, PodInfo, Snapshot, Status } from '../../framework/types';
import { success } from '../../framework/types';
import { numbersAt } from '../../framework/node-table';

// NodeResourcesFit (filter half): the pod's effective requests must fit in what the node's
// allocatable leaves after the requests of the pods already there. Limits play no part.
// A resource the node does not advertise counts as 0 allocatable, so asking for any of it fails.

export interface InsufficientResource {
  readonly resourceName: string;
  readonly reason: string;
  readonly requested: number;
  readonly used: number;
  readonly capacity: number;
  /** even an empty node could not hold the pod, so preemption cannot help */
  readonly unresolvable: boolean;
}

const FIXED = ['cpu', 'memory', 'ephemeral-storage'] as const;

/**
 * Resources the scheduler tracks beyond cpu/memory/ephemeral-storage ("scalar resources"):
 * extended resources (example.com/gpu), hugepages-*, attachable-volumes-* and prefixed native
 * ones (*kubernetes.io/*). Anything else (an unprefixed unknown name) is not checked.
 */
export function isScalarResourceName(name: string): boolean {
  if (name.startsWith('hugepages-') || name.startsWith('attachable-volumes-')) return true;
  if (!name.includes('/')) return false;
  return name.includes('kubernetes.io/') || !name.startsWith('requests.');
}

/** `fitsRequest`: every shortfall, in Kubernetes' order (pods, cpu, memory, ephemeral-storage, scalars). */
export function fitsRequest(pod: PodInfo, node: NodeInfo): InsufficientResource[] {
  const out: InsufficientResource[] = [];
  const allowedPods = node.allocatable.pods ?? 0;
  if (node.pods.length + 1 > allowedPods) {
    out.push({ resourceName: 'pods', reason: 'Too many pods', requested: 1, used: node.pods.length, capacity: allowedPods, unresolvable: false });
  }
  const check = (name: string) => {
    const want = pod.requests[name] ?? 0;
    const capacity = node.allocatable[name] ?? 0;
    const used = node.requested[name] ?? 0;
    if (want > 0 && want > capacity - used) out.push({ resourceName: name, reason: `Insufficient ${name}`, requested: want, used, capacity, unresolvable: want > capacity });
  };
  for (const name of FIXED) check(name);
  for (const name of Object.keys(pod.requests)) if (isScalarResourceName(name)) check(name);
  return out;
}

const scalarNames = new WeakMap<PodInfo, readonly string[]>();
// The filter runs for one pod over hundreds of nodes in a row: the last pod's answer is an
// identity check away, a WeakMap lookup per node is not.
let lastPod: PodInfo | undefined;
let lastNames: readonly string[] = [];

/** The pod's scalar resources, found once per pod rather than once per node. */
function scalarResourcesOf(pod: PodInfo): readonly string[] {
  if (pod === lastPod) return lastNames;
  let names = scalarNames.get(pod);
  if (!names) scalarNames.set(pod, (names = Object.keys(pod.requests).filter(isScalarResourceName)));
  lastPod = pod;
  lastNames = names;
  return names;
}

const fits = (pod: PodInfo, node: NodeInfo, name: string): boolean => {
  const want = pod.requests[name] ?? 0;
  return !(want > 0 && want > (node.allocatable[name] ?? 0) - (node.requested[name] ?? 0));
};

const fitsNumber = (want: number, allocatable: number, requested: number): boolean => !(want > 0 && want > allocatable - requested);

/** fitsRequest(…).length === 0 without allocating: the common answer, on thousands of nodes per pod. */
function fitsAll(snapshot: Snapshot, pod: PodInfo, node: NodeInfo, at: number | undefined): boolean {
  const n = numbersAt(snapshot, node, at);
  if (n.podCount + 1 > n.allocatablePods) return false;
  const want = pod.requests;
  if (!fitsNumber(want.cpu ?? 0, n.allocatableCpu, n.requestedCpu) || !fitsNumber(want.memory ?? 0, n.allocatableMemory, n.requestedMemory)) return false;
  if (!fitsNumber(want['ephemeral-storage'] ?? 0, n.allocatableEphemeralStorage, n.requestedEphemeralStorage)) return false;
  const scalars = scalarResourcesOf(pod);
  for (let i = 0; i < scalars.length; i++) if (!fits(pod, node, scalars[i])) return false;
  return true;
}

export const NodeResourcesFit = {
  name: 'NodeResourcesFit',
  filter(ctx, pod, node, at?: number): Status {
    if (fitsAll(ctx.snapshot, pod, node, at)) return success;
    const insufficient = fitsRequest(pod, node);
    if (insufficient.length === 0) return success;
    const code: Code = insufficient.some((i) => i.unresolvable) ? 'UnschedulableAndUnresolvable' : 'Unschedulable';
    return { code, reasons: insufficient.map((i) => i.reason) };
  },
} satisfies FilterPlugin;
