import type { KubeObject } from '@keelson/apimachinery';
import { Writes } from './apply';
import type { ControllerClient } from './client';
import { ControllerLoop, type Reconciler, type SyncResult } from './controller';
import { EventRecorder } from './events';
import type { SharedInformers } from './informers';

// What every controller shell gets from the manager, and the base they share: a loop of
// workers over a key queue, an event recorder, a clock. A shell subscribes its informer
// handlers in its constructor (they only queue keys) and implements `sync`.

export interface ShellContext {
  informers: SharedInformers;
  /** an API client acting as `controller:<name>` */
  client(name: string): ControllerClient;
  now(): number;
  warn(message: string): void;
}

export abstract class ControllerShell implements Reconciler {
  abstract readonly name: string;
  readonly workers: number = 1;
  readonly loop: ControllerLoop;
  private _client?: ControllerClient;
  private _recorder?: EventRecorder;

  constructor(protected readonly ctx: ShellContext) {
    this.loop = new ControllerLoop(this, { warn: ctx.warn });
  }

  /** e.g. "replicaset-controller": the field manager and the Events' source component. */
  get component(): string {
    return `${this.name}-controller`;
  }

  protected get client(): ControllerClient {
    return (this._client ??= this.ctx.client(this.name));
  }

  protected get recorder(): EventRecorder {
    return (this._recorder ??= new EventRecorder(this.client, this.component, this.ctx.now, this.ctx.warn));
  }

  /** The requests of one sync, each carrying `cause` (see causeOf) and this controller's field manager. */
  protected writes(cause: number | undefined): Writes {
    return new Writes(this.client, this.recorder, cause, this.component);
  }

  protected get now(): Date {
    return new Date(this.ctx.now());
  }

  /** Queues `key`; bound, so informer handlers can be given it as it is. */
  protected readonly enqueue = (key: string, cause?: number): void => this.loop.enqueue(key, cause);

  /** Runs this shell's extra timers etc. when leading; default none. */
  onStartedLeading(): void {}
  onStoppedLeading(): void {}

  abstract keys(): string[];
  abstract sync(key: string, cause: number | undefined): Promise<SyncResult | void>;
}

/** The sync's cause: what queued the key, else the object's own latest log position. */
export function causeOf(cause: number | undefined, obj: KubeObject | undefined): number | undefined {
  if (cause !== undefined) return cause;
  const rv = Number(obj?.metadata.resourceVersion);
  return Number.isFinite(rv) && rv > 0 ? rv : undefined;
}
