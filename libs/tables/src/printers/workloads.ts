// apps and batch: deployments, replicasets, statefulsets, daemonsets, jobs, cronjobs and
// controllerrevisions, with the wide CONTAINERS / IMAGES / SELECTOR columns.

import { formatLabels, formatLabelSelector, LabelSelector } from '@keelson/apimachinery';
import { AGE, col, CONTAINERS, IMAGES, NAME, Printer, selectorCol } from '../columns';
import { between, humanDuration, since } from '../duration';
import { controllerOf, layoutContainerCells, Meta, n, PodTemplate } from '../format';

interface Workload {
  readonly metadata: Meta;
  readonly spec?: { readonly replicas?: number; readonly selector?: LabelSelector; readonly template?: PodTemplate };
  readonly status?: Record<string, number | undefined>;
}

const wide = (w: Workload) => [...layoutContainerCells(w.spec?.template?.spec?.containers), formatLabelSelector(w.spec?.selector)];

export const deploymentPrinter: Printer<Workload> = {
  columns: [
    NAME,
    col('Ready', 'string', 'Number of the pod with ready state'),
    col('Up-to-date', 'string', 'Total number of non-terminated pods targeted by this deployment that have the desired template spec.'),
    col('Available', 'string', 'Total number of available pods (ready for at least minReadySeconds) targeted by this deployment.'),
    AGE,
    CONTAINERS,
    IMAGES,
    selectorCol('Label selector for pods. Existing ReplicaSets whose pods are selected by this will be the ones affected by this deployment.'),
  ],
  // An unset spec.replicas prints as 0 here: the API server defaults it to 1 before storing.
  print: (d, now) => ({
    cells: [
      d.metadata.name ?? '',
      `${n(d.status?.readyReplicas)}/${n(d.spec?.replicas)}`,
      n(d.status?.updatedReplicas),
      n(d.status?.availableReplicas),
      since(d.metadata.creationTimestamp, now),
      ...wide(d),
    ],
  }),
};

export const replicaSetPrinter: Printer<Workload> = {
  columns: [
    NAME,
    col('Desired', 'integer', 'Replicas is the number of desired replicas.'),
    col('Current', 'integer', 'Replicas is the most recently observed number of replicas.'),
    col('Ready', 'integer', 'The number of ready replicas for this replica set.'),
    AGE,
    CONTAINERS,
    IMAGES,
    selectorCol('Selector is a label query over pods that should match the replica count.'),
  ],
  print: (rs, now) => ({
    cells: [rs.metadata.name ?? '', n(rs.spec?.replicas), n(rs.status?.replicas), n(rs.status?.readyReplicas), since(rs.metadata.creationTimestamp, now), ...wide(rs)],
  }),
};

export const statefulSetPrinter: Printer<Workload> = {
  columns: [NAME, col('Ready', 'string', 'Number of the pod with ready state'), AGE, CONTAINERS, IMAGES],
  print: (ss, now) => ({
    cells: [
      ss.metadata.name ?? '',
      `${n(ss.status?.readyReplicas)}/${n(ss.spec?.replicas)}`,
      since(ss.metadata.creationTimestamp, now),
      ...layoutContainerCells(ss.spec?.template?.spec?.containers),
    ],
  }),
};

export const daemonSetPrinter: Printer<Workload> = {
  columns: [
    NAME,
    col('Desired', 'integer', 'The total number of nodes that should be running the daemon pod (including nodes correctly running the daemon pod).'),
    col('Current', 'integer', 'The number of nodes that are running at least 1 daemon pod and are supposed to run the daemon pod.'),
    col('Ready', 'integer', 'The number of nodes that should be running the daemon pod and have one or more of the daemon pod running and ready.'),
    col('Up-to-date', 'integer', 'The total number of nodes that are running updated daemon pod'),
    col('Available', 'integer', 'The number of nodes that should be running the daemon pod and have one or more of the daemon pod running and available (ready for at least spec.minReadySeconds)'),
    col('Node Selector', 'string', "NodeSelector is a selector which must be true for the pod to fit on a node. Selector which must match a node's labels for the pod to be scheduled on that node. More info: https://kubernetes.io/docs/concepts/configuration/assign-pod-node/"),
    AGE,
    CONTAINERS,
    IMAGES,
    selectorCol('A label query over pods that are managed by the daemon set. Must match in order to be controlled. It must match the pod template\'s labels. More info: https://kubernetes.io/docs/concepts/overview/working-with-objects/labels/#label-selectors'),
  ],
  print: (ds, now) => ({
    cells: [
      ds.metadata.name ?? '',
      n(ds.status?.desiredNumberScheduled),
      n(ds.status?.currentNumberScheduled),
      n(ds.status?.numberReady),
      n(ds.status?.updatedNumberScheduled),
      n(ds.status?.numberAvailable),
      formatLabels(ds.spec?.template?.spec?.nodeSelector),
      since(ds.metadata.creationTimestamp, now),
      ...wide(ds),
    ],
  }),
};

interface Job {
  readonly metadata: Meta;
  readonly spec?: { readonly completions?: number; readonly parallelism?: number; readonly selector?: LabelSelector; readonly template?: PodTemplate };
  readonly status?: {
    readonly succeeded?: number;
    readonly startTime?: string;
    readonly completionTime?: string;
    readonly conditions?: readonly { type: string; status: string }[];
  };
}

const jobCondition = (job: Job, type: string) => job.status?.conditions?.find((c) => c.type === type)?.status === 'True';

function jobStatus(job: Job): string {
  if (jobCondition(job, 'Complete')) return 'Complete';
  if (jobCondition(job, 'Failed')) return 'Failed';
  if (job.metadata.deletionTimestamp) return 'Terminating';
  if (jobCondition(job, 'Suspended')) return 'Suspended';
  if (jobCondition(job, 'FailureTarget')) return 'FailureTarget';
  return 'Running';
}

/** "2/3"; without completions "0/1", or "0/1 of 4" when several pods run in parallel. */
function jobCompletions(job: Job): string {
  const succeeded = n(job.status?.succeeded);
  if (job.spec?.completions !== undefined && job.spec.completions !== null) return `${succeeded}/${job.spec.completions}`;
  const parallelism = n(job.spec?.parallelism);
  return parallelism > 1 ? `${succeeded}/1 of ${parallelism}` : `${succeeded}/1`;
}

export const jobPrinter: Printer<Job> = {
  columns: [
    NAME,
    col('Status', 'string', 'Status of the job.'),
    col('Completions', 'string', 'The number of pods which reached phase Succeeded. The value increases monotonically for a given spec. However, it may decrease in reaction to scale down of elastic indexed jobs.'),
    col('Duration', 'string', 'Time required to complete the job.'),
    AGE,
    CONTAINERS,
    IMAGES,
    selectorCol('A label query over pods that should match the pod count. Normally, the system sets this field for you. More info: https://kubernetes.io/docs/concepts/overview/working-with-objects/labels/#label-selectors'),
  ],
  print: (job, now) => {
    const { startTime, completionTime } = job.status ?? {};
    const duration = !startTime ? '' : !completionTime ? humanDuration(now.getTime() - Date.parse(startTime)) : between(startTime, completionTime);
    return {
      cells: [
        job.metadata.name ?? '',
        jobStatus(job),
        jobCompletions(job),
        duration,
        since(job.metadata.creationTimestamp, now),
        ...layoutContainerCells(job.spec?.template?.spec?.containers),
        formatLabelSelector(job.spec?.selector),
      ],
    };
  },
};

interface CronJob {
  readonly metadata: Meta;
  readonly spec?: {
    readonly schedule?: string;
    readonly timeZone?: string;
    readonly suspend?: boolean;
    readonly jobTemplate?: { readonly spec?: { readonly selector?: LabelSelector; readonly template?: PodTemplate } };
  };
  readonly status?: { readonly active?: readonly unknown[]; readonly lastScheduleTime?: string };
}

export const cronJobPrinter: Printer<CronJob> = {
  columns: [
    NAME,
    col('Schedule', 'string', 'The schedule in Cron format, see https://en.wikipedia.org/wiki/Cron.'),
    col('Timezone', 'string', 'The time zone name for the given schedule, see https://en.wikipedia.org/wiki/List_of_tz_database_time_zones. If not specified, this will default to the time zone of the kube-controller-manager process. The set of valid time zone names and the time zone offset is loaded from the system-wide time zone database by the API server during CronJob validation and the controller manager during execution. If no system-wide time zone database can be found a bundled version of the database is used instead. If the time zone name becomes invalid during the lifetime of a CronJob or due to a change in host configuration, the controller will stop creating new new Jobs and will create a system event with the reason UnknownTimeZone. More information can be found in https://kubernetes.io/docs/concepts/workloads/controllers/cron-jobs/#time-zones'),
    col('Suspend', 'boolean', 'This flag tells the controller to suspend subsequent executions, it does not apply to already started executions.  Defaults to false.'),
    col('Active', 'integer', 'A list of pointers to currently running jobs.'),
    col('Last Schedule', 'string', 'Information when was the last time the job was successfully scheduled.'),
    AGE,
    CONTAINERS,
    IMAGES,
    selectorCol('A label query over pods that should match the pod count. Normally, the system sets this field for you. More info: https://kubernetes.io/docs/concepts/overview/working-with-objects/labels/#label-selectors'),
  ],
  print: (cj, now) => {
    const template = cj.spec?.jobTemplate?.spec;
    return {
      cells: [
        cj.metadata.name ?? '',
        cj.spec?.schedule ?? '',
        cj.spec?.timeZone ?? '<none>',
        cj.spec?.suspend === true,
        (cj.status?.active ?? []).length,
        cj.status?.lastScheduleTime ? since(cj.status.lastScheduleTime, now) : '<none>',
        since(cj.metadata.creationTimestamp, now),
        ...layoutContainerCells(template?.template?.spec?.containers),
        formatLabelSelector(template?.selector),
      ],
    };
  },
};

interface ControllerRevision {
  readonly metadata: Meta;
  readonly revision?: number;
}

/** "statefulset.apps/web": the controller's lower-cased Kind.group and name. */
function controllerName(meta: Meta): string {
  const ref = controllerOf(meta);
  if (!ref) return '<none>';
  const group = ref.apiVersion.includes('/') ? ref.apiVersion.split('/')[0] : '';
  return `${(group ? `${ref.kind}.${group}` : ref.kind).toLowerCase()}/${ref.name}`;
}

export const controllerRevisionPrinter: Printer<ControllerRevision> = {
  columns: [NAME, col('Controller', 'string', 'Controller of the object'), col('Revision', 'string', 'Revision indicates the revision of the state represented by Data.'), AGE],
  print: (cr, now) => ({ cells: [cr.metadata.name ?? '', controllerName(cr.metadata), n(cr.revision), since(cr.metadata.creationTimestamp, now)] }),
};
