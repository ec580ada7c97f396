// defaultObject: what kube-apiserver fills in on decode (SetDefaults_* in pkg/apis/*/v1)
// and in the registries' PrepareForCreate (Job selector, Namespace finalizer). Never fills
// in what the server allocates (clusterIP, nodePort, uid).
import { deepCopyJson, type KubeObject } from '@keelson/apimachinery';
import type { ApiResource } from '@keelson/resources';
import { Json, arr, obj } from '../causes';
import { defaultPod, defaultPodSpec } from './pod';
import { defaultHpaBehavior } from './hpa';

const set = (o: Json, key: string, value: unknown) => {
  if (o[key] === undefined || o[key] === null) o[key] = value;
};
const child = (o: Json, key: string): Json => {
  const existing = obj(o[key]);
  if (existing) return existing;
  const created: Json = {};
  o[key] = created;
  return created;
};

function defaultTemplate(template: unknown) {
  const t = obj(template);
  if (t) defaultPodSpec(child(t, 'spec'));
}

function defaultPvcSpec(spec: Json) {
  set(spec, 'volumeMode', 'Filesystem');
}

export const JOB_LABELS = {
  controllerUid: 'batch.kubernetes.io/controller-uid',
  legacyControllerUid: 'controller-uid',
  jobName: 'batch.kubernetes.io/job-name',
  legacyJobName: 'job-name',
};

function defaultJob(job: Json) {
  const spec = child(job, 'spec');
  const meta = child(job, 'metadata');
  const template = child(spec, 'template');
  const templateMeta = child(template, 'metadata');
  // A Job without labels takes its template's (SetDefaults_Job), before the generated ones are added.
  const templateLabels = obj(templateMeta.labels);
  if (templateLabels && Object.keys(obj(meta.labels) ?? {}).length === 0) meta.labels = { ...templateLabels };
  // completions stays unset for a work queue: parallelism given, completions not.
  if (spec.completions === undefined && spec.parallelism === undefined) spec.completions = 1;
  set(spec, 'parallelism', 1);
  set(spec, 'backoffLimit', 6);
  set(spec, 'completionMode', 'NonIndexed');
  set(spec, 'suspend', false);
  if (spec.podFailurePolicy === undefined) set(spec, 'podReplacementPolicy', 'TerminatingOrFailed');
  defaultTemplate(template);
  // The registry's generateSelectorIfNeeded: select the Job's own uid, label the pods with it.
  const uid = meta.uid;
  if (spec.manualSelector !== true && typeof uid === 'string' && uid) {
    const name = String(meta.name ?? '');
    templateMeta.labels = {
      ...(obj(templateMeta.labels) ?? {}),
      [JOB_LABELS.controllerUid]: uid,
      [JOB_LABELS.jobName]: name,
      [JOB_LABELS.legacyControllerUid]: uid,
      [JOB_LABELS.legacyJobName]: name,
    };
    const selector = child(spec, 'selector');
    selector.matchLabels = { ...(obj(selector.matchLabels) ?? {}), [JOB_LABELS.controllerUid]: uid };
  }
}

function defaultService(spec: Json) {
  set(spec, 'type', 'ClusterIP');
  set(spec, 'sessionAffinity', 'None');
  if (spec.sessionAffinity === 'ClientIP') set(spec, 'sessionAffinityConfig', { clientIP: { timeoutSeconds: 10800 } });
  for (const raw of arr(spec.ports)) {
    const port = obj(raw);
    if (!port) continue;
    set(port, 'protocol', 'TCP');
    if (port.targetPort === undefined || port.targetPort === 0 || port.targetPort === '') port.targetPort = port.port;
  }
  if (spec.type === 'ExternalName') return;
  if (spec.type === 'NodePort' || spec.type === 'LoadBalancer') set(spec, 'externalTrafficPolicy', 'Cluster');
  if (spec.type === 'LoadBalancer') set(spec, 'allocateLoadBalancerNodePorts', true);
  set(spec, 'internalTrafficPolicy', 'Cluster');
  set(spec, 'ipFamilyPolicy', 'SingleStack');
  set(spec, 'ipFamilies', ['IPv4']);
}

function defaultKind(kind: string, o: Json) {
  const spec = () => child(o, 'spec');
  switch (kind) {
    case 'Pod':
      return defaultPod(o);
    case 'Deployment': {
      const s = spec();
      set(s, 'replicas', 1);
      const strategy = child(s, 'strategy');
      set(strategy, 'type', 'RollingUpdate');
      if (strategy.type === 'RollingUpdate') {
        const ru = child(strategy, 'rollingUpdate');
        set(ru, 'maxUnavailable', '25%');
        set(ru, 'maxSurge', '25%');
      }
      set(s, 'revisionHistoryLimit', 10);
      set(s, 'progressDeadlineSeconds', 600);
      return defaultTemplate(s.template);
    }
    case 'ReplicaSet':
      set(spec(), 'replicas', 1);
      return defaultTemplate(spec().template);
    case 'StatefulSet': {
      const s = spec();
      set(s, 'replicas', 1);
      set(s, 'podManagementPolicy', 'OrderedReady');
      const strategy = child(s, 'updateStrategy');
      set(strategy, 'type', 'RollingUpdate');
      if (strategy.type === 'RollingUpdate') set(child(strategy, 'rollingUpdate'), 'partition', 0);
      set(s, 'revisionHistoryLimit', 10);
      const retention = child(s, 'persistentVolumeClaimRetentionPolicy');
      set(retention, 'whenDeleted', 'Retain');
      set(retention, 'whenScaled', 'Retain');
      for (const t of arr(s.volumeClaimTemplates)) if (obj(t)) defaultPvcSpec(child(t as Json, 'spec'));
      return defaultTemplate(s.template);
    }
    case 'DaemonSet': {
      const s = spec();
      const strategy = child(s, 'updateStrategy');
      set(strategy, 'type', 'RollingUpdate');
      if (strategy.type === 'RollingUpdate') {
        const ru = child(strategy, 'rollingUpdate');
        set(ru, 'maxUnavailable', 1);
        set(ru, 'maxSurge', 0);
      }
      set(s, 'revisionHistoryLimit', 10);
      return defaultTemplate(s.template);
    }
    case 'Job':
      return defaultJob(o);
    case 'CronJob': {
      const s = spec();
      set(s, 'concurrencyPolicy', 'Allow');
      set(s, 'suspend', false);
      set(s, 'successfulJobsHistoryLimit', 3);
      set(s, 'failedJobsHistoryLimit', 1);
      return defaultTemplate(obj(obj(s.jobTemplate)?.spec)?.template);
    }
    case 'Service':
      return defaultService(spec());
    case 'Endpoints':
      for (const subset of arr(o.subsets)) for (const p of arr(obj(subset)?.ports)) if (obj(p)) set(p as Json, 'protocol', 'TCP');
      return;
    case 'EndpointSlice':
      // SetDefaults_EndpointPort: an unnamed port is named "", and TCP.
      for (const p of arr(o.ports)) if (obj(p)) (set(p as Json, 'name', ''), set(p as Json, 'protocol', 'TCP'));
      return;
    case 'PersistentVolumeClaim':
      defaultPvcSpec(spec());
      return set(child(o, 'status'), 'phase', 'Pending');
    case 'PersistentVolume':
      set(spec(), 'persistentVolumeReclaimPolicy', 'Retain');
      set(spec(), 'volumeMode', 'Filesystem');
      return set(child(o, 'status'), 'phase', 'Pending');
    case 'Namespace': {
      const name = obj(o.metadata)?.name;
      if (typeof name === 'string') child(child(o, 'metadata'), 'labels')['kubernetes.io/metadata.name'] = name;
      set(spec(), 'finalizers', ['kubernetes']);
      return set(child(o, 'status'), 'phase', 'Active');
    }
    case 'Secret':
      return set(o, 'type', 'Opaque');
    case 'NetworkPolicy': {
      const s = spec();
      if (arr(s.policyTypes).length === 0) s.policyTypes = s.egress !== undefined ? ['Ingress', 'Egress'] : ['Ingress'];
      return;
    }
    case 'StorageClass':
      set(o, 'reclaimPolicy', 'Delete');
      return set(o, 'volumeBindingMode', 'Immediate');
    case 'PriorityClass':
      return set(o, 'preemptionPolicy', 'PreemptLowerPriority');
    case 'HorizontalPodAutoscaler':
      return defaultHpaBehavior(spec());
    default:
      return;
  }
}

/** A defaulted deep copy; the input is left as it was. */
export function defaultObject(resource: ApiResource, input: KubeObject): KubeObject {
  const o = deepCopyJson(input);
  defaultKind(resource.kind, o as Json);
  return o;
}
