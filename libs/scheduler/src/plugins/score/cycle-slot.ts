import type { CycleState } from '../../framework/types';

/**
 * A plugin's PreScore result in CycleState, read back once per node in Score. The last
 * (state, value) pair is remembered so the per-node read is an identity check, not a Map lookup;
 * the value still lives in CycleState, so a Score without PreScore finds nothing, as it should.
 */
export function cycleSlot<T>(key: string) {
  let lastState: CycleState | undefined;
  let lastValue: T | undefined;
  return {
    set(state: CycleState, value: T): void {
      state.set(key, value);
      lastState = state;
      lastValue = value;
    },
    get(state: CycleState): T | undefined {
      if (state === lastState) return lastValue;
      const value = state.get(key) as T | undefined;
      lastState = state;
      lastValue = value;
      return value;
    },
  };
}
