import { StorageType, type KV, type NatsConnection } from 'nats';

// Leader election through a NATS KV lease: the bucket's TTL is the lease duration, so a
// leader that stops renewing loses its key when the TTL passes and any waiting replica's
// `create` (which only succeeds on an absent key) takes over. Renewal is an `update`
// conditional on the revision the leader last wrote, so two replicas can never both lead.

export interface LeaderOptions {
  /** e.g. "kube-scheduler", "kube-controller-manager" */
  name: string;
  identity: string;
  leaseMs?: number;
  renewMs?: number;
  bucket?: string;
}

export class LeaderElector {
  private kv?: KV;
  private revision = 0;
  private timer?: NodeJS.Timeout;
  private leading = false;
  private stopped = false;

  constructor(
    private readonly nc: NatsConnection,
    private readonly opts: LeaderOptions,
    private readonly callbacks: { onStartedLeading: () => void; onStoppedLeading: () => void },
  ) {}

  get isLeader(): boolean {
    return this.leading;
  }

  async start(): Promise<void> {
    const leaseMs = this.opts.leaseMs ?? 15_000;
    this.kv = await this.nc.jetstream().views.kv(this.opts.bucket ?? 'keelson-leases', { ttl: leaseMs, history: 1, storage: StorageType.File });
    await this.tick();
  }

  private schedule(): void {
    if (this.stopped) return;
    const every = this.leading ? (this.opts.renewMs ?? 5_000) : Math.max(500, (this.opts.renewMs ?? 5_000) / 2);
    this.timer = setTimeout(() => void this.tick(), every);
  }

  private async tick(): Promise<void> {
    const value = new TextEncoder().encode(JSON.stringify({ holderIdentity: this.opts.identity, renewTime: new Date().toISOString() }));
    try {
      if (this.leading) {
        this.revision = await this.kv!.update(this.opts.name, value, this.revision);
      } else {
        this.revision = await this.kv!.create(this.opts.name, value);
        this.leading = true;
        this.callbacks.onStartedLeading();
      }
    } catch {
      if (this.leading) {
        this.leading = false;
        this.callbacks.onStoppedLeading();
      }
    }
    this.schedule();
  }

  /** Releases the lease at once so another replica can take over without waiting for the TTL. */
  async stop(): Promise<void> {
    this.stopped = true;
    if (this.timer) clearTimeout(this.timer);
    if (this.leading && this.kv) await this.kv.delete(this.opts.name, { previousSeq: this.revision }).catch(() => undefined);
    if (this.leading) this.callbacks.onStoppedLeading();
    this.leading = false;
  }
}
