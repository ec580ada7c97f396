import type { PodInfo, Snapshot } from '../framework/types';
import { NodeResourcesFit } from '../plugins/filter/node-resources-fit';
import { manualClock } from '../queue/testing';
import { SchedulerCache } from './scheduler-cache';
import { bound, testNode, testPod } from './testing';

// The scheduler decides pod after pod without waiting for the log to show each binding; only
// the assume protocol keeps it from handing the same space out twice. 10 nodes × 100 pods
// (and 100 cpus, each pod asking for 1) hold exactly 1,000; 1,020 pods arrive at once.

const NODES = 10;
const PER_NODE = 100;

/** mulberry32: a seeded generator, so the interleaving is random-looking yet repeatable */
function prng(seed: number): () => number {
  let a = seed;
  return () => {
    a = (a + 0x6d2b79f5) | 0;
    let t = Math.imul(a ^ (a >>> 15), 1 | a);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

function firstFit(snapshot: Snapshot, pod: PodInfo): string | undefined {
  const ctx = { state: new Map(), snapshot };
  return snapshot.nodes.find((n) => NodeResourcesFit.filter(ctx, pod, n).code === 'Success')?.name;
}

/** What is wrong with the snapshot, as sentences; [] when every node is within its means. */
function overcommits(snapshot: Snapshot): string[] {
  const wrong: string[] = [];
  for (const n of snapshot.nodes) {
    const count = n.pods.length;
    if (count > PER_NODE) wrong.push(`${n.name}: ${count} pods`);
    if ((n.requested.pods ?? 0) !== count) wrong.push(`${n.name}: requested.pods ${n.requested.pods} for ${count} pods`);
    if ((n.requested.cpu ?? 0) > n.allocatable.cpu) wrong.push(`${n.name}: cpu ${n.requested.cpu} > ${n.allocatable.cpu}`);
    if (new Set(n.pods.map((p) => p.key)).size !== count) wrong.push(`${n.name}: a pod counted twice`);
  }
  return wrong;
}

interface Binding {
  pod: PodInfo;
  node: string;
  due: number;
  fails: boolean;
}

function run(seed: number, { failEvery }: { failEvery: number }) {
  const random = prng(seed);
  const clock = manualClock(0);
  const cache = new SchedulerCache({ now: clock.now });
  for (let i = 0; i < NODES; i++) cache.addNode(testNode(`n${i}`, { cpu: String(PER_NODE), memory: '512Gi', pods: String(PER_NODE) }));
  const queue = Array.from({ length: NODES * PER_NODE + 20 }, (_, i) => testPod(`p${i}`, { cpu: '1' }));
  const inFlight: Binding[] = [];
  /** pods that fit nowhere, waiting — as in the unschedulable set — for space to free up */
  const unfit = new Map<string, PodInfo>();
  const violations: string[] = [];
  let step = 0;
  let forgotten = 0;

  const deliver = (due: (b: Binding) => boolean) => {
    const ready = inFlight.filter(due).sort(() => random() - 0.5); // out of order
    for (const b of ready) {
      inFlight.splice(inFlight.indexOf(b), 1);
      if (b.fails) {
        expect(cache.forgetPod(b.pod.key)).toBe(true);
        forgotten++;
        // back to the queue, and its freed place may fit a waiting pod (a PodDelete-like event)
        queue.push(b.pod, ...unfit.values());
        unfit.clear();
      } else {
        cache.addPod(bound(b.pod, b.node));
        if (random() < 0.2) cache.updatePod(bound(b.pod, b.node)); // a later Update of the same binding
      }
    }
  };

  while (queue.length > 0 || inFlight.length > 0) {
    const pod = queue.shift();
    const snapshot = cache.snapshot();
    violations.push(...overcommits(snapshot));
    const node = pod && firstFit(snapshot, pod);
    if (!pod) {
      // nothing to schedule: only confirmations are still to come
    } else if (node === undefined) unfit.set(pod.key, pod);
    else {
      cache.assumePod(pod, node);
      cache.finishBinding(pod.key);
      // confirmations come 0–50 steps (≤ 5 s) later, well inside the 30 s TTL
      inFlight.push({ pod, node, due: step + Math.floor(random() * 50), fails: random() < 1 / failEvery });
    }
    clock.advance(100);
    step++;
    deliver((b) => b.due <= step);
    violations.push(...cache.cleanupExpiredAssumedPods().map((k) => `${k} expired`));
  }
  return { cache, unfit, forgotten, violations };
}

describe('assume protocol under load', () => {
  it.each([
    ['no binding fails', 1, Infinity],
    ['about one binding in 40 fails and is forgotten', 2, 40],
    ['about one binding in 10 fails and is forgotten', 3, 10],
  ])('given 1,020 pods for 1,000 places, late out-of-order confirmations, %s: nothing is overcommitted', (_name, seed, failEvery) => {
    const { cache, unfit, forgotten, violations } = run(seed, { failEvery });
    const snapshot = cache.snapshot();
    expect(violations).toEqual([]);
    expect(overcommits(snapshot)).toEqual([]);
    expect(snapshot.nodes.map((n) => n.pods.length)).toEqual(Array(NODES).fill(PER_NODE));
    expect(snapshot.nodes.every((n) => n.pods.every((p) => !cache.isAssumed(p.key)))).toBe(true);
    expect(cache.podCount).toBe(NODES * PER_NODE);
    expect(unfit.size).toBe(20);
    if (failEvery !== Infinity) expect(forgotten).toBeGreaterThan(0);
  });
});
