// Per-pod backoff, as Kubernetes' podInitialBackoff (1 s) / podMaxBackoff (10 s): every failed
// attempt doubles the wait, so a pod that cannot fit does not hog the scheduler.

export const POD_INITIAL_BACKOFF_MS = 1_000;
export const POD_MAX_BACKOFF_MS = 10_000;
/** podMaxInUnschedulablePodsDuration: an unschedulable pod is retried after this long even if no event helped. */
export const POD_MAX_IN_UNSCHEDULABLE_MS = 5 * 60_000;

/**
 * Wait after `attempts` failed attempts: initial × 2^(attempts−1), capped.
 * Worked example with 1 s / 10 s: attempts 1 → 1 s, 2 → 2 s, 3 → 4 s, 4 → 8 s, 5 → 10 s (16 capped).
 * A pod never attempted (attempts 0) does not back off.
 */
export function backoffDuration(attempts: number, initialMs = POD_INITIAL_BACKOFF_MS, maxMs = POD_MAX_BACKOFF_MS): number {
  if (attempts <= 0) return 0;
  let d = initialMs;
  for (let i = 1; i < attempts; i++) {
    d *= 2;
    if (d >= maxMs) return maxMs;
  }
  return Math.min(d, maxMs);
}
