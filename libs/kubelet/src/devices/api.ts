// The device plugin API (api.proto, v1beta1) as TypeScript: the message shapes as
// @grpc/proto-loader hands them over (proto field names kept), and the two services loaded
// for @grpc/grpc-js. Names and constants follow k8s.io/kubelet/pkg/apis/deviceplugin/v1beta1.
import { join } from 'node:path';
import * as grpc from '@grpc/grpc-js';
import { loadSync } from '@grpc/proto-loader';

export const API_VERSION = 'v1beta1';
/** The agent's registration socket, inside the device-plugins directory (kubelet: /var/lib/kubelet/device-plugins). */
export const KUBELET_SOCKET = 'kubelet.sock';
export const HEALTHY = 'Healthy';
export const UNHEALTHY = 'Unhealthy';

export interface DevicePluginOptions {
  pre_start_required?: boolean;
  get_preferred_allocation_available?: boolean;
}

export interface RegisterRequest {
  version: string;
  endpoint: string;
  resource_name: string;
  options?: DevicePluginOptions | null;
}

export interface Device {
  ID: string;
  health: string;
  topology?: { nodes: { ID: string | number }[] } | null;
}

export interface ListAndWatchResponse {
  devices: Device[];
}

export interface AllocateRequest {
  container_requests: { devices_ids: string[] }[];
}

export interface MountSpec {
  container_path: string;
  host_path: string;
  read_only?: boolean;
}

export interface DeviceSpec {
  container_path: string;
  host_path: string;
  permissions?: string;
}

export interface ContainerAllocateResponse {
  envs?: Record<string, string>;
  mounts?: MountSpec[];
  devices?: DeviceSpec[];
  annotations?: Record<string, string>;
  cdi_devices?: { name: string }[];
}

export interface AllocateResponse {
  container_responses: ContainerAllocateResponse[];
}

export interface PreferredAllocationRequest {
  container_requests: { available_deviceIDs: string[]; must_include_deviceIDs: string[]; allocation_size: number }[];
}

export interface PreferredAllocationResponse {
  container_responses: { deviceIDs: string[] }[];
}

interface Services {
  Registration: grpc.ServiceClientConstructor;
  DevicePlugin: grpc.ServiceClientConstructor;
}

let loaded: Services | undefined;

/** The v1beta1 services, loaded once from api.proto next to this file. */
export function devicePluginApi(): Services {
  if (!loaded) {
    const definition = loadSync(join(__dirname, 'api.proto'), { keepCase: true, longs: String, enums: String, defaults: true, oneofs: true });
    loaded = (grpc.loadPackageDefinition(definition) as unknown as { v1beta1: Services }).v1beta1;
  }
  return loaded;
}

/** grpc-js' address for a unix socket path. */
export const unixAddress = (path: string): string => `unix://${path}`;

/** A graceful gRPC shutdown, forced when a client keeps its connection open past a moment. */
export async function shutDown(server: grpc.Server, graceMs = 2_000): Promise<void> {
  let timer: NodeJS.Timeout | undefined;
  await Promise.race([new Promise<void>((resolve) => server.tryShutdown(() => resolve())), new Promise<void>((resolve) => (timer = setTimeout(() => (server.forceShutdown(), resolve()), graceMs)))]);
  clearTimeout(timer);
}
