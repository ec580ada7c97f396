// Restart and image-pull back-off, shaped like client-go's flowcontrol.Backoff as the
// kubelet uses it: 10 s doubling to 5 min; an entry whose last update is more than twice
// the maximum (10 min) old is forgotten, so a container that ran 10 min before crashing
// again starts over at 10 s.
//
// Worked example (times are when the container exited):
//   t=0     exits → next(): delay 10 s, may restart at t=10 s
//   t=15 s  exits → next(): delay 20 s, may restart at t=35 s (message "back-off 20s …")
//   t=40 s  exits → 40 s, then 1m20s, 2m40s, 5m0s, 5m0s …
//   t=20 m  exits after running 15 min → more than 10 min since the last update: 10 s again.
import type { Pod } from './types';
import { formatPod, podUid } from './types';

export const INITIAL_BACKOFF_MS = 10_000;
export const MAX_BACKOFF_MS = 300_000;

interface Entry {
  readonly delayMs: number;
  /** The event time (a container's finishedAt) of the last `next`. */
  readonly lastUpdate: number;
}

/**
 * The one stateful piece: the agent owns an instance and calls `next` when it restarts a
 * container; the pure decision functions only read it through `BackoffView`.
 */
export interface BackoffView {
  /** True while `now` is inside the delay that started at `since` (default: the last update). */
  shouldWait(key: string, now: number, since?: number): boolean;
  /** The current delay for the key, 0 when there is none. */
  delayMs(key: string): number;
}

export class Backoff implements BackoffView {
  private readonly entries = new Map<string, Entry>();

  constructor(
    readonly initialMs = INITIAL_BACKOFF_MS,
    readonly maxMs = MAX_BACKOFF_MS,
  ) {}

  private expired(entry: Entry, at: number): boolean {
    return at - entry.lastUpdate > 2 * this.maxMs;
  }

  /** Records another failure at `at` and returns the delay that now applies. */
  next(key: string, at: number): number {
    const entry = this.entries.get(key);
    const delayMs = !entry || this.expired(entry, at) ? this.initialMs : Math.min(entry.delayMs * 2, this.maxMs);
    this.entries.set(key, { delayMs, lastUpdate: at });
    return delayMs;
  }

  shouldWait(key: string, now: number, since?: number): boolean {
    const entry = this.entries.get(key);
    if (!entry) return false;
    const from = since ?? entry.lastUpdate;
    if (this.expired(entry, from)) return false;
    return now - from < entry.delayMs;
  }

  delayMs(key: string): number {
    return this.entries.get(key)?.delayMs ?? 0;
  }

  reset(key: string): void {
    this.entries.delete(key);
  }

  /** Drops entries not touched for twice the maximum, as the kubelet's periodic GC does. */
  gc(now: number): void {
    for (const [key, entry] of this.entries) if (this.expired(entry, now)) this.entries.delete(key);
  }
}

/** Keyed by pod uid and container name, so a recreated pod of the same name starts fresh. */
export const backoffKey = (pod: Pod, containerName: string): string => `${podUid(pod)}/${containerName}`;

/** Go's time.Duration.String() for whole seconds: 10s, 1m20s, 5m0s, 1h0m0s. */
export function formatGoDuration(ms: number): string {
  const total = Math.round(ms / 1000);
  const h = Math.floor(total / 3600);
  const m = Math.floor((total % 3600) / 60);
  const s = total % 60;
  if (h > 0) return `${h}h${m}m${s}s`;
  if (m > 0) return `${m}m${s}s`;
  return `${s}s`;
}

export function crashLoopMessage(pod: Pod, containerName: string, delayMs: number): string {
  return `back-off ${formatGoDuration(delayMs)} restarting failed container=${containerName} pod=${formatPod(pod)}`;
}

export function imagePullBackOffMessage(image: string): string {
  return `Back-off pulling image ${JSON.stringify(image)}`;
}
