import { atomicWritePlan } from './atomic-writer';
import { makePod, container } from './testing';
import type { VolumeSources } from './volumes';
import { containerMounts, hostPathCheck, planVolumes } from './volumes';
import type { Pod } from './types';

const b64 = (s: string) => Buffer.from(s).toString('base64');
const sources: VolumeSources = {
  podDir: '/var/lib/keelson/pods/uid-1',
  configMaps: { cfg: { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'cfg' }, data: { 'b.conf': 'B', 'a.conf': 'A' } } },
  secrets: { tls: { apiVersion: 'v1', kind: 'Secret', metadata: { name: 'tls' }, data: { key: b64('k') } } },
  claims: { data: { apiVersion: 'v1', kind: 'PersistentVolumeClaim', metadata: { name: 'data' }, spec: { volumeName: 'pv-1' } }, loose: { apiVersion: 'v1', kind: 'PersistentVolumeClaim', metadata: { name: 'loose' }, spec: {} } },
  volumes: { 'pv-1': { apiVersion: 'v1', kind: 'PersistentVolume', metadata: { name: 'pv-1' }, spec: { hostPath: { path: '/mnt/pv-1' } } } },
};
const plan = (volumes: NonNullable<Pod['spec']>['volumes']) => planVolumes(makePod({ volumes }), sources);
const dir = (plugin: string, name: string) => `/var/lib/keelson/pods/uid-1/volumes/kubernetes.io~${plugin}/${name}`;

describe('planVolumes', () => {
  it('plans nothing for a pod without volumes', () => {
    expect(plan(undefined)).toEqual([]);
  });

  it.each([
    ['emptyDir on disk', { name: 'scratch', emptyDir: {} }, { kind: 'emptyDir', name: 'scratch', hostPath: dir('empty-dir', 'scratch') }],
    ['emptyDir in memory', { name: 'shm', emptyDir: { medium: 'Memory', sizeLimit: '64Mi' } }, { kind: 'emptyDir', name: 'shm', hostPath: dir('empty-dir', 'shm'), tmpfs: { sizeBytes: 67108864 } }],
    ['hostPath', { name: 'logs', hostPath: { path: '/var/log', type: 'Directory' } }, { kind: 'hostPath', name: 'logs', hostPath: '/var/log', type: 'Directory' }],
    ['a bound claim', { name: 'd', persistentVolumeClaim: { claimName: 'data' } }, { kind: 'bind', name: 'd', hostPath: '/mnt/pv-1' }],
    ['an unbound claim', { name: 'd', persistentVolumeClaim: { claimName: 'loose' } }, { kind: 'error', name: 'd', message: 'persistentvolumeclaim "loose" is not bound' }],
    ['a missing configMap', { name: 'c', configMap: { name: 'nope' } }, { kind: 'error', name: 'c', message: 'configmap "nope" not found' }],
  ])('%s', (_name, volume, expected) => {
    expect(plan([volume as never])).toEqual([expected]);
  });

  it('projects every configMap key with the default mode, sorted', () => {
    expect(plan([{ name: 'c', configMap: { name: 'cfg' } }])[0]).toEqual({
      kind: 'files', name: 'c', hostPath: dir('configmap', 'c'),
      files: [{ path: 'a.conf', content: 'A', mode: 0o644 }, { path: 'b.conf', content: 'B', mode: 0o644 }],
    });
  });

  it('projects selected secret items, base64-decoded, with their modes', () => {
    const [p] = plan([{ name: 's', secret: { secretName: 'tls', defaultMode: 0o400, items: [{ key: 'key', path: 'private/tls.key' }] } }]);
    expect(p).toEqual({ kind: 'files', name: 's', hostPath: dir('secret', 's'), files: [{ path: 'private/tls.key', content: Buffer.from('k'), mode: 0o400 }] });
  });

  it('writes downward API fields into files', () => {
    const [p] = plan([{ name: 'info', downwardAPI: { items: [{ path: 'name', fieldRef: { fieldPath: 'metadata.name' } }] } }]);
    expect(p).toMatchObject({ kind: 'files', files: [{ path: 'name', content: 'web-0', mode: 0o644 }] });
  });
});

describe('hostPathCheck', () => {
  it.each([
    ['', 'missing', 'ok'],
    ['DirectoryOrCreate', 'missing', 'createDirectory'],
    ['DirectoryOrCreate', 'directory', 'ok'],
    ['FileOrCreate', 'missing', 'createFile'],
    ['Directory', 'missing', { error: 'hostPath type check failed: /x does not exist' }],
    ['Socket', 'file', { error: 'hostPath type check failed: /x is not a socket file' }],
  ] as const)('type %j with %s → %j', (type, found, expected) => expect(hostPathCheck(type, '/x', found)).toEqual(expected));
});

describe('containerMounts', () => {
  it('binds mounts with subPath, and makes projected volumes read-only', () => {
    const plans = plan([{ name: 'scratch', emptyDir: {} }, { name: 'c', configMap: { name: 'cfg' } }]);
    const c = container('app', { volumeMounts: [{ name: 'scratch', mountPath: '/tmp', subPath: 'app' }, { name: 'c', mountPath: '/etc/app' }] });
    expect(containerMounts(c, plans)).toEqual([
      { hostPath: `${dir('empty-dir', 'scratch')}/app`, containerPath: '/tmp', readOnly: false },
      { hostPath: dir('configmap', 'c'), containerPath: '/etc/app', readOnly: true },
    ]);
  });
});

describe('atomicWritePlan', () => {
  const now = Date.parse('2024-05-01T10:00:00Z');
  it('writes into a timestamped dir, swaps ..data, links new names and removes stale ones', () => {
    const steps = atomicWritePlan('/v', [{ path: 'conf/a', content: 'A', mode: 0o644 }, { path: 'b', content: 'B', mode: 0o600 }], { dataDir: '..old', visible: ['b', 'gone'] }, now);
    const ts = `..2024_05_01_10_00_00.${now}`;
    expect(steps).toEqual([
      { op: 'mkdir', path: `/v/${ts}` },
      { op: 'mkdir', path: `/v/${ts}/conf` },
      { op: 'writeFile', path: `/v/${ts}/conf/a`, content: 'A', mode: 0o644 },
      { op: 'writeFile', path: `/v/${ts}/b`, content: 'B', mode: 0o600 },
      { op: 'symlink', target: ts, path: '/v/..data_tmp' },
      { op: 'rename', from: '/v/..data_tmp', to: '/v/..data' },
      { op: 'symlink', target: '..data/conf', path: '/v/conf' },
      { op: 'remove', path: '/v/gone' },
      { op: 'remove', path: '/v/..old' },
    ]);
  });
});
