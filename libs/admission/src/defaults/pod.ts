// SetDefaults_PodSpec, SetDefaults_Container, SetDefaults_Probe (pkg/apis/core/v1/defaults.go)
// and, for bare Pods only, what Kubernetes' admission plugins add (ServiceAccount, Priority,
// DefaultTolerationSeconds). Functions mutate the copy that defaultObject made.
import { Json, arr, obj } from '../causes';

const set = (o: Json, key: string, value: unknown) => {
  if (o[key] === undefined || o[key] === null) o[key] = value;
};

/** `nginx` and `nginx:latest` pull every time; a pinned tag or a digest only if missing. */
export function defaultPullPolicy(image: string): 'Always' | 'IfNotPresent' {
  if (image.includes('@')) return 'IfNotPresent';
  const lastSegment = image.slice(image.lastIndexOf('/') + 1);
  const colon = lastSegment.lastIndexOf(':');
  const tag = colon < 0 ? '' : lastSegment.slice(colon + 1);
  return tag === '' || tag === 'latest' ? 'Always' : 'IfNotPresent';
}

function defaultProbe(p: unknown) {
  const probe = obj(p);
  if (!probe) return;
  set(probe, 'timeoutSeconds', 1);
  set(probe, 'periodSeconds', 10);
  set(probe, 'successThreshold', 1);
  set(probe, 'failureThreshold', 3);
  const http = obj(probe.httpGet);
  if (http) {
    set(http, 'path', '/');
    set(http, 'scheme', 'HTTP');
  }
}

function defaultContainer(c: Json, hostNetwork: boolean) {
  if (typeof c.image === 'string') set(c, 'imagePullPolicy', defaultPullPolicy(c.image));
  set(c, 'terminationMessagePath', '/dev/termination-log');
  set(c, 'terminationMessagePolicy', 'File');
  set(c, 'resources', {});
  for (const raw of arr(c.ports)) {
    const port = obj(raw);
    if (!port) continue;
    set(port, 'protocol', 'TCP');
    if (hostNetwork) set(port, 'hostPort', port.containerPort);
  }
  for (const raw of arr(c.env)) {
    const fieldRef = obj(obj(obj(raw)?.valueFrom)?.fieldRef);
    if (fieldRef) set(fieldRef, 'apiVersion', 'v1');
  }
  defaultProbe(c.livenessProbe);
  defaultProbe(c.readinessProbe);
  defaultProbe(c.startupProbe);
}

// 0644: what a configMap, secret, projected or downwardAPI volume writes files with.
const DEFAULT_MODE = 0o644;

export function defaultPodSpec(spec: Json) {
  set(spec, 'dnsPolicy', 'ClusterFirst');
  set(spec, 'restartPolicy', 'Always');
  set(spec, 'securityContext', {});
  set(spec, 'terminationGracePeriodSeconds', 30);
  set(spec, 'schedulerName', 'default-scheduler');
  const hostNetwork = spec.hostNetwork === true;
  for (const group of ['initContainers', 'containers', 'ephemeralContainers']) {
    for (const c of arr(spec[group])) if (obj(c)) defaultContainer(c as Json, hostNetwork);
  }
  for (const raw of arr(spec.volumes)) {
    const v = obj(raw);
    if (!v) continue;
    for (const kind of ['configMap', 'secret', 'projected', 'downwardAPI']) {
      const src = obj(v[kind]);
      if (src) set(src, 'defaultMode', DEFAULT_MODE);
    }
  }
}

/** Bare pods: SetDefaults_Pod plus the admission plugins' additions. */
export function defaultPod(pod: Json) {
  const spec = (obj(pod.spec) ?? (pod.spec = {})) as Json;
  defaultPodSpec(spec);
  set(spec, 'enableServiceLinks', true);
  // A limit with no request requests exactly the limit (SetDefaults_Pod).
  for (const group of ['initContainers', 'containers']) {
    for (const raw of arr(spec[group])) {
      const resources = obj(obj(raw)?.resources);
      const limits = obj(resources?.limits);
      if (!resources || !limits) continue;
      const requests = (obj(resources.requests) ?? {}) as Json;
      for (const [name, q] of Object.entries(limits)) set(requests, name, q);
      resources.requests = requests;
    }
  }
  // ServiceAccount admission.
  set(spec, 'serviceAccountName', 'default');
  set(spec, 'serviceAccount', spec.serviceAccountName);
  // Priority admission: no PriorityClass named means priority 0.
  set(spec, 'priority', 0);
  set(spec, 'preemptionPolicy', 'PreemptLowerPriority');
  // DefaultTolerationSeconds admission: evict five minutes after a node goes not-ready or unreachable.
  const tolerations = arr(spec.tolerations) as Json[];
  for (const key of ['node.kubernetes.io/not-ready', 'node.kubernetes.io/unreachable']) {
    if (!tolerations.some((t) => t.key === key && (t.effect === 'NoExecute' || t.effect === undefined))) {
      tolerations.push({ key, operator: 'Exists', effect: 'NoExecute', tolerationSeconds: 300 });
    }
  }
  spec.tolerations = tolerations;
}
