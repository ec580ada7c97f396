// The static CPU manager policy (pkg/kubelet/cm/cpumanager/policy_static.go), simplified:
// a container of a Guaranteed pod whose cpu request is a whole number of CPUs gets that
// many CPUs to itself; every other container shares what is left (the shared pool).
// The assignment table is a value: allocate and release return a new one for the agent
// to keep (and persist, as the kubelet's cpu_manager_state file does).
import { milliValue } from '@keelson/admission/quantity';
import { qosClass } from './qos';
import type { Container, Pod } from './types';
import { podUid } from './types';

export interface CpuAssignments {
  /** "podUid/containerName" → exclusive CPUs. */
  readonly exclusive: Readonly<Record<string, readonly number[]>>;
}

export const EMPTY_ASSIGNMENTS: CpuAssignments = { exclusive: {} };

const key = (pod: Pod, c: Container) => `${podUid(pod)}/${c.name}`;

/** Whole CPUs a container may hold exclusively, 0 when it shares the pool. */
export function exclusiveCpuCount(pod: Pod, c: Container): number {
  if (qosClass(pod) !== 'Guaranteed') return 0;
  const cpu = c.resources?.requests?.cpu ?? c.resources?.limits?.cpu;
  if (cpu === undefined) return 0;
  const milli = milliValue(cpu);
  return milli > 0 && milli % 1000 === 0 ? milli / 1000 : 0;
}

/** Node CPUs neither reserved nor held exclusively. */
export function sharedPool(state: CpuAssignments, nodeCpus: readonly number[], reserved: readonly number[] = []): number[] {
  const taken = new Set(Object.values(state.exclusive).flat());
  return nodeCpus.filter((c) => !taken.has(c) && !reserved.includes(c));
}

export type Allocation = { readonly ok: true; readonly state: CpuAssignments } | { readonly ok: false; readonly reason: string };

/**
 * Gives each qualifying container of the pod its CPUs, lowest free first. Idempotent:
 * containers that already hold CPUs keep them. The reserved CPUs stay in the shared pool
 * only, so system daemons are never starved.
 */
export function allocatePod(state: CpuAssignments, pod: Pod, nodeCpus: readonly number[], reserved: readonly number[] = []): Allocation {
  const exclusive: Record<string, readonly number[]> = { ...state.exclusive };
  const containers = [...(pod.spec?.initContainers ?? []), ...(pod.spec?.containers ?? [])];
  for (const c of containers) {
    const count = exclusiveCpuCount(pod, c);
    if (count === 0 || exclusive[key(pod, c)]) continue;
    const free = sharedPool({ exclusive }, nodeCpus, reserved);
    // Keep at least one CPU shared, as the static policy refuses to empty the shared pool.
    if (free.length - count < 1) return { ok: false, reason: `not enough cpus available to satisfy request: requested=${count}, available=${Math.max(free.length - 1, 0)}` };
    exclusive[key(pod, c)] = free.slice(0, count);
  }
  return { ok: true, state: { exclusive } };
}

export function releasePod(state: CpuAssignments, uid: string): CpuAssignments {
  return { exclusive: Object.fromEntries(Object.entries(state.exclusive).filter(([k]) => !k.startsWith(`${uid}/`))) };
}

/** The cpuset a container runs on: its exclusive CPUs, or the shared pool. */
export function cpusetFor(state: CpuAssignments, pod: Pod, c: Container, nodeCpus: readonly number[]): number[] {
  return [...(state.exclusive[key(pod, c)] ?? sharedPool(state, nodeCpus))];
}
