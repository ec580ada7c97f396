import { MAX_NODE_SCORE, type NodeInfo, type PluginContext, type PodInfo, type ScorePlugin } from '../../framework/types';
import { cycleSlot } from './cycle-slot';
import { containersOf } from './pod-spec';

// ImageLocality (imagelocality/image_locality.go): prefer nodes that already hold the pod's
// images, by size, so big pulls are avoided. Each image's size is scaled by the share of nodes
// that have it ("spread"), so an image present everywhere does not pull all pods to one node.
// The sum is mapped linearly from [23 MB, 1000 MB × containers] onto 0..100.

const NAME = 'ImageLocality';

const MB = 1024 * 1024;
export const MIN_THRESHOLD = 23 * MB;
export const MAX_CONTAINER_THRESHOLD = 1000 * MB;

/** `normalizedImageName`: an untagged name means ":latest" (a digest's ':' comes after the last '/'). */
export function normalizedImageName(name: string): string {
  return name.lastIndexOf(':') <= name.lastIndexOf('/') ? `${name}:latest` : name;
}

/**
 * Worked example, one container, image of 500 MB on every node (spread 1):
 *   (500 − 23)·100 / (1000 − 23) = 47700 / 977 = 48.8 → 48.
 */
export function calculatePriority(sumScores: number, numContainers: number): number {
  const maxThreshold = MAX_CONTAINER_THRESHOLD * numContainers;
  const clamped = Math.min(Math.max(sumScores, MIN_THRESHOLD), maxThreshold);
  return Math.trunc((MAX_NODE_SCORE * (clamped - MIN_THRESHOLD)) / (maxThreshold - MIN_THRESHOLD));
}

interface State {
  /** the pod's images (init containers too) that some node holds, with their spread: nodesWithImage / totalNodes */
  readonly images: readonly string[];
  readonly spread: readonly number[];
  readonly numContainers: number;
}

// How many nodes hold an image: cluster-wide and the same for every pod. The scheduler cache's
// snapshots keep the count until a Node changes (snapshot.imageNodeCount); other snapshots
// count once per image per node list.
const spreadCache = new WeakMap<readonly NodeInfo[], Map<string, number>>();

function nodesWithImage(snapshot: PluginContext['snapshot'], image: string): number {
  if (snapshot.imageNodeCount) return snapshot.imageNodeCount(image);
  const nodes = snapshot.nodes;
  let byImage = spreadCache.get(nodes);
  if (!byImage) spreadCache.set(nodes, (byImage = new Map()));
  let n = byImage.get(image);
  if (n === undefined) {
    n = 0;
    for (const node of nodes) if (node.images.has(image)) n++;
    byImage.set(image, n);
  }
  return n;
}

function stateOf(ctx: PluginContext, pod: PodInfo): State {
  const containers = [...containersOf(pod, true), ...containersOf(pod)];
  const nodes = ctx.snapshot.nodes;
  const images: string[] = [];
  const spread: number[] = [];
  for (const c of containers) {
    if (typeof c.image !== 'string' || c.image === '') continue;
    const name = normalizedImageName(c.image);
    const n = nodesWithImage(ctx.snapshot, name);
    if (n === 0) continue;
    images.push(name);
    spread.push(n / nodes.length);
  }
  return { images, spread, numContainers: containers.length };
}

const slot = cycleSlot<State>(`PreScore${NAME}`);

export const ImageLocality = {
  name: NAME,
  /** Skips when no node holds any of the pod's images: every node would score 0. */
  preScore(ctx, pod) {
    const state = stateOf(ctx, pod);
    if (state.images.length === 0) return { code: 'Skip' };
    slot.set(ctx.state, state);
    return { code: 'Success' };
  },
  score(ctx, pod, node) {
    const s = slot.get(ctx.state) ?? stateOf(ctx, pod);
    if (s.images.length === 0) return 0;
    let sum = 0;
    for (let i = 0; i < s.images.length; i++) {
      const size = node.images.get(s.images[i]);
      // the image's size scaled by how widely it has spread (Kubernetes' scaledImageScore)
      if (size !== undefined) sum += Math.trunc(size * s.spread[i]);
    }
    return calculatePriority(sum, s.numContainers);
  },
} satisfies ScorePlugin;
