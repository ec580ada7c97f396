import type { EventLog } from '@keelson/eventlog';
import type { ControllerClient } from './client';
import { SharedInformers } from './informers';
import { CONTROLLERS, type ControllerName, type ControllerOptions } from './registry';
import type { ControllerShell, ShellContext } from './shell';

// kube-controller-manager: every enabled controller's shell over one set of shared informers.
// Informers run on every replica, so a replica that wins the lease starts with warm caches;
// only the leader runs workers (`startLeading` / `stopLeading`, driven by the LeaderElector).

export interface ControllerManagerOptions {
  log: EventLog;
  /** connects an API client acting as `actor` (e.g. "controller:replicaset") */
  connect(actor: string): Promise<ControllerClient & { close?(): Promise<void> }>;
  /** which controllers run; default all of CONTROLLERS */
  controllers?: readonly ControllerName[];
  /** per-controller settings (node lifecycle's grace period and default toleration) */
  controllerOptions?: ControllerOptions;
  now?: () => number;
  warn?: (message: string) => void;
}

export class ControllerManager {
  readonly informers: SharedInformers;
  readonly shells: ControllerShell[];
  private readonly clients = new Map<string, ControllerClient & { close?(): Promise<void> }>();
  private leading = false;

  private constructor(private readonly opts: ControllerManagerOptions) {
    this.informers = new SharedInformers(opts.log);
    const ctx: ShellContext = {
      informers: this.informers,
      client: (name) => {
        const c = this.clients.get(name);
        if (!c) throw new Error(`no API client for controller ${name}`);
        return c;
      },
      now: opts.now ?? Date.now,
      warn: opts.warn ?? ((m) => console.warn(m)),
    };
    const enabled = new Set<string>(opts.controllers ?? CONTROLLERS.map((c) => c.name));
    this.shells = CONTROLLERS.filter((c) => enabled.has(c.name)).map((c) => c.create(ctx, opts.controllerOptions ?? {}));
  }

  /** Builds every shell, connects their clients and syncs the informers. */
  static async start(opts: ControllerManagerOptions): Promise<ControllerManager> {
    const m = new ControllerManager(opts);
    for (const s of m.shells) m.clients.set(s.name, await opts.connect(`controller:${s.name}`));
    await m.informers.start();
    return m;
  }

  get isLeading(): boolean {
    return this.leading;
  }

  shell<T extends ControllerShell>(name: string): T | undefined {
    return this.shells.find((s) => s.name === name) as T | undefined;
  }

  startLeading(): void {
    if (this.leading) return;
    this.leading = true;
    for (const s of this.shells) {
      s.loop.start();
      s.onStartedLeading();
    }
  }

  async stopLeading(): Promise<void> {
    if (!this.leading) return;
    this.leading = false;
    for (const s of this.shells) s.onStoppedLeading();
    await Promise.all(this.shells.map((s) => s.loop.stop()));
  }

  async stop(): Promise<void> {
    await this.stopLeading();
    await this.informers.stop();
    await Promise.all([...this.clients.values()].map((c) => c.close?.().catch(() => undefined)));
  }
}
