// ObjectMeta validation (ValidateObjectMeta / ValidateObjectMetaUpdate in apimachinery).
import type { ApiResource } from '@keelson/resources';
import type { ObjectMeta } from '@keelson/apimachinery';
import { Cause, Causes, immutable, invalidEach, obj, tooLong } from './causes';
import { isDNS1035Label, isDNS1123Label, isDNS1123Subdomain, isQualifiedName, isValidLabelValue, isValidPathSegmentName } from './names';

export const TOTAL_ANNOTATION_SIZE_LIMIT = 256 * 1024;

export type NameCheck = (name: string, prefix: boolean) => string[];

// generateName is a prefix: a trailing '-' is fine because a random suffix follows it.
const asPrefix = (check: (n: string) => string[]): NameCheck => (name, prefix) => check(prefix ? name.replace(/-$/, 'a') : name);

/** How each kind's names are checked: most are DNS subdomains, a few are stricter or looser. */
export function nameCheckFor(kind: string): NameCheck {
  switch (kind) {
    case 'Namespace':
      return asPrefix(isDNS1123Label);
    case 'Service':
      return asPrefix(isDNS1035Label);
    case 'Event':
      return (n) => isValidPathSegmentName(n);
    default:
      return asPrefix(isDNS1123Subdomain);
  }
}

export function validateLabels(labels: unknown, field: string): Causes {
  const m = obj(labels);
  if (!m) return [];
  const out: Causes = [];
  for (const [k, v] of Object.entries(m)) {
    out.push(...invalidEach(field, k, isQualifiedName(k)));
    if (typeof v !== 'string') out.push(Cause.invalid(field, v, 'label values must be strings'));
    else out.push(...invalidEach(field, v, isValidLabelValue(v)));
  }
  return out;
}

export function validateAnnotations(annotations: unknown, field: string): Causes {
  const m = obj(annotations);
  if (!m) return [];
  const out: Causes = [];
  let size = 0;
  for (const [k, v] of Object.entries(m)) {
    out.push(...invalidEach(field, k, isQualifiedName(k.toLowerCase())));
    size += Buffer.byteLength(k) + Buffer.byteLength(String(v));
  }
  if (size > TOTAL_ANNOTATION_SIZE_LIMIT) out.push(tooLong(field, TOTAL_ANNOTATION_SIZE_LIMIT));
  return out;
}

export function validateObjectMeta(resource: ApiResource, meta: ObjectMeta | undefined): Causes {
  const m = meta ?? {};
  const out: Causes = [];
  const check = nameCheckFor(resource.kind);
  if (!m.name && !m.generateName) out.push(Cause.required('metadata.name', 'name or generateName is required'));
  if (m.name) out.push(...invalidEach('metadata.name', m.name, check(m.name, false)));
  if (m.generateName) out.push(...invalidEach('metadata.generateName', m.generateName, check(m.generateName, true)));
  if (resource.namespaced) {
    if (!m.namespace) out.push(Cause.required('metadata.namespace'));
    else out.push(...invalidEach('metadata.namespace', m.namespace, isDNS1123Label(m.namespace)));
  } else if (m.namespace) {
    out.push(Cause.forbidden('metadata.namespace', 'not allowed on this type'));
  }
  out.push(...validateLabels(m.labels, 'metadata.labels'));
  out.push(...validateAnnotations(m.annotations, 'metadata.annotations'));
  return out;
}

export function validateObjectMetaUpdate(meta: ObjectMeta | undefined, old: ObjectMeta | undefined): Causes {
  const n = meta ?? {};
  const o = old ?? {};
  const out: Causes = [];
  for (const f of ['name', 'namespace', 'uid', 'creationTimestamp'] as const) {
    if (o[f] !== undefined && n[f] !== undefined && n[f] !== o[f]) out.push(immutable(`metadata.${f}`, n[f]));
  }
  return out;
}
