// The pod-template-hash (controller.ComputeHash) and template equality (EqualIgnoreHash).

import { fnv32a, goJson, safeEncode } from '../history/hash';
import { clone, PodTemplateSpec } from '../common/types';

export const POD_TEMPLATE_HASH = 'pod-template-hash';

/**
 * FNV-32a over the template, then over collisionCount as 8 little-endian bytes when set, printed
 * in decimal and through SafeEncodeString. Kubernetes hashes Go's `%#v` dump of the struct,
 * which has no JavaScript equivalent; here the bytes are the template's canonical JSON, so the
 * hash has Kubernetes' shape (e.g. "5d4f8c7b9") but not its value. Bumping collisionCount gives
 * a fresh name when `<deployment>-<hash>` is taken by a ReplicaSet with another template.
 */
export function podTemplateHash(template: PodTemplateSpec, collisionCount?: number): string {
  let h = fnv32a(goJson(stripped(template)));
  if (collisionCount !== undefined && collisionCount !== null) {
    const bytes = new Uint8Array(8);
    new DataView(bytes.buffer).setUint32(0, collisionCount >>> 0, true);
    h = fnv32a(bytes, h);
  }
  return safeEncode(String(h));
}

/** `EqualIgnoreHash`: semantic equality of two templates, the pod-template-hash label aside. */
export function equalIgnoreHash(a: PodTemplateSpec, b: PodTemplateSpec): boolean {
  return goJson(stripped(a)) === goJson(stripped(b));
}

/** Without the hash label, and with null / empty maps and lists dropped (Semantic.DeepEqual treats nil and empty alike). */
function stripped(t: PodTemplateSpec): unknown {
  const labels = { ...(t.metadata?.labels ?? {}) };
  delete labels[POD_TEMPLATE_HASH];
  return prune({ ...t, metadata: { ...(t.metadata ?? {}), labels } });
}

function prune(v: unknown): unknown {
  if (Array.isArray(v)) return v.length ? v.map(prune) : undefined;
  if (v === null || typeof v !== 'object') return v ?? undefined;
  const out: Record<string, unknown> = {};
  for (const [k, x] of Object.entries(v)) {
    const p = prune(x);
    if (p !== undefined) out[k] = p;
  }
  return Object.keys(out).length ? out : undefined;
}

/** The template with the hash label added: what the new ReplicaSet's pods carry. */
export function templateWithHash(t: PodTemplateSpec, hash: string): PodTemplateSpec {
  const copy = clone(t);
  copy.metadata = { ...(copy.metadata ?? {}), labels: { ...(copy.metadata?.labels ?? {}), [POD_TEMPLATE_HASH]: hash } };
  return copy;
}

/** `SetFromReplicaSetTemplate`: a ReplicaSet's template back as a Deployment's, hash label removed. */
export function templateWithoutHash(t: PodTemplateSpec): PodTemplateSpec {
  const copy = clone(t);
  const labels = { ...(copy.metadata?.labels ?? {}) };
  delete labels[POD_TEMPLATE_HASH];
  copy.metadata = { ...(copy.metadata ?? {}), labels };
  return copy;
}
