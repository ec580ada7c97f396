// Whether a recomputed status differs from the stored one: key order and absent-versus-empty
// fields (an empty condition list, a zero count never written) must not cause a write.

import { JobStatus } from './types';

/** JobStatus's `omitempty` integers: 0 and absent are the same value. */
const OMIT_ZERO = new Set(['active', 'succeeded', 'failed']);

function canonical(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(canonical);
  if (value && typeof value === 'object') {
    const out: Record<string, unknown> = {};
    for (const k of Object.keys(value).sort()) {
      const v = canonical((value as Record<string, unknown>)[k]);
      if (v === undefined || v === '' || (Array.isArray(v) && v.length === 0) || (OMIT_ZERO.has(k) && v === 0)) continue;
      out[k] = v;
    }
    return out;
  }
  return value;
}

export function sameStatus(a: unknown, b: unknown): boolean {
  return JSON.stringify(canonical(a ?? {})) === JSON.stringify(canonical(b ?? {}));
}

export function jobStatusChanged(before: JobStatus | undefined, after: JobStatus): boolean {
  return !sameStatus(before, after);
}
