// Which fields a resource can be selected by, and how each reads off an object. Mirrors the
// per-kind field label conversion funcs (pkg/apis/*/v1/conversion.go) for what is accepted
// and the registries' `GetAttrs`/`ToSelectableFields` for the values. Kinds without their
// own func get apimachinery's DefaultMetaV1FieldSelectorConversion and its message.

import { KubeObject } from '../object';
import { Errors } from '../status';
import { FieldRequirement } from './fields';

type Getter = (obj: KubeObject) => string;

interface SelectableFields {
  readonly fields: Readonly<Record<string, Getter>>;
  /** Old names still accepted and rewritten (pods: spec.host → spec.nodeName). */
  readonly aliases?: Readonly<Record<string, string>>;
  readonly unsupported: (label: string) => string;
}

const at = (obj: unknown, ...path: string[]): unknown => path.reduce<unknown>((o, k) => (o && typeof o === 'object' ? (o as Record<string, unknown>)[k] : undefined), obj);
const str = (...path: string[]): Getter => (obj) => {
  const v = at(obj, ...path);
  return v === undefined || v === null ? '' : String(v);
};
const bool = (...path: string[]): Getter => (obj) => String(at(obj, ...path) === true);
const int = (...path: string[]): Getter => (obj) => String(Number(at(obj, ...path) ?? 0));

const name: Getter = str('metadata', 'name');
const namespace: Getter = str('metadata', 'namespace');
const meta = { 'metadata.name': name, 'metadata.namespace': namespace };
const notSupported = (label: string) => `field label not supported: ${label}`;

const DEFAULT_FIELDS: SelectableFields = {
  fields: meta,
  unsupported: (label) => `${JSON.stringify(label)} is not a known field selector: only "metadata.name", "metadata.namespace"`,
};

/** The first pod IP, as `status.podIP` is derived from `status.podIPs[0]`. */
const podIP: Getter = (obj) => {
  const ips = at(obj, 'status', 'podIPs');
  if (Array.isArray(ips) && ips.length > 0) return String((ips[0] as { ip?: string }).ip ?? '');
  return str('status', 'podIP')(obj);
};

/** Event "source" falls back to reportingController when source.component is empty. */
const eventSource: Getter = (obj) => str('source', 'component')(obj) || str('reportingComponent')(obj) || str('reportingController')(obj);

const BY_RESOURCE: Readonly<Record<string, SelectableFields>> = {
  pods: {
    fields: {
      ...meta,
      'spec.nodeName': str('spec', 'nodeName'),
      'spec.restartPolicy': str('spec', 'restartPolicy'),
      'spec.schedulerName': str('spec', 'schedulerName'),
      'spec.serviceAccountName': str('spec', 'serviceAccountName'),
      'spec.hostNetwork': bool('spec', 'hostNetwork'),
      'status.phase': str('status', 'phase'),
      'status.podIP': podIP,
      'status.nominatedNodeName': str('status', 'nominatedNodeName'),
    },
    aliases: { 'spec.host': 'spec.nodeName' },
    unsupported: notSupported,
  },
  nodes: { fields: { 'metadata.name': name, 'spec.unschedulable': bool('spec', 'unschedulable') }, unsupported: notSupported },
  namespaces: { fields: { 'metadata.name': name, 'status.phase': str('status', 'phase') }, unsupported: notSupported },
  secrets: { fields: { ...meta, type: str('type') }, unsupported: notSupported },
  services: { fields: { ...meta, 'spec.clusterIP': str('spec', 'clusterIP'), 'spec.type': str('spec', 'type') }, unsupported: notSupported },
  replicationcontrollers: { fields: { ...meta, 'status.replicas': int('status', 'replicas') }, unsupported: notSupported },
  replicasets: { fields: { ...meta, 'status.replicas': int('status', 'replicas') }, unsupported: notSupported },
  statefulsets: {
    fields: { ...meta, 'status.successful': int('status', 'succeeded') },
    unsupported: (label) => `field label not supported for appsv1.StatefulSet: ${label}`,
  },
  jobs: {
    fields: { ...meta, 'status.successful': int('status', 'succeeded') },
    unsupported: (label) => `field label ${JSON.stringify(label)} not supported for batchv1.Job`,
  },
  events: {
    fields: {
      ...meta,
      'involvedObject.kind': str('involvedObject', 'kind'),
      'involvedObject.namespace': str('involvedObject', 'namespace'),
      'involvedObject.name': str('involvedObject', 'name'),
      'involvedObject.uid': str('involvedObject', 'uid'),
      'involvedObject.apiVersion': str('involvedObject', 'apiVersion'),
      'involvedObject.resourceVersion': str('involvedObject', 'resourceVersion'),
      'involvedObject.fieldPath': str('involvedObject', 'fieldPath'),
      reason: str('reason'),
      reportingComponent: (obj) => str('reportingComponent')(obj) || str('reportingController')(obj),
      source: eventSource,
      type: str('type'),
    },
    unsupported: notSupported,
  },
  certificatesigningrequests: { fields: { 'metadata.name': name, 'spec.signerName': str('spec', 'signerName') }, unsupported: notSupported },
};

const selectableFields = (resourcePlural: string): SelectableFields => BY_RESOURCE[resourcePlural] ?? DEFAULT_FIELDS;

/** The field names a resource can be selected by (after alias rewriting). */
export function supportedFields(resourcePlural: string): string[] {
  return Object.keys(selectableFields(resourcePlural).fields);
}

/**
 * Checks every requirement against the resource's field labels and rewrites aliases.
 * The first unsupported one (in sorted order, as Kubernetes walks them) is a 400.
 */
export function convertFieldSelector(resourcePlural: string, requirements: readonly FieldRequirement[]): FieldRequirement[] {
  const sel = selectableFields(resourcePlural);
  return requirements.map((r) => {
    const field = sel.aliases?.[r.field] ?? r.field;
    if (!Object.prototype.hasOwnProperty.call(sel.fields, field)) throw Errors.badRequest(sel.unsupported(r.field));
    return { ...r, field };
  });
}

/**
 * The value a field selector compares against, e.g. `fieldValue('pods', pod, 'spec.nodeName')`.
 * `undefined` when the resource cannot be selected by that field.
 */
export function fieldValue(resourcePlural: string, obj: KubeObject, field: string): string | undefined {
  const sel = selectableFields(resourcePlural);
  const key = sel.aliases?.[field] ?? field;
  return Object.prototype.hasOwnProperty.call(sel.fields, key) ? sel.fields[key](obj) : undefined;
}
