import { StatusError } from '@keelson/apimachinery';
import { isRetryable, retryTransient } from './client';

const status = (code: number) => StatusError.fromStatus({ apiVersion: 'v1', kind: 'Status', status: 'Failure', code, reason: 'X', message: `code ${code}` } as never);

describe('isRetryable', () => {
  it.each([
    [500, true],
    [503, true],
    [429, true],
    [501, false],
    [404, false],
    [409, false],
    [422, false],
  ])('an apiserver answer with code %i: %s', (code, want) => {
    expect(isRetryable(status(code))).toBe(want);
  });

  it('retries a call that got no reply in time', () => {
    expect(isRetryable(Object.assign(new Error('Timeout has occurred'), { name: 'TimeoutError' }))).toBe(true);
  });
});

describe('retryTransient', () => {
  beforeEach(() => jest.useFakeTimers());
  afterEach(() => jest.useRealTimers());

  it('tries again after a busy apiserver and returns the later answer', async () => {
    const fn = jest.fn().mockRejectedValueOnce(status(500)).mockResolvedValueOnce('ok');
    const retries: unknown[] = [];
    const p = retryTransient(fn, (e) => retries.push(e));
    await jest.advanceTimersByTimeAsync(1_000);
    await expect(p).resolves.toBe('ok');
    expect(retries).toHaveLength(1);
  });

  it('gives an answer such as 422 back at once', async () => {
    const fn = jest.fn().mockRejectedValue(status(422));
    await expect(retryTransient(fn, () => undefined)).rejects.toMatchObject({ code: 422 });
    expect(fn).toHaveBeenCalledTimes(1);
  });

  it('stops retrying at its deadline', async () => {
    const fn = jest.fn().mockRejectedValue(status(503));
    const p = retryTransient(fn, () => undefined, 2_500);
    const settled = expect(p).rejects.toMatchObject({ code: 503 });
    await jest.advanceTimersByTimeAsync(5_000);
    await settled;
    expect(fn).toHaveBeenCalledTimes(2);
  });
});
