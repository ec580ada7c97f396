import { setImmediate as nextTick } from 'node:timers/promises';
import type { KubeObject } from '@keelson/apimachinery';
import { apiEventSink, EventRecorder } from '@keelson/events';
import { SchedulerCache } from '../cache/scheduler-cache';
import { withNodeInfos } from '../cache/snapshot';
import { failedSchedulingMessage, schedulePod, SchedulingError, type Diagnosis } from '../cycle';
import type { SchedulerProfile } from '../config/config';
import type { NodeInfo, PodInfo, Snapshot } from '../framework/types';
import { addNominatedPods, findPreemption, lowerPriorityNominatedPods, nominatedPodsByNode } from '../preemption';
import { SchedulingQueue, type QueuedPodInfo } from '../queue';
import { podPath, type SchedulerClient } from './client';
import { FailureRecorder, preemptionFailureMessage } from './failure';
import { InformerPath } from './informer-path';
import { bindingOf, SCHEDULER_COMPONENT, scheduledMessage } from './records';
import { EVENTS_BURST, EVENTS_QPS, rateLimitedSink } from './rate-limited-sink';
import { throttledWarn } from './throttled-warn';
import { claimsToSelectNode } from '../plugins/filter/volume-binding';

// The scheduling path (schedule_one.go): pop the next pod, snapshot the cache, run the cycle,
// assume the pod on the chosen node, and bind in the background — many binds in flight, so
// the next cycle starts at once and sees the assumed pod. A pod that fits nowhere may preempt;
// it is written up (condition + Event) and waits in the queue. `InformerPath` feeds queue
// and cache from the log; this class owns the loop that only runs while leading.
//
// kube-scheduler runs ScheduleOne back to back on one goroutine and each binding cycle on its
// own. Here the loop runs cycles back to back for up to SLICE_MS before it yields to the event
// loop (informer entries, bind replies): the binds of one slice leave in one socket write
// (nats.js flushes once per turn), and the apiserver reads them in one go.

export interface SchedulerOptions {
  profiles: readonly SchedulerProfile[];
  client: SchedulerClient;
  now?: () => number;
  random?: () => number;
  /** binds awaiting the apiserver at once; the loop pauses when this many are out */
  maxBindsInFlight?: number;
  reportingInstance?: string;
  warn?: (msg: string) => void;
  /** Event writes per second and burst (kube-scheduler's client defaults, 50 and 100) */
  eventsQps?: number;
  eventsBurst?: number;
}

/** How long the loop schedules before it lets informer entries and bind replies in. */
export const SLICE_MS = 10;

export interface SchedulerStats {
  attempts: number;
  bound: number;
  unschedulable: number;
  bindFailures: number;
  preemptions: number;
}

export class Scheduler {
  readonly queue: SchedulingQueue;
  readonly cache: SchedulerCache;
  readonly informers: InformerPath;
  readonly stats: SchedulerStats = { attempts: 0, bound: 0, unschedulable: 0, bindFailures: 0, preemptions: 0 };
  private readonly profiles: ReadonlyMap<string, SchedulerProfile>;
  private readonly cycleState = new Map<string, { nextStartNodeIndex: number }>();
  private readonly recorder: FailureRecorder;
  /** the Scheduled Events, written in the background as client-go's broadcaster does */
  private readonly events: EventRecorder;
  private readonly now: () => number;
  private readonly random: () => number;
  private readonly maxBinds: number;
  private readonly warn: (msg: string) => void;
  private bindsInFlight = 0;
  private readonly pendingBinds = new Set<Promise<void>>();
  private slotFree?: () => void;
  private wakeUp?: () => void;
  private running = false;
  private loop?: Promise<void>;

  constructor(private readonly opts: SchedulerOptions) {
    this.now = opts.now ?? Date.now;
    this.random = opts.random ?? Math.random;
    this.maxBinds = opts.maxBindsInFlight ?? 256;
    this.warn = opts.warn ?? ((m) => console.warn(m));
    this.profiles = new Map(opts.profiles.map((p) => [p.name, p]));
    this.queue = new SchedulingQueue({ now: this.now });
    this.cache = new SchedulerCache({ now: this.now });
    this.recorder = new FailureRecorder({ client: opts.client, now: this.now, reportingInstance: opts.reportingInstance ?? '', warn: this.warn });
    // a burst of binds fills the recorder's queue, which then drops Events: one line about it every 10 s, not one per Event
    const sink = rateLimitedSink(apiEventSink(opts.client), { qps: opts.eventsQps ?? EVENTS_QPS, burst: opts.eventsBurst ?? EVENTS_BURST, now: Date.now });
    this.events = new EventRecorder(sink, { component: SCHEDULER_COMPONENT }, { now: this.now, warn: throttledWarn(this.warn, this.now, 10_000) });
    this.informers = new InformerPath(this.queue, this.cache, this.profiles, this.recorder, () => this.wake());
  }

  get isRunning(): boolean {
    return this.running;
  }

  /** Starts scheduling (on becoming leader). */
  start(): void {
    if (this.running) return;
    this.running = true;
    this.loop = this.run();
  }

  /** Stops after the current cycle (on losing leadership); binds already sent still finish. */
  async stop(): Promise<void> {
    this.running = false;
    this.wake();
    this.slotFree?.();
    await this.loop;
  }

  /** Waits for every bind sent so far, for tests and shutdown. Queued Events are not waited for (at 50 a second that could take long). */
  async drain(): Promise<void> {
    while (this.pendingBinds.size) await Promise.all([...this.pendingBinds]);
  }

  /** Waits until the Events queued so far are written, for specs. */
  flushEvents(): Promise<void> {
    return this.events.flush();
  }

  /** The periodic work of kube-scheduler's queue and cache: backoff ends, leftovers, expired assumptions. */
  tick(now = this.now()): void {
    this.queue.flushBackoffCompleted(now);
    this.queue.flushUnschedulableLeftover(now);
    this.cache.cleanupExpiredAssumedPods(now);
    if (this.queue.activeCount) this.wake();
  }

  private wake(): void {
    const w = this.wakeUp;
    this.wakeUp = undefined;
    w?.();
  }

  private async run(): Promise<void> {
    while (this.running) {
      const popped = this.runSlice(performance.now() + SLICE_MS);
      if (popped === 0) {
        await new Promise<void>((r) => {
          this.wakeUp = r;
          setTimeout(r, 1000).unref();
        });
      } else if (this.bindsInFlight >= this.maxBinds) await new Promise<void>((r) => (this.slotFree = r));
      else await nextTick(); // lets informer entries and bind replies in between slices
    }
  }

  /** Cycles back to back until the queue is empty, the bind slots are taken or the slice is over; returns how many pods it popped. */
  private runSlice(until: number): number {
    let popped = 0;
    while (this.running && this.bindsInFlight < this.maxBinds) {
      const qp = this.queue.pop();
      if (!qp) break;
      popped++;
      try {
        this.scheduleOne(qp);
      } catch (e) {
        this.warn(`scheduler: cycle for ${qp.podInfo.key} failed: ${(e as Error).stack ?? e}`);
        this.queue.addUnschedulable(qp, []);
      }
      if (performance.now() >= until) break;
    }
    return popped;
  }

  /** One cycle for one popped pod; synchronous up to sending the bind. Public for specs. */
  scheduleOne(qp: QueuedPodInfo): void {
    const pod = qp.podInfo;
    this.stats.attempts++;
    const schedulerName = (pod.pod.spec as { schedulerName?: string } | undefined)?.schedulerName ?? 'default-scheduler';
    const profile = this.profiles.get(schedulerName);
    if (!profile || pod.pod.metadata.deletionTimestamp || this.cache.nodeOf(pod.key) !== undefined) return this.queue.done(pod.key);
    const snapshot = this.cache.snapshot();
    const view = this.withNominatedPods(pod, snapshot);
    const state = this.cycleState.get(profile.name) ?? { nextStartNodeIndex: 0 };
    this.cycleState.set(profile.name, state);
    let result;
    try {
      result = schedulePod(pod, view, profile, state, { random: this.random });
    } catch (e) {
      if (!(e instanceof SchedulingError)) throw e;
      this.warn(`scheduler: ${pod.key}: ${e.message}`);
      this.queue.addUnschedulable(qp, []);
      return;
    }
    if (result.node === null) return this.unschedulable(qp, result.diagnosis, snapshot, profile);
    const claims = claimsToSelectNode(snapshot, pod, result.node);
    this.cache.assumePod(pod, result.node);
    this.informers.nominated.delete(pod.key);
    const bind = this.bind(qp, result.node, claims);
    this.pendingBinds.add(bind);
    void bind.finally(() => this.pendingBinds.delete(bind));
  }

  private async bind(qp: QueuedPodInfo, node: string, claims: readonly KubeObject[] = []): Promise<void> {
    const pod = qp.podInfo;
    const cause = this.informers.creationSeq(pod.key);
    this.bindsInFlight++;
    try {
      // PreBind: WaitForFirstConsumer claims learn their node, so their volumes are made there.
      for (const pvc of claims) {
        await this.opts.client.patch(`/api/v1/namespaces/${pvc.metadata.namespace}/persistentvolumeclaims/${pvc.metadata.name}`, { metadata: { annotations: { 'volume.kubernetes.io/selected-node': node } } }, { cause });
      }
      await this.opts.client.create(podPath(pod.namespace, pod.pod.metadata.name, 'binding'), bindingOf(pod.pod, node), { cause });
      this.cache.finishBinding(pod.key);
      this.queue.done(pod.key);
      this.recorder.forget(pod.key);
      this.stats.bound++;
      const m = pod.pod.metadata;
      const involved = { apiVersion: 'v1', kind: 'Pod', namespace: pod.namespace, name: m.name ?? '', uid: m.uid, resourceVersion: m.resourceVersion };
      this.events.record(involved, 'Normal', 'Scheduled', scheduledMessage(pod.namespace, involved.name, node), { cause });
    } catch (e) {
      // as handleBindingCycleError: forget the assumption; the pod retries after its backoff
      this.stats.bindFailures++;
      this.cache.forgetPod(pod.key);
      const code = (e as { code?: number }).code;
      if (code === 404) this.queue.done(pod.key);
      else {
        this.warn(`scheduler: binding ${pod.key} to ${node} failed: ${(e as Error).message}`);
        this.queue.addUnschedulable(qp, []);
      }
    } finally {
      this.bindsInFlight--;
      const free = this.slotFree;
      this.slotFree = undefined;
      free?.();
    }
  }

  /** The snapshot as `pod` must see it: pods nominated elsewhere with priority ≥ its own count on their nodes. */
  private withNominatedPods(pod: PodInfo, snapshot: Snapshot): Snapshot {
    const nominated = this.informers.nominated;
    if (nominated.size === 0 || (nominated.size === 1 && nominated.has(pod.key))) return snapshot;
    const replaced = new Map<string, NodeInfo>();
    for (const [name, pods] of nominatedPodsByNode(nominated.values())) {
      const node = snapshot.nodeInfo(name);
      const seen = node && addNominatedPods(pod, node, pods);
      if (seen && seen !== node) replaced.set(name, seen);
    }
    return replaced.size ? withNodeInfos(snapshot, replaced) : snapshot;
  }

  private unschedulable(qp: QueuedPodInfo, diagnosis: Diagnosis, snapshot: Snapshot, profile: SchedulerProfile): void {
    const pod = qp.podInfo;
    this.stats.unschedulable++;
    const cause = this.informers.creationSeq(pod.key);
    let post: string | undefined;
    let nominatedNode: string | undefined;
    if (profile.preemption) {
      const nominatedPods = [...this.informers.nominated.values()];
      const found = findPreemption(pod, snapshot, profile.filters, this.informers.pdbs(), {
        nodeStatuses: diagnosis.nodeToStatus,
        nominatedPods,
        offset: Math.floor(this.random() * Math.max(1, snapshot.nodes.length)),
      });
      if (found) {
        this.stats.preemptions++;
        nominatedNode = found.node;
        const status = { ...(pod.pod.status as object), nominatedNodeName: found.node };
        this.informers.nominated.set(pod.key, { ...pod, pod: { ...pod.pod, status } as KubeObject });
        void this.recorder.preempt(pod, found, lowerPriorityNominatedPods(pod, found.node, nominatedPods), profile.name, cause);
      } else {
        post = preemptionFailureMessage(pod, diagnosis, snapshot.nodes.length);
      }
    }
    const message = failedSchedulingMessage(diagnosis, snapshot.nodes.length, post);
    this.queue.addUnschedulable(qp, diagnosis.unschedulablePlugins);
    void this.recorder.unschedulable(pod, message, diagnosis, nominatedNode, cause);
  }
}
