import { EventEmitter } from 'node:events';

// How far a projector has written, and waiting for it: what makes a read linearizable. Shared by
// the projector itself and by its handle in another thread (projector-thread.ts).

export class Progress {
  private readonly emitter = new EventEmitter();
  private position = 0;

  constructor() {
    this.emitter.setMaxListeners(0);
  }

  /** The last sequence written to Postgres. */
  get checkpoint(): number {
    return this.position;
  }

  /** Moves the checkpoint forward (never back) and wakes the readers it satisfies. */
  advance(seq: number): void {
    if (seq <= this.position) return;
    this.position = seq;
    this.emitter.emit('advance', seq);
  }

  /** Resolves once everything up to `seq` is in Postgres. */
  waitFor(seq: number, timeoutMs = 10_000): Promise<void> {
    if (this.position >= seq) return Promise.resolve();
    return new Promise((resolve, reject) => {
      const onAdvance = (p: number) => {
        if (p >= seq) {
          clearTimeout(timer);
          this.emitter.off('advance', onAdvance);
          resolve();
        }
      };
      const timer = setTimeout(() => {
        this.emitter.off('advance', onAdvance);
        reject(new Error(`projection did not reach ${seq} within ${timeoutMs} ms (at ${this.position})`));
      }, timeoutMs);
      this.emitter.on('advance', onAdvance);
    });
  }
}
