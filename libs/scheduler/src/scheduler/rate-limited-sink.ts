import type { EventSink } from '@keelson/events';

// kube-scheduler writes its Events through a client of their own, rate-limited as every
// client-go client is (--kube-api-qps 50, --kube-api-burst 100 by default): in a burst of binds
// the writes wait for tokens, the recorder's queue fills and further Events are dropped. Without
// the limit each bind would cost a second write in the apiserver — an Event create costs it
// about as much as the bind itself — so a 10,000-pod burst writes ~100 Events a second at most.

export const EVENTS_QPS = 50;
export const EVENTS_BURST = 100;

export interface RateLimit {
  qps: number;
  burst: number;
  now: () => number;
  sleep?: (ms: number) => Promise<void>;
}

/** A token bucket (client-go's flowcontrol.NewTokenBucketRateLimiter): `take` resolves once a token is free. */
export function tokenBucket({ qps, burst, now, sleep = (ms) => new Promise((r) => setTimeout(r, ms)) }: RateLimit): () => Promise<void> {
  let tokens = burst;
  let at = now();
  return async () => {
    for (;;) {
      const t = now();
      tokens = Math.min(burst, tokens + ((t - at) * qps) / 1000);
      at = t;
      if (tokens >= 1) {
        tokens -= 1;
        return;
      }
      await sleep(Math.ceil(((1 - tokens) * 1000) / qps));
    }
  };
}

export function rateLimitedSink(sink: EventSink, limit: RateLimit): EventSink {
  const take = tokenBucket(limit);
  return {
    create: async (event, cause) => {
      await take();
      return sink.create(event, cause);
    },
    patch: async (namespace, name, patch, cause) => {
      await take();
      return sink.patch(namespace, name, patch, cause);
    },
  };
}
