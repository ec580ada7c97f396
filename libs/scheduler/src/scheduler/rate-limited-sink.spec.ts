import type { CoreEvent } from '@keelson/events';
import { rateLimitedSink, tokenBucket } from './rate-limited-sink';

describe('tokenBucket', () => {
  it('given a burst of 3 at 10 per second, then 3 pass at once and each further one waits 100 ms', async () => {
    let t = 0;
    const slept: number[] = [];
    const take = tokenBucket({ qps: 10, burst: 3, now: () => t, sleep: async (ms) => void (slept.push(ms), (t += ms)) });
    for (let i = 0; i < 5; i++) await take();
    expect(slept).toEqual([100, 100]);
    expect(t).toBe(200);
  });

  it('given a long pause, then it holds no more than the burst', async () => {
    let t = 0;
    const slept: number[] = [];
    const take = tokenBucket({ qps: 10, burst: 2, now: () => t, sleep: async (ms) => void (slept.push(ms), (t += ms)) });
    t = 60_000;
    for (let i = 0; i < 3; i++) await take();
    expect(slept).toEqual([100]);
  });
});

describe('rateLimitedSink', () => {
  it('given writes beyond the burst, then creates and patches share the tokens and wait for them in turn', async () => {
    let t = 0;
    const written: string[] = [];
    const sink = rateLimitedSink(
      { create: async (e) => void written.push(`create ${e.metadata.name}@${t}`), patch: async (_ns, name) => void written.push(`patch ${name}@${t}`) },
      { qps: 2, burst: 1, now: () => t, sleep: async (ms) => void (t += ms) },
    );
    await sink.create({ metadata: { name: 'a', namespace: 'default' } } as CoreEvent);
    await sink.patch('default', 'a', { count: 2, lastTimestamp: '', message: '' });
    await sink.create({ metadata: { name: 'b', namespace: 'default' } } as CoreEvent);
    expect(written).toEqual(['create a@0', 'patch a@500', 'create b@1000']);
  });
});
