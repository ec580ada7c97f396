// A container's environment, after the kubelet's makeEnvironmentVariables: envFrom
// sources first (in order, keys prefixed, invalid names skipped), then `env` entries in
// order, each value expanded against what is already defined: `$(VAR)` → its value,
// `$$(VAR)` → the literal `$(VAR)`, an undefined `$(VAR)` stays as written.
// A missing non-optional ConfigMap/Secret or key is a CreateContainerConfigError; the
// message is what the kubelet reports.
import type { Container, IConfigMap, ISecret, Pod } from './types';
import { milliValue, parseQuantity } from '@keelson/admission/quantity';

export interface EnvSources {
  readonly configMaps: Readonly<Record<string, IConfigMap>>;
  readonly secrets: Readonly<Record<string, ISecret>>;
  readonly podIP?: string;
  readonly podIPs?: readonly string[];
  readonly hostIP?: string;
  /** Used for resourceFieldRef limits a container does not set. */
  readonly nodeAllocatable?: { readonly cpu?: string; readonly memory?: string };
}

export interface EnvVar {
  readonly name: string;
  readonly value: string;
}

export type EnvResult = { readonly ok: true; readonly env: EnvVar[] } | { readonly ok: false; readonly reason: 'CreateContainerConfigError'; readonly message: string };

class ConfigError extends Error {}

const ENV_NAME = /^[-._a-zA-Z][-._a-zA-Z0-9]*$/;
const decode = (b64: string) => Buffer.from(b64, 'base64').toString('utf8');

export function resolveEnv(pod: Pod, container: Container, sources: EnvSources): EnvResult {
  const ns = pod.metadata?.namespace ?? 'default';
  const env = new Map<string, string>();
  try {
    for (const from of container.envFrom ?? []) {
      const prefix = from.prefix ?? '';
      let data: Record<string, string> | undefined;
      if (from.configMapRef) {
        const cm = sources.configMaps[from.configMapRef.name ?? ''];
        if (!cm && !from.configMapRef.optional) throw new ConfigError(`configmap "${from.configMapRef.name}" not found`);
        data = cm?.data;
      } else if (from.secretRef) {
        const secret = sources.secrets[from.secretRef.name ?? ''];
        if (!secret && !from.secretRef.optional) throw new ConfigError(`secret "${from.secretRef.name}" not found`);
        data = secret && Object.fromEntries(Object.entries(secret.data ?? {}).map(([k, v]) => [k, decode(v)]));
      }
      for (const [k, v] of Object.entries(data ?? {})) if (ENV_NAME.test(prefix + k)) env.set(prefix + k, v);
    }
    for (const v of container.env ?? []) {
      if (v.valueFrom) {
        const value = valueFrom(pod, container, v.valueFrom, sources, ns);
        if (value !== undefined) env.set(v.name, value);
      } else env.set(v.name, expand(v.value ?? '', (name) => env.get(name)));
    }
  } catch (e) {
    if (e instanceof ConfigError) return { ok: false, reason: 'CreateContainerConfigError', message: e.message };
    throw e;
  }
  return { ok: true, env: [...env].map(([name, value]) => ({ name, value })) };
}

type ValueFrom = NonNullable<NonNullable<Container['env']>[number]['valueFrom']>;

function valueFrom(pod: Pod, container: Container, from: ValueFrom, sources: EnvSources, ns: string): string | undefined {
  if (from.configMapKeyRef) {
    const { name = '', key, optional } = from.configMapKeyRef;
    const cm = sources.configMaps[name];
    if (!cm) return optional ? undefined : fail(`configmap "${name}" not found`);
    const value = cm.data?.[key];
    return value ?? (optional ? undefined : fail(`couldn't find key ${key} in ConfigMap ${ns}/${name}`));
  }
  if (from.secretKeyRef) {
    const { name = '', key, optional } = from.secretKeyRef;
    const secret = sources.secrets[name];
    if (!secret) return optional ? undefined : fail(`secret "${name}" not found`);
    const value = secret.data?.[key];
    return value !== undefined ? decode(value) : optional ? undefined : fail(`couldn't find key ${key} in Secret ${ns}/${name}`);
  }
  if (from.fieldRef) return fieldValue(pod, from.fieldRef.fieldPath, sources);
  if (from.resourceFieldRef) return resourceValue(container, from.resourceFieldRef, sources);
  return undefined;
}

const fail = (message: string): never => {
  throw new ConfigError(message);
};

/** The downward API's pod fields (also used by downwardAPI volumes). */
export function fieldValue(pod: Pod, path: string, sources: Pick<EnvSources, 'podIP' | 'podIPs' | 'hostIP'>): string {
  const m = /^metadata\.(labels|annotations)\['(.+)'\]$/.exec(path);
  if (m) return (pod.metadata?.[m[1] as 'labels' | 'annotations'] ?? {})[m[2]] ?? '';
  switch (path) {
    case 'metadata.name':
      return pod.metadata?.name ?? '';
    case 'metadata.namespace':
      return pod.metadata?.namespace ?? '';
    case 'metadata.uid':
      return pod.metadata?.uid ?? '';
    case 'metadata.labels':
      return formatMap(pod.metadata?.labels);
    case 'metadata.annotations':
      return formatMap(pod.metadata?.annotations);
    case 'spec.nodeName':
      return pod.spec?.nodeName ?? '';
    case 'spec.serviceAccountName':
      return pod.spec?.serviceAccountName ?? '';
    case 'status.podIP':
      return sources.podIP ?? '';
    case 'status.podIPs':
      return (sources.podIPs ?? (sources.podIP ? [sources.podIP] : [])).join(',');
    case 'status.hostIP':
    case 'status.hostIPs':
      return sources.hostIP ?? '';
    default:
      return fail(`unsupported fieldPath: ${path}`);
  }
}

/** `key="value"` lines sorted by key, as the downward API prints labels and annotations. */
export const formatMap = (m: Record<string, string> | undefined): string =>
  Object.keys(m ?? {})
    .sort()
    .map((k) => `${k}=${JSON.stringify(m![k])}`)
    .join('\n');

/** Rounded up in units of the divisor: limits.cpu 250m with divisor 1 → "1"; with 1m → "250". */
export function resourceValue(container: Container, ref: { resource: string; divisor?: string | number }, sources: Pick<EnvSources, 'nodeAllocatable'>): string {
  const [kind, name] = ref.resource.split('.') as ['limits' | 'requests', 'cpu' | 'memory' | string];
  const res = container.resources ?? {};
  const fromNode = sources.nodeAllocatable?.[name as 'cpu' | 'memory'];
  const raw = (kind === 'requests' ? res.requests?.[name] : undefined) ?? res.limits?.[name] ?? (kind === 'limits' ? fromNode : undefined) ?? 0;
  if (name === 'cpu') return String(Math.ceil(milliValue(raw) / milliValue(ref.divisor ?? 1)));
  return String(Math.ceil(parseQuantity(raw) / parseQuantity(ref.divisor ?? 1)));
}

/** Kubernetes' third_party/forked/golang/expansion.Expand. */
export function expand(input: string, lookup: (name: string) => string | undefined): string {
  let out = '';
  for (let i = 0; i < input.length; i++) {
    if (input[i] !== '$' || i + 1 >= input.length) {
      out += input[i];
      continue;
    }
    const next = input[i + 1];
    if (next === '$') {
      out += '$';
      i++;
    } else if (next === '(') {
      const close = input.indexOf(')', i + 2);
      if (close < 0) {
        out += input.slice(i);
        break;
      }
      const name = input.slice(i + 2, close);
      const value = lookup(name);
      out += value ?? `$(${name})`;
      i = close;
    } else out += '$';
  }
  return out;
}
