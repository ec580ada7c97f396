import type { KubeObject } from '@keelson/apimachinery';
import { EventLog, resourceToken, SecretBox, WrongLastSequence, type EventType, type LogEntry } from '@keelson/eventlog';
import { ObjectReader, type ListQuery, type ListResult, type Projector } from '@keelson/projection';
import type { ApiResource } from '@keelson/resources';
import { Allocators } from './allocators';
import { ObjectJson, rememberJson } from './object-json';
import type { InformerCache, NamespaceCache } from './namespace-cache';
import type { WatchCache } from './watch-cache';

// The storage the handlers see: writes go to the log (conditional on the object's current
// sequence), point reads for read-modify-write come from the log too (it is the truth), and
// GET/LIST come from the projection after waiting for it to reach the log's end — which is
// what makes them linearizable, as reads from etcd are in Kubernetes.

export interface Current {
  /** null when the name is unused or its last entry is a tombstone */
  readonly object: KubeObject | null;
  /** the sequence to expect on the next append: the last entry's (tombstone included), 0 if never used */
  readonly seq: number;
}

export interface AppendArgs {
  resource: ApiResource;
  namespace?: string;
  name: string;
  expectedSeq: number;
  type: EventType;
  object: KubeObject;
  actor: string;
  cause?: number;
  correlation?: string;
}

export class ObjectStore {
  /** ClusterIPs and NodePorts, allocated through the log */
  readonly allocators: Allocators;
  /** namespaces kept in memory for the lifecycle check on create; started by the app */
  namespaces?: NamespaceCache;
  /** StorageClasses for the DefaultStorageClass admission of claims; started by the app */
  storageClasses?: InformerCache;
  /** one log consumer per watched resource, shared by its watchers; set by the app */
  watchCache?: WatchCache;

  constructor(
    readonly log: EventLog,
    private readonly reader: ObjectReader,
    private readonly projection: Pick<Projector, 'waitFor' | 'checkpoint'>,
    private readonly secrets: SecretBox,
  ) {
    this.allocators = new Allocators(log);
  }

  async current(resource: ApiResource, namespace: string | undefined, name: string): Promise<Current> {
    const e = await this.log.last(keyOf(resource, namespace, name));
    if (!e) return { object: null, seq: 0 };
    if (e.type === 'Deleted') return { object: null, seq: e.seq };
    return { object: this.out(resource, e.object, e.seq), seq: e.seq };
  }

  /** Appends, or throws WrongLastSequence when another writer got there first. */
  async append(a: AppendArgs): Promise<{ object: KubeObject; entry: LogEntry }> {
    const stored = stripResourceVersion(a.resource.encrypted ? this.secrets.seal(a.object) : a.object);
    const json = ObjectJson.of(stored);
    const entry = await this.log.append({
      key: keyOf(a.resource, a.namespace, a.name),
      expectedSeq: a.expectedSeq,
      envelope: { type: a.type, object: stored, actor: a.actor, time: new Date().toISOString(), ...(a.cause !== undefined ? { cause: a.cause } : {}), ...(a.correlation ? { correlation: a.correlation } : {}) },
      objectJson: json.text,
    });
    const object = withRv(a.object, entry.seq);
    // What was stored is what is answered, plus its version; a sealed Secret is answered opened.
    return { object: a.resource.encrypted ? object : rememberJson(object, json.withResourceVersion(entry.seq)), entry };
  }

  /** Waits until the projection holds everything the log held when the read began. */
  async consistent(): Promise<number> {
    const { last } = await this.log.bounds();
    await this.projection.waitFor(last);
    return last;
  }

  async consistentTo(seq: number): Promise<void> {
    await this.projection.waitFor(seq);
  }

  async get(resource: ApiResource, namespace: string | undefined, name: string, consistent = true): Promise<KubeObject | null> {
    if (consistent) await this.consistent();
    const o = await this.reader.get(resourceToken(resource.group, resource.plural), namespace ?? '', name);
    return o && this.out(resource, o);
  }

  async list(resource: ApiResource, q: Omit<ListQuery, 'resource'>, consistent = true): Promise<ListResult> {
    if (consistent && q.asOf === undefined) await this.consistent();
    const r = await this.reader.list({ ...q, resource: resourceToken(resource.group, resource.plural) });
    return resource.encrypted ? { ...r, items: r.items.map((o) => this.out(resource, o)) } : r;
  }

  /** What a reader sees of a stored object: Secrets opened, resourceVersion set. */
  out(resource: ApiResource, obj: KubeObject, seq?: number): KubeObject {
    const opened = resource.encrypted ? this.secrets.open(obj) : obj;
    return seq === undefined ? opened : withRv(opened, seq);
  }

  decodeEntry(resource: ApiResource, e: LogEntry): KubeObject {
    return this.out(resource, e.object, e.seq);
  }
}

/**
 * How often a read-modify-write that pinned no resourceVersion retries a lost race. Each round
 * has a winner, so n concurrent writers need at most n rounds (20 patches of one object → ≤ 20);
 * Kubernetes' GuaranteedUpdate retries without limit, this bound only stops a runaway.
 */
export const MAX_WRITE_ATTEMPTS = 100;

/** A short random pause after a lost race, growing with the attempt, so that losers do not collide again in step. */
export function afterLostRace(attempt: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, Math.random() * Math.min(attempt, 10) * 2));
}

export function keyOf(resource: ApiResource, namespace: string | undefined, name: string) {
  return { group: resource.group, plural: resource.plural, namespace: resource.namespaced ? namespace : undefined, name };
}

function withRv(obj: KubeObject, seq: number): KubeObject {
  return { ...obj, metadata: { ...obj.metadata, resourceVersion: String(seq) } };
}

/** The log entry's own sequence is the version; a copy inside the object would be one behind. */
function stripResourceVersion(obj: KubeObject): KubeObject {
  const { resourceVersion: _, ...metadata } = obj.metadata;
  return { ...obj, metadata };
}

export { WrongLastSequence };
