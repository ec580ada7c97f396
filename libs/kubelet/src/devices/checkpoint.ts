// The device manager's checkpoint, after the kubelet's `kubelet_internal_checkpoint` in the
// device-plugins directory: which devices each plugin had registered and which container
// holds which devices, so an agent restart neither hands a held device out twice nor takes
// it from a running container. The layout is the kubelet's (Data.PodDeviceEntries with
// DeviceIDs keyed by NUMA node, "-1" for none; Data.RegisteredDevices; a Checksum over Data)
// except that AllocResp is the Allocate answer as JSON rather than protobuf bytes, and the
// checksum is FNV-1a (32 bit) over Data's JSON. Encoding and decoding are pure.
import type { ContainerAllocateResponse } from './api';
import { EMPTY_DEVICE_STATE, type DeviceState, type PodDevicesEntry } from './allocation';

export const CHECKPOINT_FILE = 'kubelet_internal_checkpoint';
/** The NUMA key the kubelet uses when a device has no topology. */
const NO_NUMA = '-1';

interface CheckpointData {
  PodDeviceEntries: { PodUID: string; ContainerName: string; ResourceName: string; DeviceIDs: Record<string, string[]>; AllocResp?: ContainerAllocateResponse }[];
  RegisteredDevices: Record<string, string[]>;
}

export interface Checkpoint {
  Data: CheckpointData;
  Checksum: number;
}

/** FNV-1a, 32 bit: "" → 2166136261, "a" → 3826002220. */
export function fnv1a32(text: string): number {
  let h = 0x811c9dc5;
  for (const byte of Buffer.from(text, 'utf8')) {
    h ^= byte;
    h = Math.imul(h, 0x01000193) >>> 0;
  }
  return h >>> 0;
}

export function encodeCheckpoint(state: DeviceState): string {
  const data: CheckpointData = {
    PodDeviceEntries: state.entries.map((e) => ({ PodUID: e.podUID, ContainerName: e.containerName, ResourceName: e.resourceName, DeviceIDs: { [NO_NUMA]: [...e.deviceIDs] }, ...(e.allocResp ? { AllocResp: e.allocResp } : {}) })),
    RegisteredDevices: Object.fromEntries(Object.entries(state.registered).map(([r, ids]) => [r, [...ids]])),
  };
  return JSON.stringify({ Data: data, Checksum: fnv1a32(JSON.stringify(data)) } satisfies Checkpoint);
}

/**
 * The state a checkpoint restores: allocations and registered devices, none of them healthy
 * until their plugin registers again. Throws on a corrupt file (bad JSON or checksum), which
 * the kubelet also refuses rather than guess.
 */
export function decodeCheckpoint(text: string): DeviceState {
  const cp = JSON.parse(text) as Checkpoint;
  if (!cp?.Data || fnv1a32(JSON.stringify(cp.Data)) !== cp.Checksum) throw new Error(`device manager checkpoint is corrupt: checksum mismatch`);
  const entries: PodDevicesEntry[] = (cp.Data.PodDeviceEntries ?? []).map((e) => ({
    podUID: e.PodUID,
    containerName: e.ContainerName,
    resourceName: e.ResourceName,
    deviceIDs: Object.values(e.DeviceIDs ?? {}).flat(),
    ...(e.AllocResp ? { allocResp: e.AllocResp } : {}),
  }));
  const registered = cp.Data.RegisteredDevices ?? {};
  return { ...EMPTY_DEVICE_STATE, registered, healthy: Object.fromEntries(Object.keys(registered).map((r) => [r, []])), entries };
}
