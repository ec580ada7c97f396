import { filterFor, resourceToken, type EventLog, type LogEntry } from '@keelson/eventlog';
import type { ApiResource } from '@keelson/resources';

// The watch cache, as kube-apiserver has one: a single log consumer per resource per
// apiserver, fanned out to every watcher of that resource, with the most recent entries kept
// in memory so that a watcher starting from a recent version (the usual list-then-watch) is
// served from the buffer. A watcher resuming from an older version than the buffer holds gets
// a consumer of its own, as before. 100 watchers cost one consumer and one decode per entry.

const CAPACITY = 20_000;

type Listener = (e: LogEntry) => void;

/** A live subscription; `done` resolves when its signal aborts. (An object, not a bare promise, so that awaiting the subscribe call does not wait for the end.) */
export interface Subscription {
  done: Promise<void>;
}

class ResourceCache {
  private buffer: LogEntry[] = [];
  /** every entry of this resource with seq ≥ floor is in the buffer or yet to come */
  private floor = Number.POSITIVE_INFINITY;
  private readonly listeners = new Set<Listener>();
  private readonly ac = new AbortController();
  readonly ready: Promise<void>;

  constructor(private readonly log: EventLog, private readonly filter: string) {
    this.ready = this.start();
  }

  private async start(): Promise<void> {
    const from = (await this.log.bounds()).last + 1;
    this.floor = from;
    void this.log
      .follow(this.filter, from, (e) => this.push(e), this.ac.signal)
      .catch((err) => {
        // The cache stops serving; watchers fall back to consumers of their own.
        console.error(`watch cache ${this.filter}: ${(err as Error).message}`);
        this.floor = Number.POSITIVE_INFINITY;
      });
  }

  private push(e: LogEntry): void {
    this.buffer.push(e);
    if (this.buffer.length > CAPACITY) {
      const dropped = this.buffer.splice(0, this.buffer.length - CAPACITY);
      this.floor = dropped[dropped.length - 1].seq + 1;
    }
    for (const l of this.listeners) {
      try {
        l(e);
      } catch (err) {
        console.error('watch cache listener failed:', err);
      }
    }
  }

  /**
   * Delivers every entry with seq ≥ fromSeq — the buffered ones at once, then each new one —
   * until `signal` aborts. Returns null when the buffer no longer reaches back to fromSeq.
   */
  subscribe(fromSeq: number, listener: Listener, signal: AbortSignal): Subscription | null {
    if (fromSeq < this.floor) return null;
    // Binary search for the first buffered entry at or after fromSeq; no await between replay
    // and registration, so no entry can slip between them.
    let lo = 0;
    let hi = this.buffer.length;
    while (lo < hi) {
      const mid = (lo + hi) >>> 1;
      if (this.buffer[mid].seq < fromSeq) lo = mid + 1;
      else hi = mid;
    }
    for (let i = lo; i < this.buffer.length; i++) listener(this.buffer[i]);
    this.listeners.add(listener);
    const done = new Promise<void>((resolve) => {
      const end = () => {
        this.listeners.delete(listener);
        resolve();
      };
      if (signal.aborted) end();
      else signal.addEventListener('abort', end, { once: true });
    });
    return { done };
  }

  stop(): void {
    this.ac.abort();
    this.listeners.clear();
  }
}

export class WatchCache {
  private readonly caches = new Map<string, ResourceCache>();

  constructor(private readonly log: EventLog) {}

  /** Subscribes through the resource's cache (started on first use); null when it cannot serve fromSeq. */
  async subscribe(resource: ApiResource, fromSeq: number, listener: Listener, signal: AbortSignal): Promise<Subscription | null> {
    const key = resourceToken(resource.group, resource.plural);
    let cache = this.caches.get(key);
    if (!cache) {
      cache = new ResourceCache(this.log, filterFor(resource.group, resource.plural, undefined, this.log.prefix));
      this.caches.set(key, cache);
    }
    await cache.ready;
    return cache.subscribe(fromSeq, listener, signal);
  }

  stop(): void {
    for (const c of this.caches.values()) c.stop();
    this.caches.clear();
  }
}
