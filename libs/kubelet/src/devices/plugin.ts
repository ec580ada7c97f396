// The plugin side of the device plugin API, for plugins written in TypeScript (the fake GPU
// plugin of the tests): serve DevicePlugin on <dir>/<endpoint>, register with the agent at
// <dir>/kubelet.sock, and register again whenever that socket is made anew (the agent
// restarted), as plugins built on the kubelet's pluginwatcher-less API must.
import { rmSync, statSync } from 'node:fs';
import { join } from 'node:path';
import * as grpc from '@grpc/grpc-js';
import { API_VERSION, devicePluginApi, shutDown, KUBELET_SOCKET, unixAddress, type AllocateRequest, type AllocateResponse, type ContainerAllocateResponse, type Device, type ListAndWatchResponse } from './api';

/** How often the plugin looks whether kubelet.sock was made anew. */
const KUBELET_SOCKET_CHECK_MS = 1_000;

export interface DevicePluginServerOptions {
  /** The agent's device-plugins directory. */
  readonly dir: string;
  readonly resourceName: string;
  /** The plugin's socket file name inside `dir`. */
  readonly endpoint: string;
  readonly devices: readonly Device[];
  /** The answer for one container's devices. */
  readonly allocate: (deviceIDs: readonly string[]) => ContainerAllocateResponse;
  readonly log?: (line: string) => void;
}

export interface RunningDevicePlugin {
  /** Replaces the device list; ListAndWatch streams it to the agent. */
  setDevices(devices: readonly Device[]): void;
  close(): Promise<void>;
}

export async function serveDevicePlugin(o: DevicePluginServerOptions): Promise<RunningDevicePlugin> {
  const api = devicePluginApi();
  const log = o.log ?? (() => undefined);
  let devices = [...o.devices];
  const watchers = new Set<grpc.ServerWritableStream<object, ListAndWatchResponse>>();
  const socket = join(o.dir, o.endpoint);
  rmSync(socket, { force: true });
  const server = new grpc.Server();
  server.addService(api.DevicePlugin.service, {
    GetDevicePluginOptions: (_call: unknown, done: grpc.sendUnaryData<object>) => done(null, { pre_start_required: false, get_preferred_allocation_available: false }),
    ListAndWatch: (call: grpc.ServerWritableStream<object, ListAndWatchResponse>) => {
      watchers.add(call);
      call.write({ devices });
      call.on('cancelled', () => watchers.delete(call));
      call.on('close', () => watchers.delete(call));
    },
    Allocate: (call: grpc.ServerUnaryCall<AllocateRequest, AllocateResponse>, done: grpc.sendUnaryData<AllocateResponse>) => {
      const unknown = call.request.container_requests.flatMap((r) => r.devices_ids).filter((id) => !devices.some((d) => d.ID === id));
      if (unknown.length) return done({ code: grpc.status.INVALID_ARGUMENT, details: `unknown devices ${unknown.join(',')}` });
      log(`Allocate ${call.request.container_requests.map((r) => r.devices_ids.join(',')).join(' | ')}`);
      return done(null, { container_responses: call.request.container_requests.map((r) => o.allocate(r.devices_ids)) });
    },
    GetPreferredAllocation: (_call: unknown, done: grpc.sendUnaryData<object>) => done({ code: grpc.status.UNIMPLEMENTED, details: 'no preference' }),
    PreStartContainer: (_call: unknown, done: grpc.sendUnaryData<object>) => done(null, {}),
  });
  await new Promise<void>((resolve, reject) => server.bindAsync(unixAddress(socket), grpc.ServerCredentials.createInsecure(), (e) => (e ? reject(e) : resolve())));

  const kubeletSocket = join(o.dir, KUBELET_SOCKET);
  let registeredWith: string | undefined;
  const register = async () => {
    const ino = inode(kubeletSocket);
    if (ino === undefined || ino === registeredWith) return;
    const client = new api.Registration(unixAddress(kubeletSocket), grpc.credentials.createInsecure()) as grpc.Client & Record<string, (...args: any[]) => any>;
    try {
      await new Promise<void>((resolve, reject) =>
        client.Register({ version: API_VERSION, endpoint: o.endpoint, resource_name: o.resourceName, options: {} }, { deadline: Date.now() + 5_000 }, (e: grpc.ServiceError | null) => (e ? reject(e) : resolve())),
      );
      registeredWith = ino;
      log(`registered ${o.resourceName} with ${kubeletSocket}`);
    } catch (e) {
      log(`registration with ${kubeletSocket} failed: ${(e as Error).message}; retrying`);
    } finally {
      client.close();
    }
  };
  await register();
  const timer = setInterval(() => void register(), KUBELET_SOCKET_CHECK_MS);
  return {
    setDevices(next) {
      devices = [...next];
      for (const w of watchers) w.write({ devices });
    },
    async close() {
      clearInterval(timer);
      for (const w of watchers) w.end();
      await shutDown(server);
      rmSync(socket, { force: true });
    },
  };
}

/** Which kubelet.sock this is: inode numbers are reused, so the change time goes with it. */
function inode(path: string): string | undefined {
  try {
    const st = statSync(path);
    return `${st.ino}:${st.ctimeMs}`;
  } catch {
    return undefined;
  }
}
