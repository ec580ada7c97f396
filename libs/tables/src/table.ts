// `kubectl get` asks for `application/json;as=Table;v=v1;g=meta.k8s.io`; this builds that
// Table from already-selected objects. Like the API server, it always prints "wide" (all
// columns, priority 1 included) and lets kubectl hide what `-o wide` does not ask for.

import { KubeObject } from '@keelson/apimachinery';
import { CREATION_TIMESTAMP_DESCRIPTION, col, NAME, Printer, PrintedRow, TableColumnDefinition, TableRowCondition } from './columns';
import { cluster, core, events, pods, workloads } from './printers';

export type IncludeObject = 'None' | 'Metadata' | 'Object';

export interface TableOptions {
  readonly includeObject: IncludeObject;
  readonly now: Date;
  readonly resourceVersion?: string;
  readonly continue?: string;
  readonly remainingItemCount?: number;
}

export interface TableRow {
  readonly cells: PrintedRow['cells'];
  readonly conditions?: readonly TableRowCondition[];
  readonly object?: KubeObject | PartialObjectMetadata;
}

export interface PartialObjectMetadata {
  readonly apiVersion: 'meta.k8s.io/v1';
  readonly kind: 'PartialObjectMetadata';
  readonly metadata: KubeObject['metadata'];
}

export interface Table {
  readonly kind: 'Table';
  readonly apiVersion: 'meta.k8s.io/v1';
  readonly metadata: { resourceVersion?: string; continue?: string; remainingItemCount?: number };
  readonly columnDefinitions: readonly TableColumnDefinition[];
  readonly rows: readonly TableRow[];
}


/** Printers by `plural.group` ("pods", "deployments.apps"), as the API server registers them by kind. */
const PRINTERS: Readonly<Record<string, Printer>> = {
  pods: pods.podPrinter,
  services: core.servicePrinter,
  endpoints: core.endpointsPrinter,
  nodes: core.nodePrinter,
  namespaces: core.namespacePrinter,
  configmaps: core.configMapPrinter,
  secrets: core.secretPrinter,
  serviceaccounts: core.serviceAccountPrinter,
  persistentvolumes: core.persistentVolumePrinter,
  persistentvolumeclaims: core.persistentVolumeClaimPrinter,
  events: events.eventPrinter,
  'events.events.k8s.io': events.eventPrinter,
  'deployments.apps': workloads.deploymentPrinter,
  'replicasets.apps': workloads.replicaSetPrinter,
  'statefulsets.apps': workloads.statefulSetPrinter,
  'daemonsets.apps': workloads.daemonSetPrinter,
  'controllerrevisions.apps': workloads.controllerRevisionPrinter,
  'jobs.batch': workloads.jobPrinter,
  'cronjobs.batch': workloads.cronJobPrinter,
  'endpointslices.discovery.k8s.io': cluster.endpointSlicePrinter,
  'ingresses.networking.k8s.io': cluster.ingressPrinter,
  'ingressclasses.networking.k8s.io': cluster.ingressClassPrinter,
  'networkpolicies.networking.k8s.io': cluster.networkPolicyPrinter,
  'storageclasses.storage.k8s.io': cluster.storageClassPrinter,
  'priorityclasses.scheduling.k8s.io': cluster.priorityClassPrinter,
  'leases.coordination.k8s.io': cluster.leasePrinter,
  'horizontalpodautoscalers.autoscaling': cluster.horizontalPodAutoscalerPrinter,
  'poddisruptionbudgets.policy': cluster.podDisruptionBudgetPrinter,
};

/**
 * The API server's default table convertor, for kinds without a printer: NAME and
 * "Created At" as an RFC 3339 date (kubectl shows it as CREATED AT, e.g. for CRDs).
 */
export const defaultPrinter: Printer<KubeObject> = {
  columns: [NAME, col('Created At', 'date', CREATION_TIMESTAMP_DESCRIPTION)],
  print: (obj) => {
    const ts = obj.metadata.creationTimestamp;
    // Go's time.RFC3339 of a UTC time: whole seconds, "Z"; a zero time prints as year 1.
    const created = ts ? new Date(ts).toISOString().replace(/\.\d{3}Z$/, 'Z') : '0001-01-01T00:00:00Z';
    return { cells: [obj.metadata.name ?? '', created] };
  },
};

export function printerFor(plural: string, group: string): Printer {
  return PRINTERS[group ? `${plural}.${group}` : plural] ?? defaultPrinter;
}

function rowObject(obj: KubeObject, includeObject: IncludeObject): TableRow['object'] {
  switch (includeObject) {
    case 'None':
      return undefined;
    case 'Metadata':
      return { apiVersion: 'meta.k8s.io/v1', kind: 'PartialObjectMetadata', metadata: obj.metadata };
    case 'Object':
      return obj;
    default: {
      const never: never = includeObject;
      throw new Error(`unknown includeObject ${String(never)}`);
    }
  }
}

/** Builds the `meta.k8s.io/v1` Table for a list (or a single object as a one-row list). */
export function toTable(plural: string, group: string, objects: readonly KubeObject[], opts: TableOptions): Table {
  const printer = printerFor(plural, group);
  const metadata: Table['metadata'] = {
    ...(opts.resourceVersion !== undefined ? { resourceVersion: opts.resourceVersion } : {}),
    ...(opts.continue ? { continue: opts.continue } : {}),
    ...(opts.remainingItemCount !== undefined ? { remainingItemCount: opts.remainingItemCount } : {}),
  };
  const rows = objects.map((obj): TableRow => {
    const printed = printer.print(obj, opts.now);
    const object = rowObject(obj, opts.includeObject);
    return { cells: printed.cells, ...(printed.conditions ? { conditions: printed.conditions } : {}), ...(object ? { object } : {}) };
  });
  return { kind: 'Table', apiVersion: 'meta.k8s.io/v1', metadata, columnDefinitions: printer.columns, rows };
}
