// The pods a Job makes (job_controller.go manageJob + controller.GetPodFromTemplate) and the
// order it removes them in (controller.ActivePods).

import { newControllerRef } from '../common/owner-references';
import { isPodReady, podReadyCondition } from '../common/pods';
import { Pod, timeOf } from '../common/types';
import { JOB_COMPLETION_INDEX, JOB_COMPLETION_INDEX_ENV, JOB_CONTROLLER_UID, JOB_NAME, Job, LEGACY_CONTROLLER_UID, LEGACY_JOB_NAME } from './types';

/** `names.MaxGeneratedNameLength`: 63 less the 5 random characters the API server appends. */
const MAX_GENERATED_NAME_LENGTH = 58;

/** `podGenerateNameWithIndex`: `<job>-<index>-`, the job name cut short if need be. */
export function generateNameWithIndex(jobName: string, index: number): string {
  const suffix = `-${index}-`;
  const prefix = jobName + suffix;
  return prefix.length > MAX_GENERATED_NAME_LENGTH ? jobName.slice(0, MAX_GENERATED_NAME_LENGTH - suffix.length) + suffix : prefix;
}

/** The labels the API server's `generateSelector` puts on the template; ensured here too. */
export function jobPodLabels(job: Job): Record<string, string> {
  const uid = job.metadata.uid ?? '';
  const name = job.metadata.name ?? '';
  return { [JOB_CONTROLLER_UID]: uid, [JOB_NAME]: name, [LEGACY_CONTROLLER_UID]: uid, [LEGACY_JOB_NAME]: name };
}

type Container = { name: string; env?: { name: string; value?: string; valueFrom?: unknown }[] };

/** `addCompletionIndexEnvVariables`: JOB_COMPLETION_INDEX from the pod's own annotation, unless set. */
function withIndexEnv(containers: Container[] | undefined): Container[] | undefined {
  return containers?.map((c) =>
    (c.env ?? []).some((e) => e.name === JOB_COMPLETION_INDEX_ENV)
      ? c
      : { ...c, env: [...(c.env ?? []), { name: JOB_COMPLETION_INDEX_ENV, valueFrom: { fieldRef: { fieldPath: `metadata.annotations['${JOB_COMPLETION_INDEX}']` } } }] },
  );
}

/** A new pod for `job`; `index` for Indexed Jobs (annotation, label, hostname, env). */
export function podForJob(job: Job, index?: number): Pod {
  const template = structuredClone(job.spec.template);
  const meta = template.metadata ?? {};
  const labels: Record<string, string> = { ...(meta.labels ?? {}), ...jobPodLabels(job) };
  const annotations: Record<string, string> = { ...(meta.annotations ?? {}) };
  const spec: Record<string, unknown> = { ...(template.spec ?? {}) };
  let generateName = `${job.metadata.name}-`;
  if (index !== undefined) {
    annotations[JOB_COMPLETION_INDEX] = String(index);
    labels[JOB_COMPLETION_INDEX] = String(index);
    spec.hostname = `${job.metadata.name}-${index}`;
    spec.containers = withIndexEnv(spec.containers as Container[] | undefined);
    if (spec.initContainers) spec.initContainers = withIndexEnv(spec.initContainers as Container[]);
    generateName = generateNameWithIndex(job.metadata.name ?? '', index);
  }
  return {
    apiVersion: 'v1',
    kind: 'Pod',
    metadata: {
      generateName,
      namespace: job.metadata.namespace,
      labels,
      ...(Object.keys(annotations).length ? { annotations } : {}),
      ...(meta.finalizers?.length ? { finalizers: meta.finalizers } : {}),
      ownerReferences: [{ ...newControllerRef(job), apiVersion: 'batch/v1', kind: 'Job' }],
    },
    spec: spec as Pod['spec'],
  };
}

const PHASE_ORDINAL: Readonly<Record<string, number>> = { Pending: 0, Unknown: 1, Running: 2 };

function restarts(pod: Pod): number {
  return (pod.status?.containerStatuses ?? []).reduce((n, s) => Math.max(n, s.restartCount ?? 0), 0);
}

/**
 * `controller.ActivePods` as a comparator, least valuable first: unscheduled, then Pending <
 * Unknown < Running, not ready, ready more recently, more restarts, created more recently.
 */
export function byRemovalOrder(a: Pod, b: Pod): number {
  const [na, nb] = [a.spec?.nodeName ?? '', b.spec?.nodeName ?? ''];
  if ((na === '') !== (nb === '')) return na === '' ? -1 : 1;
  const [oa, ob] = [PHASE_ORDINAL[a.status?.phase ?? ''] ?? 0, PHASE_ORDINAL[b.status?.phase ?? ''] ?? 0];
  if (oa !== ob) return oa - ob;
  const [ra, rb] = [isPodReady(a), isPodReady(b)];
  if (ra !== rb) return ra ? 1 : -1;
  if (ra && rb) {
    const [ta, tb] = [timeOf(podReadyCondition(a)?.lastTransitionTime) ?? 0, timeOf(podReadyCondition(b)?.lastTransitionTime) ?? 0];
    if (ta !== tb) return tb - ta;
  }
  if (restarts(a) !== restarts(b)) return restarts(b) - restarts(a);
  return (timeOf(b.metadata.creationTimestamp) ?? 0) - (timeOf(a.metadata.creationTimestamp) ?? 0);
}
