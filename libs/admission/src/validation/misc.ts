// The smaller kinds: Pod updates, Secret, ConfigMap, Namespace, HPA, PDB, PriorityClass,
// Lease, Event, ControllerRevision.
import { Cause, Causes, Json, arr, deepEqual, invalidEach, nonNegative, obj, oneOf, tooLong } from '../causes';
import { isConfigMapKey } from '../names';
import { validateLabelSelector } from '../selector';

export const POD_UPDATE_FORBIDDEN =
  'pod updates may not change fields other than `spec.containers[*].image`,`spec.initContainers[*].image`,`spec.activeDeadlineSeconds`,`spec.tolerations` (only additions to existing tolerations),`spec.terminationGracePeriodSeconds` (allow it to be set to 1 if it was previously negative)';

/**
 * ValidatePodUpdate: copy the mutable fields from the new spec onto the old one; if the
 * result differs from the new spec, something immutable changed. Setting nodeName on an
 * unbound pod is let through because Keelson's scheduler binds through an update.
 */
export function validatePodUpdate(spec: Json, old: Json): Causes {
  const patched: Json = structuredClone(old);
  const withImages = (list: unknown, from: unknown) =>
    arr(list).map((c, i) => ({ ...(obj(c) ?? {}), image: obj(arr(from)[i])?.image ?? obj(c)?.image }));
  patched.containers = withImages(old.containers, spec.containers);
  if (old.initContainers !== undefined) patched.initContainers = withImages(old.initContainers, spec.initContainers);
  for (const f of ['activeDeadlineSeconds', 'terminationGracePeriodSeconds'] as const) patched[f] = spec[f];
  if (!old.nodeName) patched.nodeName = spec.nodeName;
  const out: Causes = [];
  const oldTolerations = arr(old.tolerations);
  const kept = oldTolerations.every((t) => arr(spec.tolerations).some((n) => deepEqual(n, t)));
  if (!kept) out.push(Cause.forbidden('spec.tolerations', 'existing toleration can not be modified except its tolerationSeconds'));
  patched.tolerations = spec.tolerations;
  if (!deepEqual(patched, spec)) out.push(Cause.forbidden('spec', POD_UPDATE_FORBIDDEN));
  return out;
}

export const MAX_SECRET_SIZE = 1024 * 1024;

/** Secret and ConfigMap: keys are config keys, unique across data and binaryData, 1 MiB in total. */
export function validateDataKeys(o: Json, fields: readonly ('data' | 'stringData' | 'binaryData')[]): Causes {
  const out: Causes = [];
  const seen = new Set<string>();
  let size = 0;
  for (const f of fields) {
    for (const [k, v] of Object.entries(obj(o[f]) ?? {})) {
      out.push(...invalidEach(`${f}[${k}]`, k, isConfigMapKey(k)));
      if (f === 'binaryData' && seen.has(k)) out.push(Cause.duplicate(`data[${k}]`, k));
      seen.add(k);
      size += String(v ?? '').length;
    }
  }
  if (size > MAX_SECRET_SIZE) out.push(tooLong(fields[0], MAX_SECRET_SIZE));
  return out;
}

/** `immutable: true` freezes data and the flag itself. */
export function validateImmutableData(o: Json, old: Json, fields: readonly string[]): Causes {
  if (old.immutable !== true) return [];
  const out: Causes = [];
  if (o.immutable !== true) out.push(Cause.forbidden('immutable', 'field is immutable when `immutable` is set'));
  for (const f of fields) {
    if (!deepEqual(o[f] ?? {}, old[f] ?? {})) out.push(Cause.forbidden(f, 'field is immutable when `immutable` is set'));
  }
  return out;
}

export function validateSecretType(o: Json, old?: Json): Causes {
  if (old && old.type !== o.type) return [Cause.invalid('type', o.type, 'field is immutable')];
  if (o.type === 'kubernetes.io/dockerconfigjson' && obj(o.data)?.['.dockerconfigjson'] === undefined) return [Cause.required('data[.dockerconfigjson]')];
  if (o.type === 'kubernetes.io/tls') {
    const d = obj(o.data) ?? {};
    return [...(d['tls.crt'] === undefined ? [Cause.required('data[tls.crt]')] : []), ...(d['tls.key'] === undefined ? [Cause.required('data[tls.key]')] : [])];
  }
  return [];
}

export function validateHpaSpec(spec: Json | undefined): Causes {
  const s = spec ?? {};
  const out: Causes = [];
  const ref = obj(s.scaleTargetRef);
  if (!ref) out.push(Cause.required('spec.scaleTargetRef'));
  else {
    if (!ref.kind) out.push(Cause.required('spec.scaleTargetRef.kind'));
    if (!ref.name) out.push(Cause.required('spec.scaleTargetRef.name'));
  }
  const min = s.minReplicas;
  if (typeof min === 'number' && min < 1) out.push(Cause.invalid('spec.minReplicas', min, 'must be greater than or equal to 1'));
  const max = s.maxReplicas;
  if (typeof max !== 'number' || max < 1) out.push(Cause.invalid('spec.maxReplicas', max ?? 0, 'must be greater than 0'));
  else if (typeof min === 'number' && max < min) out.push(Cause.invalid('spec.maxReplicas', max, 'must be greater than or equal to `minReplicas`'));
  arr(s.metrics).forEach((m, i) => out.push(...oneOf(`spec.metrics[${i}].type`, obj(m)?.type, ['ContainerResource', 'External', 'Object', 'Pods', 'Resource'], true)));
  return out;
}

export function validatePdbSpec(spec: Json | undefined): Causes {
  const s = spec ?? {};
  const out: Causes = [];
  if (s.minAvailable !== undefined && s.maxUnavailable !== undefined) out.push(Cause.invalid('spec', s, 'minAvailable and maxUnavailable cannot be both set'));
  for (const f of ['minAvailable', 'maxUnavailable']) {
    const v = s[f];
    if (typeof v === 'number') out.push(...nonNegative(`spec.${f}`, v));
    else if (typeof v === 'string' && !/^[0-9]+%$/.test(v)) out.push(Cause.invalid(`spec.${f}`, v, "a valid percent string must be a numeric string followed by an ending '%' (e.g. '1%',  or '93%', regex used for validation is '[0-9]+%')"));
  }
  const sel = obj(s.selector);
  if (sel) out.push(...validateLabelSelector(sel, 'spec.selector'));
  return out;
}

export const HIGHEST_USER_PRIORITY = 1_000_000_000;

export function validatePriorityClass(o: Json, name: string | undefined): Causes {
  const out: Causes = [];
  if (typeof o.value !== 'number') out.push(Cause.required('value'));
  else if (o.value > HIGHEST_USER_PRIORITY && !name?.startsWith('system-')) {
    out.push(Cause.forbidden('value', `maximum allowed value of a user defined priority is ${HIGHEST_USER_PRIORITY}`));
  }
  out.push(...oneOf('preemptionPolicy', o.preemptionPolicy, ['Never', 'PreemptLowerPriority']));
  return out;
}

export function validateLeaseSpec(spec: Json | undefined): Causes {
  const s = spec ?? {};
  const out: Causes = [];
  if (typeof s.leaseDurationSeconds === 'number' && s.leaseDurationSeconds <= 0) out.push(Cause.invalid('spec.leaseDurationSeconds', s.leaseDurationSeconds, 'must be greater than 0'));
  out.push(...nonNegative('spec.leaseTransitions', s.leaseTransitions));
  return out;
}

export function validateEvent(o: Json, namespace: string | undefined): Causes {
  const out: Causes = [];
  const involved = obj(o.involvedObject);
  if (!involved) out.push(Cause.required('involvedObject'));
  else if (involved.namespace && namespace && involved.namespace !== namespace) {
    out.push(Cause.invalid('involvedObject.namespace', involved.namespace, 'does not match event.namespace'));
  }
  out.push(...oneOf('type', o.type, ['Normal', 'Warning']));
  return out;
}

export function validateControllerRevision(o: Json, old?: Json): Causes {
  const out: Causes = [];
  if (o.data === undefined) out.push(Cause.required('data'));
  out.push(...nonNegative('revision', o.revision));
  if (old && !deepEqual(o.data, old.data)) out.push(Cause.invalid('data', '', 'field is immutable'));
  return out;
}
