// How many feasible nodes are enough (schedule_one.go numFeasibleNodesToFind). In a big cluster
// scoring every node buys little; the scheduler stops filtering once it has this many.

export const MIN_FEASIBLE_NODES_TO_FIND = 100;
export const MIN_FEASIBLE_NODES_PERCENTAGE_TO_FIND = 5;

/**
 * Below 100 nodes, all of them. Otherwise `percentage` of them (never fewer than 100), where an
 * unset percentage adapts: 50 % − 1 % per 125 nodes, floored at 5 %.
 *
 * Worked examples (adaptive):
 *   5,000 nodes → 50 − 5000/125 = 10 %  → 500 nodes
 *   1,000 nodes → 50 − 8 = 42 %         → 420 nodes
 *   6,000 nodes → 50 − 48 = 2 % → 5 %   → 300 nodes
 *     150 nodes → 50 − 1 = 49 %  → 73   → raised to 100
 */
export function numFeasibleNodesToFind(percentageOfNodesToScore: number | undefined, numAllNodes: number): number {
  if (numAllNodes < MIN_FEASIBLE_NODES_TO_FIND) return numAllNodes;
  let percentage = percentageOfNodesToScore ?? 0;
  if (percentage === 0) {
    percentage = 50 - Math.trunc(numAllNodes / 125);
    if (percentage < MIN_FEASIBLE_NODES_PERCENTAGE_TO_FIND) percentage = MIN_FEASIBLE_NODES_PERCENTAGE_TO_FIND;
  }
  const numNodes = Math.trunc((numAllNodes * percentage) / 100);
  return numNodes < MIN_FEASIBLE_NODES_TO_FIND ? MIN_FEASIBLE_NODES_TO_FIND : numNodes;
}
