// The device manager's IO, after pkg/kubelet/cm/devicemanager: serve the Registration
// service on <dir>/kubelet.sock; for each plugin that registers, dial its socket, follow its
// ListAndWatch stream and keep the device lists current; on a container start, pick devices
// (allocation.ts), ask the plugin to Allocate them and hand back what the container needs;
// keep allocations in the checkpoint so a restarted agent knows who holds what.
import { existsSync, mkdirSync, readFileSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import * as grpc from '@grpc/grpc-js';
import type { Container, Pod } from '../types';
import {
  deviceRequests, devicesOf, devicesToAllocate, EMPTY_DEVICE_STATE, initContainerDevices, mergeAllocateResponses, nodeDeviceResources, pluginGone, recordAllocation, releasePodDevices, retainPodDevices, withDevices,
  type ContainerDeviceOptions, type DeviceState,
} from './allocation';
import { API_VERSION, devicePluginApi, shutDown, KUBELET_SOCKET, unixAddress, type AllocateRequest, type AllocateResponse, type ContainerAllocateResponse, type ListAndWatchResponse, type RegisterRequest } from './api';
import { CHECKPOINT_FILE, decodeCheckpoint, encodeCheckpoint } from './checkpoint';

const ALLOCATE_TIMEOUT_MS = 10_000;

interface Endpoint {
  readonly client: grpc.Client & Record<string, (...args: any[]) => any>;
  readonly stream: grpc.ClientReadableStream<ListAndWatchResponse>;
}

/** What the pod sync needs from the device manager. */
export interface ContainerDevices {
  /** Devices for the container's extended-resource requests, allocated once per container; undefined when it asks for none. */
  allocate(pod: Pod, container: Container): Promise<ContainerDeviceOptions | undefined>;
  /** The pod is finished or gone: its devices go back to the pool. */
  release(podUID: string): void;
}

export class DeviceManager implements ContainerDevices {
  private state: DeviceState = EMPTY_DEVICE_STATE;
  private readonly endpoints = new Map<string, Endpoint>();
  private server?: grpc.Server;
  private readonly listeners: (() => void)[] = [];
  /** Allocations one at a time: two containers must not be handed the same free device. */
  private queue: Promise<unknown> = Promise.resolve();

  constructor(
    /** The device-plugins directory: kubelet.sock, the plugins' sockets, the checkpoint. */
    readonly dir: string,
    private readonly log: (line: string) => void = () => undefined,
  ) {}

  get socket(): string {
    return join(this.dir, KUBELET_SOCKET);
  }

  async start(): Promise<void> {
    mkdirSync(this.dir, { recursive: true });
    this.state = this.readCheckpoint();
    // A socket left by the previous agent would refuse the bind; plugins watching for a new
    // kubelet.sock register again once this one appears.
    rmSync(this.socket, { force: true });
    const server = new grpc.Server();
    server.addService(devicePluginApi().Registration.service, {
      Register: (call: grpc.ServerUnaryCall<RegisterRequest, object>, done: grpc.sendUnaryData<object>) => {
        const error = this.register(call.request);
        done(error ? { code: grpc.status.INVALID_ARGUMENT, details: error } : null, error ? undefined : {});
      },
    });
    await new Promise<void>((resolve, reject) => server.bindAsync(unixAddress(this.socket), grpc.ServerCredentials.createInsecure(), (e) => (e ? reject(e) : resolve())));
    this.server = server;
  }

  async close(): Promise<void> {
    for (const e of this.endpoints.values()) this.closeEndpoint(e);
    this.endpoints.clear();
    const server = this.server;
    this.server = undefined;
    if (server) await shutDown(server);
  }

  /** Called after any change to what the Node should advertise. */
  onChange(listener: () => void): void {
    this.listeners.push(listener);
  }

  /** Capacity and allocatable of every plugin resource, for the Node status. */
  resources(): { capacity: Record<string, string>; allocatable: Record<string, string> } {
    return nodeDeviceResources(this.state);
  }

  allocate(pod: Pod, container: Container): Promise<ContainerDeviceOptions | undefined> {
    const run = this.queue.then(() => this.allocateNow(pod, container));
    this.queue = run.catch(() => undefined);
    return run;
  }

  release(podUID: string): void {
    this.update(releasePodDevices(this.state, podUID));
  }

  /** Frees the devices of pods no longer on the node (deleted while the agent was down). */
  retain(activePodUIDs: Iterable<string>): void {
    this.update(retainPodDevices(this.state, new Set(activePodUIDs)));
  }

  /** Validates a registration and starts following the plugin; returns an error message to refuse it. */
  private register(r: RegisterRequest): string | undefined {
    if (r.version !== API_VERSION) return `requested device plugin version ${r.version} is not supported; supported: ${API_VERSION}`;
    if (!isExtendedResourceName(r.resource_name)) return `invalid resource name ${JSON.stringify(r.resource_name)}: a device plugin serves an extended resource such as example.com/gpu`;
    if (!r.endpoint || r.endpoint.includes('/')) return `invalid endpoint ${JSON.stringify(r.endpoint)}: the name of a socket in ${this.dir}`;
    this.log(`device plugin for ${r.resource_name} registered at ${r.endpoint}`);
    const old = this.endpoints.get(r.resource_name);
    if (old) this.closeEndpoint(old);
    const client = new (devicePluginApi().DevicePlugin)(unixAddress(join(this.dir, r.endpoint)), grpc.credentials.createInsecure()) as Endpoint['client'];
    const stream = client.ListAndWatch({}) as grpc.ClientReadableStream<ListAndWatchResponse>;
    const endpoint: Endpoint = { client, stream };
    this.endpoints.set(r.resource_name, endpoint);
    stream.on('data', (m: ListAndWatchResponse) => {
      if (this.endpoints.get(r.resource_name) === endpoint) this.update(withDevices(this.state, r.resource_name, m.devices ?? []));
    });
    const gone = (why: string) => {
      if (this.endpoints.get(r.resource_name) !== endpoint) return;
      this.log(`device plugin for ${r.resource_name} is gone (${why}); its devices are unallocatable until it registers again`);
      this.endpoints.delete(r.resource_name);
      client.close();
      this.update(pluginGone(this.state, r.resource_name));
    };
    stream.on('error', (e: Error) => gone(e.message));
    stream.on('end', () => gone('stream ended'));
    return undefined;
  }

  private async allocateNow(pod: Pod, container: Container): Promise<ContainerDeviceOptions | undefined> {
    const podUID = pod.metadata?.uid ?? '';
    const wanted = deviceRequests(this.state, container);
    if (Object.keys(wanted).length === 0) return undefined;
    const initNames = (pod.spec?.initContainers ?? []).map((c) => c.name);
    const responses: ContainerAllocateResponse[] = [];
    for (const [resource, needed] of Object.entries(wanted)) {
      const reusable = initNames.includes(container.name) ? [] : initContainerDevices(this.state, podUID, initNames, resource);
      const choice = devicesToAllocate(this.state, podUID, container.name, resource, needed, reusable);
      if (!choice.ok) throw new Error(choice.message);
      const held = choice.reused ? devicesOf(this.state, podUID, container.name, resource)?.allocResp : undefined;
      const response = held ?? (await this.callAllocate(resource, choice.deviceIDs));
      this.update(recordAllocation(this.state, { podUID, containerName: container.name, resourceName: resource, deviceIDs: choice.deviceIDs, allocResp: response }));
      responses.push(response);
    }
    return mergeAllocateResponses(responses);
  }

  private callAllocate(resource: string, deviceIDs: readonly string[]): Promise<ContainerAllocateResponse> {
    const endpoint = this.endpoints.get(resource);
    if (!endpoint) return Promise.reject(new Error(`the device plugin for ${resource} is not registered`));
    const request: AllocateRequest = { container_requests: [{ devices_ids: [...deviceIDs] }] };
    return new Promise((resolve, reject) =>
      endpoint.client.Allocate(request, { deadline: Date.now() + ALLOCATE_TIMEOUT_MS }, (e: grpc.ServiceError | null, r: AllocateResponse) => {
        if (e) return reject(new Error(`Allocate of ${deviceIDs.join(',')} by the ${resource} plugin failed: ${e.details || e.message}`));
        const [first] = r.container_responses ?? [];
        return first ? resolve(first) : reject(new Error(`the ${resource} plugin answered Allocate with no container response`));
      }),
    );
  }

  private closeEndpoint(e: Endpoint): void {
    e.stream.cancel();
    e.client.close();
  }

  private update(next: DeviceState): void {
    if (next === this.state) return;
    const before = this.state;
    this.state = next;
    if (before.entries !== next.entries || before.registered !== next.registered) this.writeCheckpoint();
    if (JSON.stringify(nodeDeviceResources(before)) !== JSON.stringify(nodeDeviceResources(next))) for (const l of this.listeners) l();
  }

  private readCheckpoint(): DeviceState {
    const file = join(this.dir, CHECKPOINT_FILE);
    if (!existsSync(file)) return EMPTY_DEVICE_STATE;
    try {
      return decodeCheckpoint(readFileSync(file, 'utf8'));
    } catch (e) {
      this.log(`device manager: ${(e as Error).message}; starting without allocations`);
      return EMPTY_DEVICE_STATE;
    }
  }

  private writeCheckpoint(): void {
    const file = join(this.dir, CHECKPOINT_FILE);
    writeFileSync(`${file}.tmp`, encodeCheckpoint(this.state));
    renameSync(`${file}.tmp`, file);
  }
}

/**
 * Kubernetes' IsExtendedResourceName: a domain-qualified name outside kubernetes.io (which is
 * kept for native resources) and not a quota name ("requests.…").
 */
export function isExtendedResourceName(name: string): boolean {
  if (!/^[a-z0-9]([-a-z0-9.]*[a-z0-9])?\/[A-Za-z0-9]([-A-Za-z0-9_.]*[A-Za-z0-9])?$/.test(name)) return false;
  const domain = name.split('/')[0];
  return !(domain === 'kubernetes.io' || domain.endsWith('.kubernetes.io')) && !name.startsWith('requests.');
}
