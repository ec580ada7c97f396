import { DeliverPolicy, JSONCodec } from 'nats';
import type { KubeObject } from '@keelson/apimachinery';
import { filterFor, type Envelope, type EventLog, type EventType, type LogEntry } from '@keelson/eventlog';

// An informer is a JetStream consumer on one resource's subjects. Started with
// DeliverLastPerSubject it first receives the newest entry of every object — the current
// state, tombstones included — and then every new entry, in order: list and watch in one
// stream, without going through the apiserver. It keeps the current objects in memory and
// tells handlers about changes; handlers should only queue keys (STYLE.md).

const codec = JSONCodec<Envelope>();

function withoutManagedFields(metadata: KubeObject['metadata']): KubeObject['metadata'] {
  const { managedFields: _, ...rest } = metadata;
  return rest;
}

export interface InformerEvent {
  type: 'add' | 'update' | 'delete';
  key: string; // namespace/name, or name for cluster-scoped objects
  object: KubeObject;
  old?: KubeObject;
  /** the log sequence of this change: pass it as `cause` when acting on it */
  seq: number;
  /** the log entry's type ("Created", "Bound", …): e.g. the scheduler keeps a pod's Created seq as its Bound entry's cause */
  entryType: EventType;
}

export type Handler = (e: InformerEvent) => void;

export interface InformerOptions {
  /**
   * Drop metadata.managedFields from every object before it is kept or handed out, as client-go's
   * TransformStripManagedFields (kube-scheduler and kube-controller-manager set it): the field
   * ownership trees are often the largest part of an object, and controllers never read them.
   */
  stripManagedFields?: boolean;
  /**
   * Replaces every object before it is kept or handed out (client-go's SetTransform): a component
   * that holds a whole resource keeps only the fields it reads. Applied before managedFields are
   * stripped; tombstones pass through it too.
   */
  transform?: (obj: KubeObject) => KubeObject;
}

export class Informer {
  private readonly objects = new Map<string, KubeObject>();
  private readonly handlers: Handler[] = [];
  private readonly ac = new AbortController();
  private syncedResolve!: () => void;
  private running?: Promise<void>;
  /** resolves once the initial state has been delivered */
  readonly synced: Promise<void> = new Promise((r) => (this.syncedResolve = r));
  private lastSeq = 0;

  constructor(
    private readonly log: EventLog,
    readonly group: string,
    readonly plural: string,
    private readonly namespace?: string,
    private readonly options: InformerOptions = {},
  ) {}

  on(handler: Handler): this {
    this.handlers.push(handler);
    return this;
  }

  get(key: string): KubeObject | undefined {
    return this.objects.get(key);
  }

  list(): KubeObject[] {
    return [...this.objects.values()];
  }

  get size(): number {
    return this.objects.size;
  }

  /** The newest log sequence this informer has applied. */
  get position(): number {
    return this.lastSeq;
  }

  async start(): Promise<void> {
    const filter = filterFor(this.group, this.plural, this.namespace, this.log.prefix);
    const consumer = await this.log.js.consumers.get(this.log.stream, { filterSubjects: filter, deliver_policy: DeliverPolicy.LastPerSubject });
    const messages = await consumer.consume({ max_messages: 2048, expires: 5000 });
    this.ac.signal.addEventListener('abort', () => void messages.close(), { once: true });
    // An empty resource has nothing to deliver: it is synced at once.
    const info = await consumer.info(true).catch(() => undefined);
    if (info && info.num_pending === 0 && info.delivered.consumer_seq === 0) this.syncedResolve();
    this.running = (async () => {
      for await (const m of messages) {
        this.apply({ ...codec.decode(m.data), seq: m.seq, subject: m.subject });
        if (m.info.pending === 0) this.syncedResolve();
      }
    })();
  }

  /** Applies one entry; exported for tests. */
  apply(e: LogEntry): void {
    this.lastSeq = Math.max(this.lastSeq, e.seq);
    const object = this.options.transform ? this.options.transform(e.object) : e.object;
    const metadata = this.options.stripManagedFields ? withoutManagedFields(object.metadata) : object.metadata;
    const obj: KubeObject = { ...object, metadata: { ...metadata, resourceVersion: String(e.seq) } };
    const key = obj.metadata.namespace ? `${obj.metadata.namespace}/${obj.metadata.name}` : obj.metadata.name!;
    const old = this.objects.get(key);
    if (e.type === 'Deleted') {
      if (!old) return;
      this.objects.delete(key);
      this.emit({ type: 'delete', key, object: obj, old, seq: e.seq, entryType: e.type });
      return;
    }
    this.objects.set(key, obj);
    this.emit({ type: old ? 'update' : 'add', key, object: obj, old, seq: e.seq, entryType: e.type });
  }

  private emit(e: InformerEvent): void {
    for (const h of this.handlers) {
      try {
        h(e);
      } catch (err) {
        console.error(`informer ${this.plural}: handler failed:`, err);
      }
    }
  }

  async stop(): Promise<void> {
    this.ac.abort();
    await this.running?.catch(() => undefined);
  }
}
