import { isDeepStrictEqual } from 'node:util';
import type { KubeObject } from '@keelson/apimachinery';
import type { SchedulerCache } from '../cache/scheduler-cache';
import type { SchedulerProfile } from '../config/config';
import { podInfoOf } from '../framework/info';
import type { PodInfo } from '../framework/types';
import { nominatedNodeNameOf } from '../preemption';
import type { ClusterEvent, SchedulingQueue } from '../queue';
import type { ObjectEvent } from './client';
import type { FailureRecorder } from './failure';
import { resolvePriority } from './priority';

// The informer path (eventhandlers.go): log entries, as informers deliver them, sorted into
// the cache (bound pods, nodes, volumes, namespaces) and the queue (unbound pods of our
// profiles), with the cluster events that may make waiting pods fit. Handlers only update
// in-memory state; nothing here writes.

const TERMINAL = new Set(['Succeeded', 'Failed']);
type Handler = (e: ObjectEvent) => void;

const nodeName = (pod: KubeObject) => (pod.spec as { nodeName?: string } | undefined)?.nodeName || undefined;
const phase = (pod: KubeObject) => (pod.status as { phase?: string } | undefined)?.phase ?? '';

/** Did anything the filters read change (not just a heartbeat)? As nodeSchedulingPropertiesChange. */
export function nodeSchedulingPropertiesChanged(before: KubeObject, after: KubeObject): boolean {
  const props = (n: KubeObject) => [n.metadata.labels, n.spec, (n.status as { allocatable?: unknown } | undefined)?.allocatable, (n.status as { images?: unknown } | undefined)?.images];
  return !isDeepStrictEqual(props(before), props(after));
}

export class InformerPath {
  /** pending pods with status.nominatedNodeName (and ones this scheduler just nominated) */
  readonly nominated = new Map<string, PodInfo>();
  private readonly creation = new Map<string, number>();
  private readonly priorityClasses = new Map<string, KubeObject>();
  private readonly pdbMap = new Map<string, KubeObject>();
  private pdbList?: KubeObject[];

  constructor(
    private readonly queue: SchedulingQueue,
    private readonly cache: SchedulerCache,
    private readonly profiles: ReadonlyMap<string, SchedulerProfile>,
    private readonly recorder: FailureRecorder,
    private readonly wake: () => void,
  ) {}

  /** The log sequence of the pod's Created entry, when this scheduler saw it: the Bound entry's cause. */
  creationSeq(key: string): number | undefined {
    return this.creation.get(key);
  }

  pdbs(): readonly KubeObject[] {
    return (this.pdbList ??= [...this.pdbMap.values()]);
  }

  podInfo(pod: KubeObject): PodInfo {
    const info = podInfoOf(pod);
    const priority = resolvePriority(pod, this.priorityClasses);
    return priority === info.priority ? info : { ...info, priority };
  }

  private move(event: ClusterEvent): void {
    if (this.queue.moveAllOnEvent(event) > 0) this.wake();
  }

  readonly onPod: Handler = (e) => {
    if (e.entryType === 'Created' && !this.creation.has(e.key)) this.creation.set(e.key, e.seq);
    if (e.type === 'delete') {
      this.creation.delete(e.key);
      this.nominated.delete(e.key);
      this.recorder.forget(e.key);
      this.queue.delete(e.key);
      if (this.cache.nodeOf(e.key) !== undefined) {
        this.cache.removePod(e.key);
        this.move('PodDelete');
      }
      return;
    }
    const pod = e.object;
    if (nodeName(pod)) {
      // bound: the cache's (confirming an assumed pod); no longer pending anywhere, nor to be bound
      this.creation.delete(e.key);
      this.queue.delete(e.key);
      this.nominated.delete(e.key);
      this.recorder.forget(e.key);
      const wasOnNode = this.cache.nodeOf(e.key) !== undefined;
      this.cache.addPod(this.podInfo(pod));
      if (TERMINAL.has(phase(pod))) return this.move('PodDelete');
      // an assumed pod's confirmation changes nothing others could wait for
      if (!wasOnNode) this.move('PodAdd');
      else if (e.type === 'update') this.move('PodUpdate');
      return;
    }
    const schedulerName = (pod.spec as { schedulerName?: string } | undefined)?.schedulerName ?? 'default-scheduler';
    if (!this.profiles.has(schedulerName)) return;
    if (pod.metadata.deletionTimestamp || TERMINAL.has(phase(pod))) {
      this.queue.delete(e.key);
      this.nominated.delete(e.key);
      return;
    }
    // assumed and being bound: a late update of the unbound object must not queue it again
    if (this.cache.nodeOf(e.key) !== undefined) return;
    const info = this.podInfo(pod);
    if (nominatedNodeNameOf(info)) this.nominated.set(e.key, info);
    else this.nominated.delete(e.key);
    if (e.type === 'add') this.queue.add(info);
    else this.queue.update(info);
    this.wake();
  };

  readonly onNode: Handler = (e) => {
    const name = e.object.metadata.name ?? e.key;
    if (e.type === 'delete') {
      this.cache.removeNode(name);
      return this.move('NodeDelete');
    }
    this.cache.addNode(e.object);
    if (e.type === 'add') this.move('NodeAdd');
    else if (!e.old || nodeSchedulingPropertiesChanged(e.old, e.object)) this.move('NodeUpdate');
  };

  readonly onNamespace: Handler = (e) => {
    if (e.type === 'delete') return this.cache.removeNamespace(e.key);
    this.cache.setNamespace(e.object);
    if (e.type === 'update') this.move('NamespaceUpdate');
  };

  readonly onPvc: Handler = (e) => {
    if (e.type === 'delete') return this.cache.removePvc(e.key);
    this.cache.setPvc(e.object);
    const bound = (e.object.status as { phase?: string } | undefined)?.phase === 'Bound';
    const wasBound = (e.old?.status as { phase?: string } | undefined)?.phase === 'Bound';
    this.move(e.type === 'add' ? 'PvcAdd' : bound && !wasBound ? 'PvcBound' : 'PvcUpdate');
  };

  readonly onPv: Handler = (e) => {
    if (e.type === 'delete') return this.cache.removePv(e.key);
    this.cache.setPv(e.object);
    this.move(e.type === 'add' ? 'PvAdd' : 'PvUpdate');
  };

  readonly onStorageClass: Handler = (e) => {
    if (e.type === 'delete') return this.cache.removeStorageClass(e.key);
    this.cache.setStorageClass(e.object);
    this.move('StorageClassAdd');
  };

  readonly onPriorityClass: Handler = (e) => {
    if (e.type === 'delete') this.priorityClasses.delete(e.key);
    else this.priorityClasses.set(e.key, e.object);
  };

  readonly onPdb: Handler = (e) => {
    if (e.type === 'delete') this.pdbMap.delete(e.key);
    else this.pdbMap.set(e.key, e.object);
    this.pdbList = undefined;
  };
}
