import { RequestBatcher, type BatchTransport, type Settled } from './batcher';

/** A transport that records what went out and answers `n` with n*10, failing odd numbers inside batches. */
function recording(): BatchTransport<number, number> & { sent: (number | number[])[] } {
  const sent: (number | number[])[] = [];
  return {
    sent,
    one: async (n) => (sent.push(n), n * 10),
    many: async (ns): Promise<Settled<number>[]> => {
      sent.push(ns);
      return ns.map((n) => (n % 2 ? { ok: false, error: new Error(`odd ${n}`) } : { ok: true, value: n * 10 }));
    },
  };
}

describe('RequestBatcher', () => {
  it('given calls made in one turn, sends them as one batch and gives each its own answer', async () => {
    const t = recording();
    const b = new RequestBatcher(t);
    const calls = [2, 3, 4].map((n) => b.call(n));
    const settled = await Promise.allSettled(calls);
    expect(t.sent).toEqual([[2, 3, 4]]);
    expect(settled.map((s) => (s.status === 'fulfilled' ? s.value : (s.reason as Error).message))).toEqual([20, 'odd 3', 40]);
  });

  it('given a single call in a turn, sends it as a plain call', async () => {
    const t = recording();
    await expect(new RequestBatcher(t).call(5)).resolves.toBe(50);
    expect(t.sent).toEqual([5]);
  });

  it('given calls in separate turns, sends a message per turn', async () => {
    const t = recording();
    const b = new RequestBatcher(t);
    await Promise.all([b.call(2), b.call(4)]);
    await Promise.all([b.call(6), b.call(8)]);
    expect(t.sent).toEqual([
      [2, 4],
      [6, 8],
    ]);
  });

  it('given more calls than the largest batch, splits them', async () => {
    const t = recording();
    const b = new RequestBatcher(t, 2);
    await Promise.all([2, 4, 6, 8, 10].map((n) => b.call(n)));
    expect(t.sent).toEqual([[2, 4], [6, 8], 10]);
  });

  it('given a batch that fails as a whole (no reply in time), fails each of its calls', async () => {
    const b = new RequestBatcher<number, number>({ one: async () => 0, many: async () => Promise.reject(new Error('Timeout')) });
    const settled = await Promise.allSettled([b.call(1), b.call(2)]);
    expect(settled.map((s) => s.status === 'rejected' && (s.reason as Error).message)).toEqual(['Timeout', 'Timeout']);
  });
});
