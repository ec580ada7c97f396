// pkg/controller's slowStartBatch: a controller creating many pods starts with one, then
// doubles, so a template that can never succeed (quota, admission) fails one call, not 500.

/** Kubernetes' per-sync cap on creates/deletes for one ReplicaSet (`BurstReplicas`). */
export const BURST_REPLICAS = 500;

/** `controller.SlowStartInitialBatchSize`. */
export const SLOW_START_INITIAL_BATCH_SIZE = 1;

/**
 * Sizes of the successive batches for `count` creates.
 * Worked example: 10 → [1, 2, 4, 3] (1 + 2 + 4 = 7, and the last batch takes the 3 left).
 */
export function slowStartBatches(count: number, initial = SLOW_START_INITIAL_BATCH_SIZE): number[] {
  const sizes: number[] = [];
  let remaining = count;
  for (let size = Math.min(remaining, initial); size > 0; size = Math.min(2 * size, remaining)) {
    sizes.push(size);
    remaining -= size;
  }
  return sizes;
}
