// Pod volumes → what to create on the host and how to mount it, after the kubelet's volume
// plugins, as plans the agent executes. Paths follow the kubelet's layout:
//   <podDir>/volumes/kubernetes.io~<plugin>/<volume name>
import type { Container, IConfigMap, IKeyToPath, IPersistentVolume, IPersistentVolumeClaim, ISecret, IVolume, Pod } from './types';
import { parseQuantity } from '@keelson/admission/quantity';
import type { ProjectedFile } from './atomic-writer';
import { fieldValue } from './env';

export type HostPathType = '' | 'DirectoryOrCreate' | 'Directory' | 'FileOrCreate' | 'File' | 'Socket' | 'CharDevice' | 'BlockDevice';

export type VolumePlan =
  | { readonly kind: 'emptyDir'; readonly name: string; readonly hostPath: string; readonly tmpfs?: { readonly sizeBytes?: number } }
  | { readonly kind: 'hostPath'; readonly name: string; readonly hostPath: string; readonly type: HostPathType }
  | { readonly kind: 'files'; readonly name: string; readonly hostPath: string; readonly files: readonly ProjectedFile[] }
  | { readonly kind: 'bind'; readonly name: string; readonly hostPath: string }
  | { readonly kind: 'error'; readonly name: string; readonly message: string };

export interface VolumeSources {
  readonly podDir: string;
  readonly configMaps: Readonly<Record<string, IConfigMap>>;
  readonly secrets: Readonly<Record<string, ISecret>>;
  readonly claims: Readonly<Record<string, IPersistentVolumeClaim>>;
  readonly volumes: Readonly<Record<string, IPersistentVolume>>;
  readonly podIP?: string;
  readonly hostIP?: string;
}

const dirFor = (podDir: string, plugin: string, name: string) => `${podDir}/volumes/kubernetes.io~${plugin}/${name}`;

export function planVolumes(pod: Pod, sources: VolumeSources): VolumePlan[] {
  return (pod.spec?.volumes ?? []).map((v) => planVolume(pod, v, sources));
}

function planVolume(pod: Pod, v: IVolume, s: VolumeSources): VolumePlan {
  const { name } = v;
  if (v.emptyDir) {
    const hostPath = dirFor(s.podDir, 'empty-dir', name);
    if (v.emptyDir.medium !== 'Memory') return { kind: 'emptyDir', name, hostPath };
    const size = v.emptyDir.sizeLimit;
    return { kind: 'emptyDir', name, hostPath, tmpfs: size !== undefined ? { sizeBytes: parseQuantity(size) } : {} };
  }
  if (v.hostPath) return { kind: 'hostPath', name, hostPath: v.hostPath.path, type: (v.hostPath.type ?? '') as HostPathType };
  if (v.configMap) {
    const cm = s.configMaps[v.configMap.name ?? ''];
    if (!cm) return v.configMap.optional ? files(name, s, 'configmap', []) : { kind: 'error', name, message: `configmap "${v.configMap.name}" not found` };
    const data = { ...cm.data, ...Object.fromEntries(Object.entries(cm.binaryData ?? {}).map(([k, b]) => [k, Buffer.from(b, 'base64')])) };
    return projectKeys(name, s, 'configmap', data, v.configMap.items, v.configMap.defaultMode, `configmap ${v.configMap.name}`);
  }
  if (v.secret) {
    const secret = s.secrets[v.secret.secretName ?? ''];
    if (!secret) return v.secret.optional ? files(name, s, 'secret', []) : { kind: 'error', name, message: `secret "${v.secret.secretName}" not found` };
    const data = Object.fromEntries(Object.entries(secret.data ?? {}).map(([k, b]) => [k, Buffer.from(b, 'base64')]));
    return projectKeys(name, s, 'secret', data, v.secret.items, v.secret.defaultMode, `secret ${v.secret.secretName}`);
  }
  if (v.downwardAPI) {
    const mode = v.downwardAPI.defaultMode ?? 0o644;
    const out = (v.downwardAPI.items ?? []).map((item) => ({
      path: item.path,
      content: item.fieldRef ? fieldValue(pod, item.fieldRef.fieldPath, s) : '',
      mode: item.mode ?? mode,
    }));
    return files(name, s, 'downward-api', out);
  }
  if (v.persistentVolumeClaim) {
    const claimName = v.persistentVolumeClaim.claimName;
    const claim = s.claims[claimName];
    if (!claim) return { kind: 'error', name, message: `persistentvolumeclaim "${claimName}" not found` };
    const pv = claim.spec?.volumeName ? s.volumes[claim.spec.volumeName] : undefined;
    if (!pv) return { kind: 'error', name, message: `persistentvolumeclaim "${claimName}" is not bound` };
    const path = pv.spec?.hostPath?.path ?? pv.spec?.local?.path;
    return path ? { kind: 'bind', name, hostPath: path } : { kind: 'error', name, message: `persistentvolume "${pv.metadata?.name}" has no hostPath or local source` };
  }
  return { kind: 'error', name, message: `volume ${name}: unsupported volume source` };
}

const files = (name: string, s: VolumeSources, plugin: string, list: ProjectedFile[]): VolumePlan => ({ kind: 'files', name, hostPath: dirFor(s.podDir, plugin, name), files: list });

/** All keys (mode defaultMode, 0644 by default), or only `items` under their paths. */
function projectKeys(name: string, s: VolumeSources, plugin: string, data: Record<string, string | Buffer>, items: readonly IKeyToPath[] | undefined, defaultMode = 0o644, what: string): VolumePlan {
  if (!items) return files(name, s, plugin, Object.keys(data).sort().map((k) => ({ path: k, content: data[k], mode: defaultMode })));
  const missing = items.find((i) => !(i.key in data));
  if (missing) return { kind: 'error', name, message: `configured to use key ${missing.key} but ${what} does not contain that key` };
  return files(name, s, plugin, items.map((i) => ({ path: i.path, content: data[i.key], mode: i.mode ?? defaultMode })));
}

/** What the host path holds now, as the agent's stat saw it. */
export type HostPathKind = 'missing' | 'directory' | 'file' | 'socket' | 'charDevice' | 'blockDevice';

/** The hostPath type check: ok, something to create first, or the kubelet's error. */
export function hostPathCheck(type: HostPathType, path: string, found: HostPathKind): 'ok' | 'createDirectory' | 'createFile' | { error: string } {
  const want: Record<Exclude<HostPathType, ''>, HostPathKind> = { DirectoryOrCreate: 'directory', Directory: 'directory', FileOrCreate: 'file', File: 'file', Socket: 'socket', CharDevice: 'charDevice', BlockDevice: 'blockDevice' };
  if (type === '') return 'ok';
  if (found === 'missing' && type === 'DirectoryOrCreate') return 'createDirectory';
  if (found === 'missing' && type === 'FileOrCreate') return 'createFile';
  if (found === want[type]) return 'ok';
  const noun = { directory: 'a directory', file: 'a file', socket: 'a socket file', charDevice: 'a character device', blockDevice: 'a block device' }[want[type] as Exclude<HostPathKind, 'missing'>];
  return { error: found === 'missing' && ['Directory', 'File'].includes(type) ? `hostPath type check failed: ${path} does not exist` : `hostPath type check failed: ${path} is not ${noun}` };
}

export interface BindMount {
  readonly hostPath: string;
  readonly containerPath: string;
  readonly readOnly: boolean;
}

/** A container's volumeMounts as binds; configMap/secret/downwardAPI volumes are read-only. */
export function containerMounts(container: Container, plans: readonly VolumePlan[]): BindMount[] {
  return (container.volumeMounts ?? []).flatMap((m) => {
    const plan = plans.find((p) => p.name === m.name);
    if (!plan || plan.kind === 'error') return [];
    const hostPath = m.subPath ? `${plan.hostPath}/${m.subPath}` : plan.hostPath;
    return [{ hostPath, containerPath: m.mountPath, readOnly: m.readOnly === true || plan.kind === 'files' }];
  });
}
