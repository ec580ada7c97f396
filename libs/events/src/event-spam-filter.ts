// client-go's EventSourceObjectSpamFilter: one token bucket per (source, involved object), 25
// events of burst refilled at one per 5 minutes. A ReplicaSet making 1,000 pods records its first
// 25 SuccessfulCreate events and drops the rest, as kube-controller-manager does, instead of
// doubling the writes of a scale-up.

export const EVENT_SPAM_BURST = 25;
export const EVENT_SPAM_REFILL_MS = 5 * 60_000;
/** Buckets untouched this long are full again and forgotten, so the map does not grow forever. */
const FORGET_AFTER_MS = EVENT_SPAM_BURST * EVENT_SPAM_REFILL_MS;

export class EventSpamFilter {
  private readonly buckets = new Map<string, { tokens: number; at: number }>();

  constructor(
    private readonly burst = EVENT_SPAM_BURST,
    private readonly refillMs = EVENT_SPAM_REFILL_MS,
  ) {}

  /** true: record this event; false: it is spam. `key` names the source and the involved object. */
  allow(key: string, nowMs: number): boolean {
    if (this.buckets.size > 10_000) this.forgetIdle(nowMs);
    const b = this.buckets.get(key) ?? { tokens: this.burst, at: nowMs };
    const tokens = Math.min(this.burst, b.tokens + (nowMs - b.at) / this.refillMs);
    const allowed = tokens >= 1;
    this.buckets.set(key, { tokens: allowed ? tokens - 1 : tokens, at: nowMs });
    return allowed;
  }

  private forgetIdle(nowMs: number): void {
    for (const [k, b] of this.buckets) if (nowMs - b.at > FORGET_AFTER_MS) this.buckets.delete(k);
  }
}
