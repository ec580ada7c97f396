import { Progress } from './progress';

describe('Progress', () => {
  it('answers a wait at once when the checkpoint is there, and on the advance that reaches it otherwise', async () => {
    const p = new Progress();
    p.advance(5);
    await expect(p.waitFor(5)).resolves.toBeUndefined();
    let done = false;
    const waiting = p.waitFor(8).then(() => (done = true));
    p.advance(7);
    await new Promise((r) => setImmediate(r));
    expect(done).toBe(false);
    p.advance(9);
    await waiting;
    expect(p.checkpoint).toBe(9);
  });

  it('never moves back', () => {
    const p = new Progress();
    p.advance(10);
    p.advance(3);
    expect(p.checkpoint).toBe(10);
  });

  it('fails a wait the projection does not satisfy in time, saying where it is', async () => {
    const p = new Progress();
    p.advance(2);
    await expect(p.waitFor(3, 20)).rejects.toThrow('projection did not reach 3 within 20 ms (at 2)');
  });
});
