import { isDeepStrictEqual } from 'node:util';
import type { KubeObject } from '@keelson/apimachinery';
import type { PodInfo } from '../framework/types';
import { POD_INITIAL_BACKOFF_MS, POD_MAX_BACKOFF_MS, POD_MAX_IN_UNSCHEDULABLE_MS, backoffDuration } from './backoff';
import { ClusterEvent, DEFAULT_PLUGIN_EVENTS, eventMayHelp } from './events';
import { KeyedHeap } from './heap';

// Kubernetes' PriorityQueue (pkg/scheduler/internal/queue/scheduling_queue.go): pending pods
// wait in one of three places —
//   activeQ        ready to be tried, highest priority first, then first come first served;
//   backoffQ       failed recently, waiting out their backoff;
//   unschedulable  failed and waiting for a cluster change that might help (or 5 minutes).
// A popped pod is "in flight" until it is scheduled (`done`) or comes back (`addUnschedulable`);
// events seen meanwhile are remembered so a pod that missed the change that would have helped
// it does not sleep in the unschedulable set.

export interface QueuedPodInfo {
  readonly podInfo: PodInfo;
  /** when it last entered the queue: FIFO order among equals, and the start of its backoff */
  readonly timestamp: number;
  /** when it was first added; kept across attempts */
  readonly initialTimestamp: number;
  /** scheduling attempts so far, counted at pop */
  readonly attempts: number;
  /** the Filter plugins that rejected it last time (empty after an error) */
  readonly unschedulablePlugins: ReadonlySet<string>;
  /** held back by spec.schedulingGates */
  readonly gated: boolean;
}

export interface SchedulingQueueOptions {
  now: () => number;
  pluginEvents?: Readonly<Record<string, readonly ClusterEvent[]>>;
  initialBackoffMs?: number;
  maxBackoffMs?: number;
  maxInUnschedulableMs?: number;
}

interface InFlight {
  popped: PodInfo;
  events: Set<ClusterEvent>;
  /** the newest object if the pod was updated while being scheduled */
  updated?: PodInfo;
  deleted: boolean;
}

export type QueueLocation = 'active' | 'backoff' | 'unschedulable' | 'inFlight';

const NO_PLUGINS: ReadonlySet<string> = new Set();
const GATES: ReadonlySet<string> = new Set(['SchedulingGates']);

/** Kubernetes' PrioritySort: higher priority first, then earlier entry. */
export const podLess = (a: QueuedPodInfo, b: QueuedPodInfo): boolean =>
  a.podInfo.priority !== b.podInfo.priority ? a.podInfo.priority > b.podInfo.priority : a.timestamp < b.timestamp;

export function isGated(pod: PodInfo): boolean {
  const gates = (pod.pod.spec as { schedulingGates?: unknown[] } | undefined)?.schedulingGates;
  return Array.isArray(gates) && gates.length > 0;
}

/**
 * Kubernetes' isPodUpdated: did anything but status and bookkeeping change? The scheduler's
 * own status writes (PodScheduled=False) must not pull a pod out of the unschedulable set,
 * or it would retry in a loop.
 */
export function podChanged(before: KubeObject, after: KubeObject): boolean {
  const strip = (p: KubeObject) => {
    const { resourceVersion: _rv, generation: _g, managedFields: _mf, ...metadata } = p.metadata;
    const { status: _s, ...rest } = p;
    return { ...rest, metadata };
  };
  return !isDeepStrictEqual(strip(before), strip(after));
}

export class SchedulingQueue {
  private readonly clock: () => number;
  private readonly pluginEvents: Readonly<Record<string, readonly ClusterEvent[]>>;
  private readonly initialBackoffMs: number;
  private readonly maxBackoffMs: number;
  private readonly maxInUnschedulableMs: number;
  private readonly activeQ = new KeyedHeap<QueuedPodInfo>((q) => q.podInfo.key, podLess);
  private readonly backoffQ = new KeyedHeap<QueuedPodInfo>((q) => q.podInfo.key, (a, b) => this.backoffExpiry(a) < this.backoffExpiry(b));
  private readonly unschedulable = new Map<string, QueuedPodInfo>();
  private readonly inFlight = new Map<string, InFlight>();

  constructor(options: SchedulingQueueOptions) {
    this.clock = options.now;
    this.pluginEvents = options.pluginEvents ?? DEFAULT_PLUGIN_EVENTS;
    this.initialBackoffMs = options.initialBackoffMs ?? POD_INITIAL_BACKOFF_MS;
    this.maxBackoffMs = options.maxBackoffMs ?? POD_MAX_BACKOFF_MS;
    this.maxInUnschedulableMs = options.maxInUnschedulableMs ?? POD_MAX_IN_UNSCHEDULABLE_MS;
  }

  /** A new pending pod: to activeQ, or to the unschedulable set while it has scheduling gates. */
  add(podInfo: PodInfo): void {
    const key = podInfo.key;
    if (this.where(key) !== undefined) return this.update(podInfo);
    const now = this.clock();
    const qp: QueuedPodInfo = { podInfo, timestamp: now, initialTimestamp: now, attempts: 0, unschedulablePlugins: NO_PLUGINS, gated: false };
    this.enqueueNew(qp);
  }

  /** The pod object changed while pending. */
  update(podInfo: PodInfo): void {
    const key = podInfo.key;
    const flying = this.inFlight.get(key);
    if (flying) {
      if (podChanged((flying.updated ?? flying.popped).pod, podInfo.pod)) flying.updated = podInfo;
      return;
    }
    const active = this.activeQ.get(key);
    if (active) return this.activeQ.upsert({ ...active, podInfo });
    const backingOff = this.backoffQ.get(key);
    if (backingOff) return this.backoffQ.upsert({ ...backingOff, podInfo });
    const waiting = this.unschedulable.get(key);
    if (!waiting) return this.add(podInfo);
    if (waiting.gated) {
      this.unschedulable.delete(key);
      return this.enqueueNew({ ...waiting, podInfo, gated: false, unschedulablePlugins: NO_PLUGINS });
    }
    if (!podChanged(waiting.podInfo.pod, podInfo.pod)) return void this.unschedulable.set(key, { ...waiting, podInfo });
    // the pod itself changed (e.g. its tolerations or requests): it may fit now
    this.unschedulable.delete(key);
    this.requeue({ ...waiting, podInfo }, this.clock());
  }

  delete(key: string): void {
    this.activeQ.delete(key);
    this.backoffQ.delete(key);
    this.unschedulable.delete(key);
    const flying = this.inFlight.get(key);
    if (flying) flying.deleted = true;
  }

  /** The next pod to schedule, its attempts counted; undefined when activeQ is empty. */
  pop(): QueuedPodInfo | undefined {
    const qp = this.activeQ.pop();
    if (!qp) return undefined;
    this.inFlight.set(qp.podInfo.key, { popped: qp.podInfo, events: new Set(), deleted: false });
    return { ...qp, attempts: qp.attempts + 1 };
  }

  /** The popped pod was scheduled (or given up on): stop tracking it. */
  done(key: string): void {
    this.inFlight.delete(key);
  }

  /**
   * The popped pod did not fit. It goes to backoffQ when a failure came from an error (no
   * rejecting plugin), or when a cluster event that may help it arrived while it was being
   * scheduled; otherwise to the unschedulable set until such an event comes.
   */
  addUnschedulable(qp: QueuedPodInfo, unschedulablePlugins: Iterable<string>): void {
    const key = qp.podInfo.key;
    const flying = this.inFlight.get(key);
    this.inFlight.delete(key);
    if (flying?.deleted || this.where(key) !== undefined) return;
    const plugins = new Set(unschedulablePlugins);
    const now = this.clock();
    const back: QueuedPodInfo = { ...qp, podInfo: flying?.updated ?? qp.podInfo, timestamp: now, unschedulablePlugins: plugins };
    const missedHelp = flying !== undefined && (flying.updated !== undefined || [...flying.events].some((e) => eventMayHelp(e, plugins, this.pluginEvents)));
    if (plugins.size === 0 || missedHelp) this.requeue(back, now);
    else this.unschedulable.set(key, back);
  }

  /** Moves pods whose backoff is over from backoffQ to activeQ. */
  flushBackoffCompleted(now: number = this.clock()): void {
    for (let head = this.backoffQ.peek(); head && this.backoffExpiry(head) <= now; head = this.backoffQ.peek()) {
      this.activeQ.upsert(this.backoffQ.pop() as QueuedPodInfo);
    }
  }

  /** Pods unschedulable for longer than 5 minutes get another try even without a helpful event. */
  flushUnschedulableLeftover(now: number = this.clock()): void {
    for (const [key, qp] of this.unschedulable) {
      if (qp.gated || now - qp.timestamp <= this.maxInUnschedulableMs) continue;
      this.unschedulable.delete(key);
      this.requeue(qp, now);
    }
  }

  /** A cluster change: pods it may help leave the unschedulable set. Returns how many moved. */
  moveAllOnEvent(event: ClusterEvent, now: number = this.clock()): number {
    for (const flying of this.inFlight.values()) flying.events.add(event);
    let moved = 0;
    for (const [key, qp] of this.unschedulable) {
      if (qp.gated || !eventMayHelp(event, qp.unschedulablePlugins, this.pluginEvents)) continue;
      this.unschedulable.delete(key);
      this.requeue(qp, now);
      moved++;
    }
    return moved;
  }

  where(key: string): QueueLocation | undefined {
    if (this.activeQ.has(key)) return 'active';
    if (this.backoffQ.has(key)) return 'backoff';
    if (this.unschedulable.has(key)) return 'unschedulable';
    if (this.inFlight.has(key)) return 'inFlight';
    return undefined;
  }

  /** Every waiting pod (not the ones in flight), for `kubectl`-style inspection and tests. */
  pendingPods(): { location: QueueLocation; qp: QueuedPodInfo }[] {
    return [
      ...this.activeQ.list().map((qp) => ({ location: 'active' as const, qp })),
      ...this.backoffQ.list().map((qp) => ({ location: 'backoff' as const, qp })),
      ...[...this.unschedulable.values()].map((qp) => ({ location: 'unschedulable' as const, qp })),
    ];
  }

  get activeCount(): number {
    return this.activeQ.size;
  }

  /** When the pod's backoff ends: entry time + backoffDuration(attempts). */
  backoffExpiry(qp: QueuedPodInfo): number {
    return qp.timestamp + backoffDuration(qp.attempts, this.initialBackoffMs, this.maxBackoffMs);
  }

  private enqueueNew(qp: QueuedPodInfo): void {
    if (isGated(qp.podInfo)) this.unschedulable.set(qp.podInfo.key, { ...qp, gated: true, unschedulablePlugins: GATES });
    else this.activeQ.upsert(qp);
  }

  /** To backoffQ while still backing off, else straight to activeQ. */
  private requeue(qp: QueuedPodInfo, now: number): void {
    if (this.backoffExpiry(qp) > now) this.backoffQ.upsert(qp);
    else this.activeQ.upsert(qp);
  }
}
