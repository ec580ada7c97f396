import type { RunningSubstrate } from '@keelson/local';

/** What globalSetup hands to globalTeardown (both run in Jest's parent process). */
export interface TestSubstrates {
  dir: string;
  running: RunningSubstrate[];
}

export const SUBSTRATES = Symbol.for('keelson.testSubstrates');
