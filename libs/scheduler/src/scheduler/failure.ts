import type { KubeObject } from '@keelson/apimachinery';
import type { Diagnosis } from '../cycle/types';
import type { PodInfo } from '../framework/types';
import type { Preemption } from '../preemption';
import { eventsPath, podPath, type SchedulerClient } from './client';
import { disruptionTargetPatch, eventName, NODE_REASONS_ANNOTATION, nodeReasons, podEvent, unschedulableStatusPatch } from './records';

// What the scheduler writes when a pod does not fit: the PodScheduled=False condition and a
// FailedScheduling Event (repeats of the same message bump the Event's count, as client-go's
// recorder aggregates, instead of adding Events); and, when preemption found room, the
// victims' DisruptionTarget condition, their deletion and a Preempted Event each.

export interface WriterContext {
  readonly client: SchedulerClient;
  readonly now: () => number;
  readonly reportingInstance: string;
  readonly warn: (msg: string) => void;
}

interface LastFailure {
  message: string;
  event: string;
  count: number;
  firstMs: number;
  nominatedNodeName?: string;
}

/** Kubernetes' message for a preemption that found nothing, appended after the fit error. */
export function preemptionFailureMessage(pod: PodInfo, diagnosis: Diagnosis, totalNodes: number): string {
  if ((pod.pod.spec as { preemptionPolicy?: string } | undefined)?.preemptionPolicy === 'Never') return 'preemption: not eligible due to preemptionPolicy=Never.';
  let unhelpful = 0;
  for (const s of diagnosis.nodeToStatus.values()) if (s.code === 'UnschedulableAndUnresolvable') unhelpful++;
  const parts = [`${totalNodes - unhelpful} No preemption victims found for incoming pod`, `${unhelpful} Preemption is not helpful for scheduling`]
    .filter((p) => !p.startsWith('0 '))
    .sort();
  return `preemption: 0/${totalNodes} nodes are available: ${parts.join(', ')}.`;
}

export class FailureRecorder {
  private readonly last = new Map<string, LastFailure>();
  private seq = 0;

  constructor(private readonly ctx: WriterContext) {}

  /** The pod left the scheduler's hands (bound or deleted): its next failure starts a new Event. */
  forget(key: string): void {
    this.last.delete(key);
  }

  async unschedulable(pod: PodInfo, message: string, diagnosis: Diagnosis, nominatedNodeName?: string, cause?: number): Promise<void> {
    const { client, now } = this.ctx;
    const t = now();
    const prev = this.last.get(pod.key);
    const same = prev !== undefined && prev.message === message;
    const nominationChanged = nominatedNodeName !== undefined && prev?.nominatedNodeName !== nominatedNodeName;
    const writes: Promise<unknown>[] = [];
    if (!same || nominationChanged) {
      writes.push(client.patch(podPath(pod.namespace, pod.pod.metadata.name, 'status'), unschedulableStatusPatch(message, t, nominatedNodeName), { patchType: 'strategic', cause }));
    }
    if (same) {
      prev.count++;
      if (nominatedNodeName !== undefined) prev.nominatedNodeName = nominatedNodeName;
      writes.push(client.patch(`${eventsPath(pod.namespace)}/${prev.event}`, { count: prev.count, lastTimestamp: new Date(t).toISOString().replace(/\.\d{3}Z$/, 'Z') }, { patchType: 'merge', cause }));
    } else {
      const name = eventName(pod.pod.metadata.name ?? 'pod', t, this.seq++);
      this.last.set(pod.key, { message, event: name, count: 1, firstMs: t, nominatedNodeName });
      const annotations = { [NODE_REASONS_ANNOTATION]: JSON.stringify(nodeReasons(diagnosis)) };
      const event = podEvent({ name, involved: pod.pod, reason: 'FailedScheduling', message, type: 'Warning', action: 'Scheduling', nowMs: t, annotations, reportingInstance: this.ctx.reportingInstance });
      writes.push(client.create(eventsPath(pod.namespace), event, { cause }));
    }
    await this.settle(pod.key, writes);
  }

  /** Makes room for `preemptor` as Kubernetes' prepareCandidate: victims marked, deleted and told; lower nominations cleared. */
  async preempt(preemptor: PodInfo, preemption: Preemption, lowerNominated: readonly PodInfo[], schedulerName: string, cause?: number): Promise<void> {
    const { client, now } = this.ctx;
    const t = now();
    const writes = preemption.victims.map(async (victim) => {
      const name = victim.pod.metadata.name;
      await client.patch(podPath(victim.namespace, name, 'status'), disruptionTargetPatch(t, schedulerName), { patchType: 'strategic', cause }).catch(() => undefined);
      await client.delete(podPath(victim.namespace, name), undefined, { cause });
      const message = `Preempted by pod ${preemptor.uid} on node ${preemption.node}`;
      const event = podEvent({ name: eventName(name ?? 'pod', t, this.seq++), involved: victim.pod, reason: 'Preempted', message, type: 'Normal', action: 'Preempting', nowMs: t, reportingInstance: this.ctx.reportingInstance });
      await client.create(eventsPath(victim.namespace), event as KubeObject, { cause });
    });
    for (const p of lowerNominated) {
      writes.push(client.patch(podPath(p.namespace, p.pod.metadata.name, 'status'), { status: { nominatedNodeName: null } }, { patchType: 'merge', cause }).then(() => undefined));
    }
    await this.settle(preemptor.key, writes);
  }

  private async settle(key: string, writes: Promise<unknown>[]): Promise<void> {
    for (const r of await Promise.allSettled(writes)) {
      if (r.status === 'rejected') this.ctx.warn(`scheduler: write for ${key} failed: ${(r.reason as Error)?.message ?? r.reason}`);
    }
  }
}
