// What a pod sync needs from outside the runtime: the apiserver (reads of the objects a pod
// refers to, its status writes, its final delete) and the pod network (CNI). The agent
// implements them; specs fake them.
import type { IConfigMap, IPersistentVolume, IPersistentVolumeClaim, ISecret, Pod, PodStatus } from './types';

export interface PortMappingLike {
  readonly hostPort: number;
  readonly containerPort: number;
  readonly protocol?: 'TCP' | 'UDP' | 'SCTP';
  readonly hostIP?: string;
}

export interface PodNetworkPlugin {
  /** Wires the sandbox whose network namespace is `netns`; returns the pod IP. */
  setUp(sandboxId: string, netns: string, portMappings: readonly PortMappingLike[]): Promise<string | undefined>;
  /** Unwires it and releases its IP; idempotent, and fine after the sandbox died. */
  tearDown(sandboxId: string, netns?: string): Promise<void>;
  /** The IP set-up gave the sandbox (remembered across agent restarts). */
  podIP(sandboxId: string): string | undefined;
}

export interface PodApi {
  configMap(namespace: string, name: string): Promise<IConfigMap | undefined>;
  secret(namespace: string, name: string): Promise<ISecret | undefined>;
  claim(namespace: string, name: string): Promise<IPersistentVolumeClaim | undefined>;
  volume(name: string): Promise<IPersistentVolume | undefined>;
  /** Merge-patches pods/<name>/status; `cause` is the log sequence of the pod version acted on. */
  patchStatus(pod: Pod, status: PodStatus, cause?: number): Promise<void>;
  /** The final delete (gracePeriodSeconds=0, precondition on the uid) once everything is stopped. */
  deletePod(pod: Pod, cause?: number): Promise<void>;
}

/** Milliseconds per step of a pod's first start, for the benchmark. */
export interface StepTimings {
  firstSyncAt: number;
  volumesMs?: number;
  sandboxMs?: number;
  cniMs?: number;
  containersMs?: number;
  statusMs?: number;
  runningAt?: number;
}

export interface PodSources {
  readonly configMaps: Record<string, IConfigMap>;
  readonly secrets: Record<string, ISecret>;
  readonly claims: Record<string, IPersistentVolumeClaim>;
  readonly volumes: Record<string, IPersistentVolume>;
}

/** The ConfigMaps, Secrets, claims and their volumes a pod names, in env, envFrom and volumes. */
export function referencedNames(pod: Pod): { configMaps: string[]; secrets: string[]; claims: string[] } {
  const configMaps = new Set<string>();
  const secrets = new Set<string>();
  const claims = new Set<string>();
  for (const c of [...(pod.spec?.initContainers ?? []), ...(pod.spec?.containers ?? [])]) {
    for (const f of c.envFrom ?? []) {
      if (f.configMapRef?.name) configMaps.add(f.configMapRef.name);
      if (f.secretRef?.name) secrets.add(f.secretRef.name);
    }
    for (const e of c.env ?? []) {
      if (e.valueFrom?.configMapKeyRef?.name) configMaps.add(e.valueFrom.configMapKeyRef.name);
      if (e.valueFrom?.secretKeyRef?.name) secrets.add(e.valueFrom.secretKeyRef.name);
    }
  }
  for (const v of pod.spec?.volumes ?? []) {
    if (v.configMap?.name) configMaps.add(v.configMap.name);
    if (v.secret?.secretName) secrets.add(v.secret.secretName);
    if (v.persistentVolumeClaim?.claimName) claims.add(v.persistentVolumeClaim.claimName);
  }
  return { configMaps: [...configMaps], secrets: [...secrets], claims: [...claims] };
}

export async function gatherSources(api: PodApi, pod: Pod): Promise<PodSources> {
  const ns = pod.metadata?.namespace ?? 'default';
  const names = referencedNames(pod);
  const fetchAll = async <T>(list: string[], get: (n: string) => Promise<T | undefined>) =>
    Object.fromEntries((await Promise.all(list.map(async (n) => [n, await get(n)] as const))).filter(([, v]) => v !== undefined)) as Record<string, T>;
  const [configMaps, secrets, claims] = await Promise.all([
    fetchAll(names.configMaps, (n) => api.configMap(ns, n)),
    fetchAll(names.secrets, (n) => api.secret(ns, n)),
    fetchAll(names.claims, (n) => api.claim(ns, n)),
  ]);
  const pvNames = Object.values(claims).map((c) => c.spec?.volumeName).filter((n): n is string => !!n);
  const volumes = await fetchAll(pvNames, (n) => api.volume(n));
  return { configMaps, secrets, claims, volumes };
}
