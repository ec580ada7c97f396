import { nodeNumbers } from './info';
import type { NodeInfo, NodeNumbers, Snapshot } from './types';

// Every node's NodeNumbers side by side in one Float64Array, a row of STRIDE numbers per position
// in the snapshot's node list. The filter loop walks hundreds of consecutive positions per pod;
// each NodeInfo (and its numbers object) lives wherever the heap put it, so reading them costs a
// cache and TLB miss per node — measured as most of NodeUnschedulable's and TaintToleration's
// time, one-line checks — while a row is the next 96 bytes of a stream the CPU prefetches.

const FIELDS = [
  'allocatableCpu',
  'allocatableMemory',
  'allocatableEphemeralStorage',
  'allocatablePods',
  'requestedCpu',
  'requestedMemory',
  'requestedEphemeralStorage',
  'podCount',
  'nonZeroCpu',
  'nonZeroMemory',
  'doNotScheduleTaints',
  'preferNoScheduleTaints',
] as const satisfies readonly (keyof NodeNumbers)[];

export const STRIDE = FIELDS.length;

/** Writes `numbers` as row `i` of `table`. */
export function writeRow(table: Float64Array, i: number, numbers: NodeNumbers): void {
  const base = i * STRIDE;
  for (let k = 0; k < STRIDE; k++) table[base + k] = numbers[FIELDS[k]];
}

/** The table of `nodes`, row i = nodes[i]. */
export function nodeTableOf(nodes: readonly NodeInfo[]): Float64Array {
  const table = new Float64Array(nodes.length * STRIDE);
  for (let i = 0; i < nodes.length; i++) writeRow(table, i, nodeNumbers(nodes[i]));
  return table;
}

/** One row read as NodeNumbers; repositioned by every numbersAt call, so read it before the next. */
class NodeRow implements NodeNumbers {
  table: Float64Array = new Float64Array(STRIDE);
  base = 0;
  get allocatableCpu() {
    return this.table[this.base];
  }
  get allocatableMemory() {
    return this.table[this.base + 1];
  }
  get allocatableEphemeralStorage() {
    return this.table[this.base + 2];
  }
  get allocatablePods() {
    return this.table[this.base + 3];
  }
  get requestedCpu() {
    return this.table[this.base + 4];
  }
  get requestedMemory() {
    return this.table[this.base + 5];
  }
  get requestedEphemeralStorage() {
    return this.table[this.base + 6];
  }
  get podCount() {
    return this.table[this.base + 7];
  }
  get nonZeroCpu() {
    return this.table[this.base + 8];
  }
  get nonZeroMemory() {
    return this.table[this.base + 9];
  }
  get doNotScheduleTaints() {
    return this.table[this.base + 10];
  }
  get preferNoScheduleTaints() {
    return this.table[this.base + 11];
  }
}

const row = new NodeRow();
const scratch = new Float64Array(STRIDE);

/**
 * The numbers of `node`, which sits at position `at` of the snapshot's node list when the cycle
 * says so: read from the snapshot's table without touching the NodeInfo. Without a position
 * (a plugin called on its own, preemption's what-if snapshots) they come from the NodeInfo.
 * The answer is one reused view: valid until the next call.
 */
export function numbersAt(snapshot: Snapshot, node: NodeInfo, at: number | undefined): NodeNumbers {
  const table = at === undefined ? undefined : snapshot.nodeTable;
  if (table) {
    row.table = table;
    row.base = (at as number) * STRIDE;
  } else {
    writeRow(scratch, 0, nodeNumbers(node));
    row.table = scratch;
    row.base = 0;
  }
  return row;
}
