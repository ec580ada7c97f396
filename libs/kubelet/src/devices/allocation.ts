// The device manager's bookkeeping, pure (after pkg/kubelet/cm/devicemanager's
// ManagerImpl and podDevices): which devices each plugin reports, which are held by which
// pod's container, and what the Node advertises. The manager (manager.ts) owns the gRPC
// and the checkpoint file and keeps its state in one of these, replaced on every change.
//
// Example: a plugin reports gpu-0, gpu-1 (Healthy) and gpu-2 (Unhealthy) for example.com/gpu
// → capacity 3, allocatable 2. Pod a's container takes 1 → gpu-0; pod b asks for 2 → only
// gpu-1 is left: "Requested: 2, Available: 1". When a finishes, gpu-0 is free again.
import type { Container } from '../types';
import { HEALTHY, type ContainerAllocateResponse, type Device } from './api';

export interface PodDevicesEntry {
  readonly podUID: string;
  readonly containerName: string;
  readonly resourceName: string;
  readonly deviceIDs: readonly string[];
  /** The plugin's answer to Allocate, reused when the container is created again. */
  readonly allocResp?: ContainerAllocateResponse;
}

export interface DeviceState {
  /** resource → every device the plugin reported (healthy or not): the capacity. */
  readonly registered: Readonly<Record<string, readonly string[]>>;
  /** resource → the healthy ones: allocatable. Empty while the plugin is gone. */
  readonly healthy: Readonly<Record<string, readonly string[]>>;
  readonly entries: readonly PodDevicesEntry[];
}

export const EMPTY_DEVICE_STATE: DeviceState = { registered: {}, healthy: {}, entries: [] };

/** A plugin's ListAndWatch list replaces what it had reported before. */
export function withDevices(state: DeviceState, resource: string, devices: readonly Device[]): DeviceState {
  const ids = devices.map((d) => d.ID);
  return {
    ...state,
    registered: { ...state.registered, [resource]: ids },
    healthy: { ...state.healthy, [resource]: devices.filter((d) => d.health === HEALTHY).map((d) => d.ID) },
  };
}

/**
 * The plugin went away (its stream ended, or the agent restarted and it has not registered
 * again): nothing of it is allocatable, though the devices still count in capacity and the
 * containers holding them keep them, as the kubelet does until the plugin returns.
 */
export function pluginGone(state: DeviceState, resource: string): DeviceState {
  return { ...state, healthy: { ...state.healthy, [resource]: [] } };
}

export const isDevicePluginResource = (state: DeviceState, resource: string): boolean => resource in state.registered;

/** Capacity and allocatable for the Node's status: counts per resource, as strings. */
export function nodeDeviceResources(state: DeviceState): { capacity: Record<string, string>; allocatable: Record<string, string> } {
  const count = (m: Readonly<Record<string, readonly string[]>>) => Object.fromEntries(Object.keys(state.registered).map((r) => [r, String((m[r] ?? []).length)]));
  return { capacity: count(state.registered), allocatable: count(state.healthy) };
}

/**
 * How many devices of each plugin resource a container asks for. Extended resources may not
 * be overcommitted, so requests equal limits; the kubelet reads the limits.
 */
export function deviceRequests(state: DeviceState, container: Container): Record<string, number> {
  const resources = container.resources as { limits?: Record<string, string | number>; requests?: Record<string, string | number> } | undefined;
  const wanted = { ...resources?.requests, ...resources?.limits };
  return Object.fromEntries(
    Object.entries(wanted)
      .filter(([name]) => isDevicePluginResource(state, name))
      .map(([name, q]) => [name, Number(q)] as const)
      .filter(([, n]) => Number.isInteger(n) && n > 0),
  );
}

export const devicesOf = (state: DeviceState, podUID: string, containerName: string, resourceName: string): PodDevicesEntry | undefined =>
  state.entries.find((e) => e.podUID === podUID && e.containerName === containerName && e.resourceName === resourceName);

export type DeviceChoice = { readonly ok: true; readonly deviceIDs: readonly string[]; readonly reused: boolean } | { readonly ok: false; readonly message: string };

/**
 * The kubelet's devicesToAllocate: a container that already holds devices keeps them (after
 * an agent restart, or when it is created again); otherwise take `needed` healthy devices no
 * other container holds. Devices of the pod's init containers may be handed on to its app
 * containers, since init containers have finished by then (`reusable`).
 */
export function devicesToAllocate(state: DeviceState, podUID: string, containerName: string, resourceName: string, needed: number, reusable: readonly string[] = []): DeviceChoice {
  const held = devicesOf(state, podUID, containerName, resourceName);
  if (held) {
    if (held.deviceIDs.length === needed) return { ok: true, deviceIDs: held.deviceIDs, reused: true };
    return { ok: false, message: `pod ${podUID}, container ${containerName} was allocated ${held.deviceIDs.length} devices of ${resourceName} but asks for ${needed}` };
  }
  const healthy = state.healthy[resourceName];
  if (!healthy?.length) return { ok: false, message: `no healthy devices present; cannot allocate unhealthy devices ${resourceName}` };
  const reuse = new Set(reusable);
  const inUse = new Set(state.entries.filter((e) => e.resourceName === resourceName).flatMap((e) => e.deviceIDs).filter((id) => !reuse.has(id)));
  const available = healthy.filter((id) => !inUse.has(id));
  if (available.length < needed) return { ok: false, message: `requested number of devices unavailable for ${resourceName}. Requested: ${needed}, Available: ${available.length}` };
  // Reused devices first, then the rest in the plugin's order: stable, and easy to follow in a log.
  const ordered = [...available.filter((id) => reuse.has(id)), ...available.filter((id) => !reuse.has(id))];
  return { ok: true, deviceIDs: ordered.slice(0, needed), reused: false };
}

/** Devices held by the pod's init containers, per resource (for devicesToAllocate's `reusable`). */
export function initContainerDevices(state: DeviceState, podUID: string, initContainerNames: readonly string[], resourceName: string): string[] {
  return state.entries.filter((e) => e.podUID === podUID && e.resourceName === resourceName && initContainerNames.includes(e.containerName)).flatMap((e) => e.deviceIDs);
}

export function recordAllocation(state: DeviceState, entry: PodDevicesEntry): DeviceState {
  const others = state.entries.filter((e) => !(e.podUID === entry.podUID && e.containerName === entry.containerName && e.resourceName === entry.resourceName));
  return { ...state, entries: [...others, entry] };
}

/** Frees everything a pod held (it finished, was evicted or deleted). */
export function releasePodDevices(state: DeviceState, podUID: string): DeviceState {
  return state.entries.some((e) => e.podUID === podUID) ? { ...state, entries: state.entries.filter((e) => e.podUID !== podUID) } : state;
}

/** Keeps only the allocations of pods still active on the node (the kubelet's UpdateAllocatedDevices). */
export function retainPodDevices(state: DeviceState, activePodUIDs: ReadonlySet<string>): DeviceState {
  return state.entries.every((e) => activePodUIDs.has(e.podUID)) ? state : { ...state, entries: state.entries.filter((e) => activePodUIDs.has(e.podUID)) };
}

/** What a container gets from its devices: every resource's Allocate answer merged. */
export interface ContainerDeviceOptions {
  readonly envs: Readonly<Record<string, string>>;
  readonly mounts: readonly { readonly hostPath: string; readonly containerPath: string; readonly readOnly: boolean }[];
  readonly devices: readonly { readonly hostPath: string; readonly containerPath: string; readonly permissions: string }[];
  readonly annotations: Readonly<Record<string, string>>;
}

/**
 * Several plugins' answers as one container's options. A later answer wins an env var or
 * annotation both set (the kubelet logs such a clash and keeps one); mounts and device nodes
 * are de-duplicated by container path.
 */
export function mergeAllocateResponses(responses: readonly ContainerAllocateResponse[]): ContainerDeviceOptions {
  const envs: Record<string, string> = {};
  const annotations: Record<string, string> = {};
  const mounts = new Map<string, ContainerDeviceOptions['mounts'][number]>();
  const devices = new Map<string, ContainerDeviceOptions['devices'][number]>();
  for (const r of responses) {
    Object.assign(envs, r.envs ?? {});
    Object.assign(annotations, r.annotations ?? {});
    for (const m of r.mounts ?? []) mounts.set(m.container_path, { hostPath: m.host_path, containerPath: m.container_path, readOnly: !!m.read_only });
    for (const d of r.devices ?? []) devices.set(d.container_path, { hostPath: d.host_path, containerPath: d.container_path, permissions: d.permissions || 'rwm' });
  }
  return { envs, mounts: [...mounts.values()], devices: [...devices.values()], annotations };
}
