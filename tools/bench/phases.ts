import { randomUUID } from 'node:crypto';
import { headers, JSONCodec } from 'nats';
import { EventLog, subjectFor, type Envelope } from '@keelson/eventlog';
import type { RunningSubstrate } from '@keelson/local';
import { openProjectionDb, replayInto, type ReplayResult } from '@keelson/projection';
import { measureCpu, type CpuSplit } from './cpu';
import { closedLoop, type PhaseResult } from './load';
import { watchGcPauses, type GcPauses } from './loop-hook';
import { benchPod } from './pods';
import { openWatch, type ApiClient } from './http';
import { sleep } from './child';

// The measured phases. Each returns raw samples; api.ts turns them into the table.

const PODS = (ns: string) => `/api/v1/namespaces/${ns}/pods`;

export function createPods(client: ApiClient, ns: string, total: number, concurrency: number, maxSeconds: number, prefix = 'pod'): Promise<PhaseResult> {
  return closedLoop(total, concurrency, maxSeconds, async (i) => {
    await client.ok('POST', PODS(ns), benchPod(ns, `${prefix}-${i}`, i));
  });
}

/**
 * The same pods appended straight to JetStream with the headers EventLog.append sends
 * (expected last subject sequence 0, a message id) and the envelope it would store: the floor
 * under the apiserver's create, which also reads the namespace and the name's last entry first.
 */
export function appendRaw(log: EventLog, ns: string, total: number, concurrency: number, maxSeconds: number): Promise<PhaseResult> {
  const codec = JSONCodec<Envelope>();
  return closedLoop(total, concurrency, maxSeconds, async (i) => {
    const name = `pod-${i}`;
    const object = benchPod(ns, name, i);
    object.metadata.uid = randomUUID();
    object.metadata.creationTimestamp = new Date().toISOString();
    const h = headers();
    h.set('Nats-Expected-Last-Subject-Sequence', '0');
    h.set('Nats-Msg-Id', randomUUID());
    const envelope: Envelope = { type: 'Created', object, actor: 'user:admin', time: new Date().toISOString() };
    await log.js.publish(subjectFor({ group: '', plural: 'pods', namespace: ns, name }, log.prefix), codec.encode(envelope), { headers: h, expect: { streamName: log.stream } });
  });
}

/** GETs of random pods among `names` (namespace/name), one at a time. */
export function getPods(client: ApiClient, names: readonly [string, string][], count: number, maxSeconds: number): Promise<PhaseResult> {
  return closedLoop(count, 1, maxSeconds, async () => {
    const [ns, name] = names[Math.floor(Math.random() * names.length)];
    await client.ok('GET', `${PODS(ns)}/${name}`);
  });
}

/** Cluster-wide LISTs with `selector`; checks the number of items each returns. */
export function listPods(client: ApiClient, selector: string, expectItems: number, count: number, maxSeconds: number): Promise<PhaseResult> {
  return closedLoop(count, 1, maxSeconds, async () => {
    const list = await client.ok<{ items: unknown[] }>('GET', `/api/v1/pods?labelSelector=${encodeURIComponent(selector)}`);
    if (list.items.length !== expectItems) throw new Error(`LIST ${selector} returned ${list.items.length} items, expected ${expectItems}`);
  });
}

export interface WatchResult {
  watchers: number;
  events: number;
  /** ms from the create's HTTP response to the ADDED line's arrival, one per (watcher, event) */
  delays: number[];
  missed: number;
  /** deliveries that arrived before the create's own response did (counted as 0 ms) */
  early: number;
  /** creates that reached at least one watcher more than LATE_MS after their response: a stall of the server, or of some watches */
  lateEvents: number;
  createSeconds: number;
  /** from opening the watches until every one of them delivered a first create */
  startupSeconds: number;
}

export const LATE_MS = 1000;

/**
 * `watchers` concurrent watches of one namespace from its current resourceVersion, then
 * `events` creates one after another; every watcher must see every ADDED.
 */
export async function watchDelivery(client: ApiClient, ns: string, watchers: number, events: number): Promise<WatchResult> {
  const list = await client.ok<{ metadata: { resourceVersion: string } }>('GET', `${PODS(ns)}?limit=1`);
  const rv = list.metadata.resourceVersion;
  const arrivals = new Map<string, number[]>();
  const streams = Array.from({ length: watchers }, () =>
    openWatch(client.base, `${PODS(ns)}?watch=true&resourceVersion=${rv}`, (type, name, at) => {
      if (type !== 'ADDED') return;
      const a = arrivals.get(name);
      if (a) a.push(at);
      else arrivals.set(name, [at]);
    }),
  );
  try {
    await Promise.all(streams.map((s) => s.established));
    // Headers go out before the server has created each watch's JetStream consumer, so a
    // first create is awaited by every watcher before anything is measured: that time is
    // the watches' start-up, reported apart from delivery.
    const s0 = performance.now();
    await client.ok('POST', PODS(ns), benchPod(ns, 'w-sync', 0));
    while ((arrivals.get('w-sync')?.length ?? 0) < watchers && performance.now() - s0 < 60_000) await sleep(20);
    const startupSeconds = (performance.now() - s0) / 1000;
    if ((arrivals.get('w-sync')?.length ?? 0) < watchers) throw new Error(`only ${arrivals.get('w-sync')?.length ?? 0} of ${watchers} watchers saw the first create within 60 s`);
    const responded = new Map<string, number>();
    const t0 = performance.now();
    for (let i = 0; i < events; i++) {
      const name = `w-${i}`;
      await client.ok('POST', PODS(ns), benchPod(ns, name, i));
      responded.set(name, performance.now());
    }
    const createSeconds = (performance.now() - t0) / 1000;
    const expected = watchers * events;
    const deadline = performance.now() + 30_000;
    // Only the measured creates count: the warm-up create's arrivals would end the wait early.
    const count = () => [...responded.keys()].reduce((n, name) => n + (arrivals.get(name)?.length ?? 0), 0);
    while (count() < expected && performance.now() < deadline) await sleep(100);
    const delays: number[] = [];
    let early = 0;
    let lateEvents = 0;
    for (const [name, at] of responded) {
      const mine = (arrivals.get(name) ?? []).map((t) => t - at);
      early += mine.filter((d) => d < 0).length;
      if (mine.some((d) => d > LATE_MS)) lateEvents++;
      delays.push(...mine.map((d) => Math.max(0, d)));
    }
    return { watchers, events, delays, missed: expected - delays.length, early, lateEvents, createSeconds, startupSeconds };
  } finally {
    for (const s of streams) s.close();
  }
}

export interface ReplayRun {
  events: number;
  seconds: number;
  /** CPU seconds meanwhile of the replaying process (the bench), nats-server and Postgres */
  cpu: CpuSplit;
  timings?: ReplayResult['timings'];
  /** the replaying process's GC pauses meanwhile */
  gc: GcPauses;
}

/** `replayInto` the whole KEELSON stream into a fresh schema, as `keelson replay --from-start` does. */
export async function replayAll(nats: RunningSubstrate, pg: RunningSubstrate): Promise<ReplayRun> {
  const log = await EventLog.connect({ servers: nats.url, name: 'bench-replay' });
  const db = await openProjectionDb(pg.url, 'bench_replay', 2);
  try {
    const gc = watchGcPauses();
    const { result, seconds, cpu } = await measureCpu({ nats: nats.pid, postgres: pg.pid }, () => replayInto(log, db, { fromSnapshot: false }));
    return { events: result.events, seconds, cpu, timings: result.timings, gc: gc.stop() };
  } finally {
    await db.destroy();
    await log.close();
  }
}
