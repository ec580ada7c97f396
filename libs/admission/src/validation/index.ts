// validateObject: one entry point, dispatching on kind, run on create (old undefined) and
// on update (old = the stored object), after defaulting, before the event is appended.
import type { KubeObject, StatusCause } from '@keelson/apimachinery';
import type { ApiResource } from '@keelson/resources';
import { Causes, Json, immutable, obj, deepEqual } from '../causes';
import { validateObjectMeta, validateObjectMetaUpdate } from '../meta';
import { validatePodSpec } from './pod';
import { validateEndpoints, validateServiceSpec, validateServiceUpdate } from './service';
import { validateEndpointSlice } from './discovery';
import { validatePvSpec, validatePvcSpec, validatePvcUpdate, validateStorageClass } from './storage';
import { validateIngressClassSpec, validateIngressSpec, validateNetworkPolicySpec } from './networking';
import {
  validateCronJobName, validateCronJobSpec, validateDaemonSetSpec, validateDeploymentSpec, validateJobSpec, validateJobUpdate,
  validateReplicaSetSpec, validateStatefulSetSpec, validateStatefulSetUpdate,
} from './workloads';
import {
  validateControllerRevision, validateDataKeys, validateEvent, validateHpaSpec, validateImmutableData, validateLeaseSpec,
  validatePdbSpec, validatePodUpdate, validatePriorityClass, validateSecretType,
} from './misc';

function validateKind(kind: string, o: Json, old: Json | undefined): Causes {
  const spec = obj(o.spec) ?? {};
  const oldSpec = old ? obj(old.spec) ?? {} : undefined;
  const name = obj(o.metadata)?.name as string | undefined;
  switch (kind) {
    case 'Pod':
      return [...validatePodSpec(spec, 'spec'), ...(oldSpec ? validatePodUpdate(spec, oldSpec) : [])];
    case 'Deployment':
    case 'ReplicaSet':
    case 'DaemonSet': {
      const check = kind === 'Deployment' ? validateDeploymentSpec : kind === 'ReplicaSet' ? validateReplicaSetSpec : validateDaemonSetSpec;
      return [...check(spec), ...selectorImmutable(spec, oldSpec)];
    }
    case 'StatefulSet':
      // The selector is covered by the one statefulset message, as in Kubernetes.
      return [...validateStatefulSetSpec(spec), ...(oldSpec ? validateStatefulSetUpdate(spec, oldSpec) : [])];
    case 'Job':
      return [...validateJobSpec(spec), ...(oldSpec ? validateJobUpdate(spec, oldSpec) : [])];
    case 'CronJob':
      return [...validateCronJobName(name), ...validateCronJobSpec(spec)];
    case 'Service':
      return [...validateServiceSpec(spec), ...(oldSpec ? validateServiceUpdate(spec, oldSpec) : [])];
    case 'Endpoints':
      return validateEndpoints(o);
    case 'EndpointSlice':
      return validateEndpointSlice(o, old);
    case 'PersistentVolumeClaim':
      return [...validatePvcSpec(spec, 'spec'), ...(oldSpec ? validatePvcUpdate(spec, oldSpec) : [])];
    case 'PersistentVolume':
      return validatePvSpec(spec);
    case 'StorageClass':
      return [...validateStorageClass(o), ...(old && !deepEqual(o.parameters, old.parameters) ? [immutable('parameters', o.parameters)] : []), ...(old && o.provisioner !== old.provisioner ? [immutable('provisioner', o.provisioner)] : [])];
    case 'Secret':
      return [...validateDataKeys(o, ['data', 'stringData']), ...validateSecretType(o, old), ...(old ? validateImmutableData(o, old, ['data']) : [])];
    case 'ConfigMap':
      return [...validateDataKeys(o, ['data', 'binaryData']), ...(old ? validateImmutableData(o, old, ['data', 'binaryData']) : [])];
    case 'NetworkPolicy':
      return validateNetworkPolicySpec(spec);
    case 'Ingress':
      return validateIngressSpec(spec);
    case 'IngressClass':
      return [...validateIngressClassSpec(spec), ...(oldSpec && spec.controller !== oldSpec.controller ? [immutable('spec.controller', spec.controller)] : [])];
    case 'HorizontalPodAutoscaler':
      return validateHpaSpec(spec);
    case 'PodDisruptionBudget':
      return validatePdbSpec(spec);
    case 'PriorityClass':
      return [...validatePriorityClass(o, name), ...(old && o.value !== old.value ? [immutable('value', o.value)] : [])];
    case 'Lease':
      return validateLeaseSpec(spec);
    case 'Event':
      return validateEvent(o, obj(o.metadata)?.namespace as string | undefined);
    case 'ControllerRevision':
      return validateControllerRevision(o, old);
    default:
      return [];
  }
}

function selectorImmutable(spec: Json, oldSpec: Json | undefined): Causes {
  return oldSpec && !deepEqual(spec.selector, oldSpec.selector) ? [immutable('spec.selector', spec.selector)] : [];
}

/** Every failing field, in Kubernetes' paths and words; empty when the object may be stored. */
export function validateObject(resource: ApiResource, o: KubeObject, old?: KubeObject): StatusCause[] {
  return [
    ...validateObjectMeta(resource, o.metadata),
    ...(old ? validateObjectMetaUpdate(o.metadata, old.metadata) : []),
    ...validateKind(resource.kind, o as Json, old as Json | undefined),
  ];
}
