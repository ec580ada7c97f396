// Closed-loop load and latency statistics for the benchmarks: `concurrency` workers each
// issue the next operation as soon as their previous one finished, until `total` operations
// are done or the time budget runs out (then the phase reports how far it got).

export interface PhaseResult {
  done: number;
  errors: number;
  firstError?: string;
  seconds: number;
  /** milliseconds, one per successful operation */
  latencies: number[];
}

export async function closedLoop(total: number, concurrency: number, maxSeconds: number, op: (i: number) => Promise<void>): Promise<PhaseResult> {
  const latencies: number[] = [];
  let next = 0;
  let errors = 0;
  let firstError: string | undefined;
  const started = performance.now();
  const deadline = started + maxSeconds * 1000;
  const worker = async () => {
    while (next < total && performance.now() < deadline) {
      const i = next++;
      const t0 = performance.now();
      try {
        await op(i);
        latencies.push(performance.now() - t0);
      } catch (e) {
        errors++;
        firstError ??= (e as Error).message;
      }
    }
  };
  await Promise.all(Array.from({ length: concurrency }, worker));
  return { done: latencies.length, errors, firstError, seconds: (performance.now() - started) / 1000, latencies };
}

/**
 * Nearest-rank percentile: the smallest value with at least p % of the samples at or below it.
 * Worked example: 200 samples, p99 → rank ceil(0.99 × 200) = 198, i.e. sorted[197].
 */
export function percentile(values: readonly number[], p: number): number {
  if (values.length === 0) return NaN;
  const sorted = [...values].sort((a, b) => a - b);
  const rank = Math.max(1, Math.ceil((p / 100) * sorted.length));
  return sorted[rank - 1];
}

export function rate(r: PhaseResult): number {
  return r.done / Math.max(r.seconds, 1e-9);
}

export const fmt = (n: number, digits = 1): string => (Number.isFinite(n) ? n.toFixed(digits) : 'n/a');
