import type { CoreEvent, ObjectReference } from './event';
import type { EventPatch } from './event-correlator';
import { EventRecorder, type EventSink } from './event-recorder';

const pod: ObjectReference = { apiVersion: 'v1', kind: 'Pod', namespace: 'default', name: 'web-0', uid: 'uid-1' };
const status = (code: number) => Object.assign(new Error(`status ${code}`), { code });

function fakeSink(fail: (call: number) => Error | undefined = () => undefined) {
  const calls: string[] = [];
  let gate: Promise<void> = Promise.resolve();
  const sink: EventSink = {
    create: async (e: CoreEvent) => {
      await gate;
      calls.push(`create ${e.reason} ${e.count}`);
      const err = fail(calls.length);
      if (err) throw err;
    },
    patch: async (_ns: string, _name: string, p: EventPatch) => {
      await gate;
      calls.push(`patch ${p.count}`);
      const err = fail(calls.length);
      if (err) throw err;
    },
  };
  return { sink, calls, hold: (p: Promise<void>) => (gate = p) };
}

describe('EventRecorder', () => {
  it('returns before the API server answers, and writes in order: create, then a count-bumping patch', async () => {
    const f = fakeSink();
    let release!: () => void;
    f.hold(new Promise((r) => (release = r)));
    const r = new EventRecorder(f.sink, { component: 'kubelet', host: 'node-1' }, { now: () => 0 });
    r.record(pod, 'Warning', 'BackOff', 'Back-off');
    r.record(pod, 'Warning', 'BackOff', 'Back-off');
    expect(f.calls).toEqual([]);
    release();
    await r.flush();
    expect(f.calls).toEqual(['create BackOff 1', 'patch 2']);
  });

  it.each([
    ['a 500 is retried', [status(500)], ['create Started 1', 'create Started 1'], []],
    ['a 403 is given up at once, with a warning', [status(403)], ['create Started 1'], ['not recorded']],
    ['a 500 three times is given up, with a warning', [status(500), status(500), status(500)], ['create Started 1', 'create Started 1', 'create Started 1'], ['not recorded']],
  ])('%s', async (_name, failures, wantCalls, wantWarnings) => {
    const f = fakeSink((call) => failures[call - 1]);
    const warnings: string[] = [];
    const r = new EventRecorder(f.sink, { component: 'kubelet' }, { warn: (m) => warnings.push(m), retryDelayMs: 1 });
    r.record(pod, 'Normal', 'Started', 'Started container app');
    await r.flush();
    expect(f.calls).toEqual(wantCalls);
    expect(warnings.map((w) => (w.includes('not recorded') ? 'not recorded' : w))).toEqual(wantWarnings);
  });

  it('given the counted event was deleted meanwhile, creates it again with its count', async () => {
    const f = fakeSink((call) => (call === 2 ? status(404) : undefined));
    const r = new EventRecorder(f.sink, { component: 'kubelet' });
    r.record(pod, 'Warning', 'Unhealthy', 'Readiness probe failed: no');
    r.record(pod, 'Warning', 'Unhealthy', 'Readiness probe failed: no');
    await r.flush();
    expect(f.calls).toEqual(['create Unhealthy 1', 'patch 2', 'create Unhealthy 2']);
  });

  it('given a full queue, drops new events with a warning instead of growing', async () => {
    const f = fakeSink();
    let release!: () => void;
    f.hold(new Promise((r) => (release = r)));
    const warnings: string[] = [];
    const r = new EventRecorder(f.sink, { component: 'kubelet' }, { maxQueued: 2, warn: (m) => warnings.push(m) });
    for (let i = 0; i < 5; i++) r.record(pod, 'Normal', 'Started', `m${i}`);
    release();
    await r.flush();
    // The first is being written when the others arrive: two wait, two are dropped.
    expect(f.calls).toHaveLength(3);
    expect(warnings).toHaveLength(2);
  });
});
