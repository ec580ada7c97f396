// client-go's ItemExponentialFailureRateLimiter as used by DefaultControllerRateLimiter:
// each key's n-th consecutive failure waits base·2ⁿ, capped. Forgetting a key (after a
// successful sync) starts it over.
//
// Worked example with the defaults (5 ms base, 1000 s cap): failures wait 5, 10, 20, 40 ms …;
// the 18th failure (n = 17) would wait 5 ms·2¹⁷ ≈ 655 s, the 19th 1311 s → capped at 1000 s.

export interface RateLimiter {
  /** How long to wait before retrying `key`, counting this as one more failure. */
  when(key: string): number;
  forget(key: string): void;
  failures(key: string): number;
}

export const DEFAULT_BASE_DELAY_MS = 5;
export const DEFAULT_MAX_DELAY_MS = 1000 * 1000;

export class ExponentialFailureRateLimiter implements RateLimiter {
  private readonly counts = new Map<string, number>();

  constructor(
    private readonly baseMs = DEFAULT_BASE_DELAY_MS,
    private readonly maxMs = DEFAULT_MAX_DELAY_MS,
  ) {}

  when(key: string): number {
    const n = this.counts.get(key) ?? 0;
    this.counts.set(key, n + 1);
    // 2ⁿ overflows nothing in doubles, but past the cap the exponent no longer matters.
    const delay = this.baseMs * Math.pow(2, Math.min(n, 62));
    return Math.min(delay, this.maxMs);
  }

  forget(key: string): void {
    this.counts.delete(key);
  }

  failures(key: string): number {
    return this.counts.get(key) ?? 0;
  }
}
