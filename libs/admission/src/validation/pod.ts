// PodSpec validation (ValidatePodSpec and friends in pkg/apis/core/validation), limited to
// what users hit: containers, ports, resources, probes, volumes and the restart policy.
import { Cause, Causes, Json, arr, invalidEach, nonNegative, notFound, obj, oneOf, str } from '../causes';
import { isConfigMapKey, isDNS1123Label, isDNS1123Subdomain, isValidPortName, isValidPortNum } from '../names';
import { QUANTITY_PATTERN_MESSAGE, isValidQuantity, parseQuantity } from '../quantity';

export const RESTART_POLICIES = ['Always', 'OnFailure', 'Never'] as const;
const PROTOCOLS = ['SCTP', 'TCP', 'UDP'];
const PULL_POLICIES = ['Always', 'IfNotPresent', 'Never'];
const DNS_POLICIES = ['ClusterFirstWithHostNet', 'ClusterFirst', 'Default', 'None'];
const TERMINATION_MESSAGE_POLICIES = ['File', 'FallbackToLogsOnError'];
const VOLUME_SOURCES = [
  'emptyDir', 'hostPath', 'configMap', 'secret', 'persistentVolumeClaim', 'projected', 'downwardAPI', 'nfs', 'csi', 'ephemeral', 'image',
  'gcePersistentDisk', 'awsElasticBlockStore', 'gitRepo', 'iscsi', 'glusterfs', 'rbd', 'flexVolume', 'cinder', 'cephfs', 'flocker', 'fc',
  'azureFile', 'azureDisk', 'vsphereVolume', 'quobyte', 'photonPersistentDisk', 'portworxVolume', 'scaleIO', 'storageos',
];

/** `claimVolumes`: names a StatefulSet's volumeClaimTemplates add to every pod. */
export function validatePodSpec(spec: Json | undefined, path: string, claimVolumes: readonly string[] = []): Causes {
  const s = spec ?? {};
  const out: Causes = [];
  const volumes = validateVolumes(s.volumes, `${path}.volumes`, out);
  for (const v of claimVolumes) volumes.add(v);
  const containers = arr(s.containers);
  if (containers.length === 0) out.push(Cause.required(`${path}.containers`));
  const names = new Set<string>();
  const groups: [string, unknown[]][] = [['initContainers', arr(s.initContainers)], ['containers', containers], ['ephemeralContainers', arr(s.ephemeralContainers)]];
  for (const [group, list] of groups) {
    list.forEach((c, i) => out.push(...validateContainer(obj(c) ?? {}, `${path}.${group}[${i}]`, names, volumes, group === 'containers')));
  }
  out.push(...oneOf(`${path}.restartPolicy`, s.restartPolicy, RESTART_POLICIES));
  out.push(...oneOf(`${path}.dnsPolicy`, s.dnsPolicy, DNS_POLICIES));
  out.push(...nonNegative(`${path}.terminationGracePeriodSeconds`, s.terminationGracePeriodSeconds));
  if (typeof s.activeDeadlineSeconds === 'number' && s.activeDeadlineSeconds <= 0) {
    out.push(Cause.invalid(`${path}.activeDeadlineSeconds`, s.activeDeadlineSeconds, 'must be between 1 and 2147483647, inclusive'));
  }
  if (typeof s.serviceAccountName === 'string' && s.serviceAccountName) {
    out.push(...invalidEach(`${path}.serviceAccountName`, s.serviceAccountName, isDNS1123Subdomain(s.serviceAccountName)));
  }
  return out;
}

function validateVolumes(volumes: unknown, path: string, out: Causes): Set<string> {
  const names = new Set<string>();
  arr(volumes).forEach((raw, i) => {
    const v = obj(raw) ?? {};
    const at = `${path}[${i}]`;
    const name = str(v.name);
    if (!name) out.push(Cause.required(`${at}.name`));
    else {
      out.push(...invalidEach(`${at}.name`, name, isDNS1123Label(name)));
      if (names.has(name)) out.push(Cause.duplicate(`${at}.name`, name));
      names.add(name);
    }
    const sources = VOLUME_SOURCES.filter((k) => v[k] !== undefined);
    if (sources.length === 0) out.push(Cause.required(at, 'must specify a volume type'));
    else if (sources.length > 1) out.push(Cause.forbidden(`${at}.${sources[1]}`, 'may not specify more than 1 volume type'));
    const pvc = obj(v.persistentVolumeClaim);
    if (pvc && !pvc.claimName) out.push(Cause.required(`${at}.persistentVolumeClaim.claimName`));
    const cm = obj(v.configMap) ?? obj(v.secret);
    arr(cm?.items).forEach((it, j) => {
      const key = str(obj(it)?.key);
      const src = v.configMap !== undefined ? 'configMap' : 'secret';
      if (!key) out.push(Cause.required(`${at}.${src}.items[${j}].key`));
      else out.push(...invalidEach(`${at}.${src}.items[${j}].key`, key, isConfigMapKey(key)));
    });
  });
  return names;
}

function validateContainer(c: Json, path: string, names: Set<string>, volumes: Set<string>, regular: boolean): Causes {
  const out: Causes = [];
  const name = str(c.name);
  if (!name) out.push(Cause.required(`${path}.name`));
  else {
    out.push(...invalidEach(`${path}.name`, name, isDNS1123Label(name)));
    if (names.has(name)) out.push(Cause.duplicate(`${path}.name`, name));
    names.add(name);
  }
  if (!str(c.image)?.trim()) out.push(Cause.required(`${path}.image`));
  out.push(...oneOf(`${path}.imagePullPolicy`, c.imagePullPolicy, PULL_POLICIES));
  out.push(...oneOf(`${path}.terminationMessagePolicy`, c.terminationMessagePolicy, TERMINATION_MESSAGE_POLICIES));
  out.push(...validatePorts(c.ports, `${path}.ports`));
  out.push(...validateResources(obj(c.resources), `${path}.resources`));
  arr(c.volumeMounts).forEach((raw, i) => {
    const m = obj(raw) ?? {};
    const at = `${path}.volumeMounts[${i}]`;
    if (!m.name) out.push(Cause.required(`${at}.name`));
    else if (!volumes.has(String(m.name))) out.push(notFound(`${at}.name`, m.name));
    if (!m.mountPath) out.push(Cause.required(`${at}.mountPath`));
  });
  arr(c.env).forEach((raw, i) => {
    if (!obj(raw)?.name) out.push(Cause.required(`${path}.env[${i}].name`));
  });
  for (const probe of ['livenessProbe', 'readinessProbe', 'startupProbe'] as const) {
    const p = obj(c[probe]);
    if (!p) continue;
    if (!regular) out.push(Cause.forbidden(`${path}.${probe}`, 'may not be set for init containers'));
    else out.push(...validateProbe(p, `${path}.${probe}`, probe !== 'readinessProbe'));
  }
  return out;
}

function validatePorts(ports: unknown, path: string): Causes {
  const out: Causes = [];
  const names = new Set<string>();
  arr(ports).forEach((raw, i) => {
    const p = obj(raw) ?? {};
    const at = `${path}[${i}]`;
    if (p.name !== undefined) {
      const n = String(p.name);
      out.push(...invalidEach(`${at}.name`, n, isValidPortName(n)));
      if (names.has(n)) out.push(Cause.duplicate(`${at}.name`, n));
      names.add(n);
    }
    if (p.containerPort === undefined || p.containerPort === 0) out.push(Cause.required(`${at}.containerPort`));
    else out.push(...invalidEach(`${at}.containerPort`, p.containerPort, isValidPortNum(Number(p.containerPort))));
    if (p.hostPort !== undefined && p.hostPort !== 0) out.push(...invalidEach(`${at}.hostPort`, p.hostPort, isValidPortNum(Number(p.hostPort))));
    out.push(...oneOf(`${at}.protocol`, p.protocol, PROTOCOLS));
  });
  return out;
}

/** Quantities must parse and be ≥ 0; each request must not exceed its limit. */
export function validateResources(r: Json | undefined, path: string): Causes {
  if (!r) return [];
  const out: Causes = [];
  const read = (group: 'requests' | 'limits'): Map<string, number> => {
    const m = new Map<string, number>();
    for (const [name, q] of Object.entries(obj(r[group]) ?? {})) {
      const at = `${path}.${group}[${name}]`;
      if (!isValidQuantity(q)) out.push(Cause.invalid(at, q, QUANTITY_PATTERN_MESSAGE));
      else if (parseQuantity(q as string) < 0) out.push(Cause.invalid(at, q, 'must be greater than or equal to 0'));
      else m.set(name, parseQuantity(q as string));
    }
    return m;
  };
  const requests = read('requests');
  const limits = read('limits');
  for (const [name, req] of requests) {
    const lim = limits.get(name);
    if (lim !== undefined && req > lim) {
      const raw = obj(r.limits)?.[name];
      out.push(Cause.invalid(`${path}.requests`, obj(r.requests)?.[name], `must be less than or equal to ${name} limit of ${raw}`));
    }
  }
  return out;
}

const HANDLERS = ['exec', 'httpGet', 'tcpSocket', 'grpc'];

function validateProbe(p: Json, path: string, successMustBeOne: boolean): Causes {
  const out: Causes = [];
  const handlers = HANDLERS.filter((h) => p[h] !== undefined);
  if (handlers.length === 0) out.push(Cause.required(path, 'must specify a handler type'));
  else if (handlers.length > 1) out.push(Cause.forbidden(`${path}.${handlers[1]}`, 'may not specify more than 1 handler type'));
  for (const f of ['initialDelaySeconds', 'timeoutSeconds', 'periodSeconds', 'successThreshold', 'failureThreshold']) {
    out.push(...nonNegative(`${path}.${f}`, p[f]));
  }
  if (successMustBeOne && typeof p.successThreshold === 'number' && p.successThreshold !== 1) {
    out.push(Cause.invalid(`${path}.successThreshold`, p.successThreshold, 'must be 1'));
  }
  const http = obj(p.httpGet);
  if (http) out.push(...validatePortRef(http.port, `${path}.httpGet.port`));
  const tcp = obj(p.tcpSocket);
  if (tcp) out.push(...validatePortRef(tcp.port, `${path}.tcpSocket.port`));
  return out;
}

/** An int-or-string port: a number in range, or an IANA service name. */
export function validatePortRef(port: unknown, path: string): Causes {
  if (port === undefined || port === '' || port === 0) return [Cause.required(path)];
  if (typeof port === 'number') return invalidEach(path, port, isValidPortNum(port));
  return invalidEach(path, port, isValidPortName(String(port)));
}
