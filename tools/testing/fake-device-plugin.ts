// A fake device plugin for tests and demos: advertises N devices of an extended resource
// (example.com/gpu by default) to the node agent whose device-plugins directory it is given,
// and answers Allocate as a GPU plugin would, with everything a test can see from inside the
// container: an env var naming the devices, an annotation (a Docker label
// "annotation.<key>"), a read-only mount holding one file per device, and a device node
// (/dev/null's, under the device's name).
//
// node -r @swc-node/register tools/testing/fake-device-plugin.ts --dir <stateDir>/device-plugins [--resource example.com/gpu] [--count 2] [--unhealthy gpu-1]
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { HEALTHY, serveDevicePlugin, UNHEALTHY, type ContainerAllocateResponse } from '@keelson/kubelet';

/** The env var the fake plugin sets: FAKE_GPU_DEVICES=gpu-0,gpu-1. */
export const FAKE_DEVICES_ENV = 'FAKE_GPU_DEVICES';
export const FAKE_DEVICES_ANNOTATION = 'example.com/fake-gpu-devices';
export const FAKE_MOUNT_PATH = '/run/fake-gpu';

export function fakeAllocateResponse(deviceIDs: readonly string[], infoDir: string): ContainerAllocateResponse {
  return {
    envs: { [FAKE_DEVICES_ENV]: deviceIDs.join(',') },
    annotations: { [FAKE_DEVICES_ANNOTATION]: deviceIDs.join(',') },
    mounts: [{ host_path: infoDir, container_path: FAKE_MOUNT_PATH, read_only: true }],
    devices: deviceIDs.map((id) => ({ host_path: '/dev/null', container_path: `/dev/fake-${id}`, permissions: 'rw' })),
  };
}

async function main(): Promise<void> {
  const { values } = parseArgs({ options: { dir: { type: 'string' }, resource: { type: 'string', default: 'example.com/gpu' }, count: { type: 'string', default: '2' }, unhealthy: { type: 'string', multiple: true, default: [] } }, strict: true });
  if (!values.dir) throw new Error('--dir <the agent state dir>/device-plugins is required');
  mkdirSync(values.dir, { recursive: true });
  const ids = Array.from({ length: Number(values.count) }, (_, i) => `gpu-${i}`);
  // One file per device, for the container to read through the mount.
  const infoDir = mkdtempSync(join(tmpdir(), 'fake-gpu-'));
  for (const id of ids) writeFileSync(join(infoDir, id), `fake device ${id}\n`);
  const plugin = await serveDevicePlugin({
    dir: values.dir,
    resourceName: values.resource!,
    endpoint: `fake-${values.resource!.replace(/[^a-z0-9]+/gi, '-')}.sock`,
    devices: ids.map((ID) => ({ ID, health: values.unhealthy!.includes(ID) ? UNHEALTHY : HEALTHY })),
    allocate: (deviceIDs) => fakeAllocateResponse(deviceIDs, infoDir),
    log: (l) => console.log(`fake-device-plugin: ${l}`),
  });
  console.log(`fake-device-plugin: serving ${ids.length} ${values.resource} devices`);
  const stop = () => void plugin.close().finally(() => (rmSync(infoDir, { recursive: true, force: true }), process.exit(0)));
  process.on('SIGTERM', stop);
  process.on('SIGINT', stop);
  // Started by a test with a pipe on stdin: when the test goes, so does the plugin.
  if (process.env.KEELSON_EXIT_WITH_PARENT === 'true') process.stdin.on('end', stop).resume();
}

if (require.main === module) main().catch((e) => (console.error(`fake-device-plugin: ${(e as Error).stack ?? e}`), process.exit(1)));
