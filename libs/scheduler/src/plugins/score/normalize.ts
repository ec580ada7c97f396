import { MAX_NODE_SCORE } from '../../framework/types';

// The two ways Kubernetes' score plugins bring raw scores to 0..MAX_NODE_SCORE
// (pkg/scheduler/framework/plugins/helper/normalize_score.go and InterPodAffinity's min–max).
// Both work in place and in integers, as Kubernetes' int64 arithmetic does.

type Scores = { node: string; score: number }[];

/**
 * `helper.DefaultNormalizeScore`: scale [0, max] to [0, maxPriority]; `reverse` turns "fewer is
 * better" counts into scores. All-zero input stays 0 (or becomes maxPriority when reversed).
 *
 * Worked example, reversed (TaintToleration): raw [0, 1, 3] → max 3 →
 *   100·0/3 = 0 → 100;  100·1/3 = 33 → 67;  100·3/3 = 100 → 0.
 */
export function defaultNormalizeScore(maxPriority: number, reverse: boolean, scores: Scores): void {
  let max = 0;
  for (const s of scores) if (s.score > max) max = s.score;
  if (max === 0) {
    if (reverse) for (const s of scores) s.score = maxPriority;
    return;
  }
  for (const s of scores) {
    const scaled = Math.trunc((maxPriority * s.score) / max);
    s.score = reverse ? maxPriority - scaled : scaled;
  }
}

/**
 * Min–max scaling to [0, MAX_NODE_SCORE], used where raw scores may be negative
 * (InterPodAffinity: anti-affinity subtracts). Equal scores all become 0.
 *
 * Worked example: raw [-4, 0, 6] → min −4, max 6, diff 10 → 0, 40, 100.
 */
export function minMaxNormalize(scores: Scores): void {
  let min = Infinity;
  let max = -Infinity;
  for (const s of scores) {
    if (s.score > max) max = s.score;
    if (s.score < min) min = s.score;
  }
  const diff = max - min;
  for (const s of scores) s.score = diff > 0 ? Math.trunc(MAX_NODE_SCORE * ((s.score - min) / diff)) : 0;
}
