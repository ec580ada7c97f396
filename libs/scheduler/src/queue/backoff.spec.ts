import { backoffDuration } from './backoff';

describe('backoffDuration', () => {
  it.each([
    [0, 0],
    [1, 1_000],
    [2, 2_000],
    [3, 4_000],
    [4, 8_000],
    [5, 10_000],
    [50, 10_000],
  ])('after %i attempts waits %i ms (1 s doubling, capped at 10 s)', (attempts, ms) => {
    expect(backoffDuration(attempts)).toBe(ms);
  });
});
