import type { Diagnosis } from './types';

// The FailedScheduling message, as `FitError.Error()` (pkg/scheduler/framework/types.go) builds it:
//   "0/<all> nodes are available: <PreFilter message>." when PreFilter rejected the pod, else
//   "0/<all> nodes are available: <n> <reason>, <m> <reason>." — each reason counted over the
//   nodes, the "<count> <reason>" strings sorted as Go's sort.Strings sorts them (bytewise, so
//   "10 x" comes before "2 y") — then the PostFilter (preemption) message after a space.

export const NO_NODES_AVAILABLE = 'no nodes available to schedule pods';

const bytewise = (a: string, b: string): number => (a < b ? -1 : a > b ? 1 : 0);

export function failedSchedulingMessage(diagnosis: Diagnosis, totalNodes: number, postFilterMessage?: string): string {
  if (totalNodes === 0) return NO_NODES_AVAILABLE;
  let msg = `0/${totalNodes} nodes are available:`;
  const preFilter = diagnosis.preFilterStatus;
  if (preFilter) {
    const preFilterMsg = (preFilter.reasons ?? []).join(', ');
    if (preFilterMsg !== '') msg += ` ${preFilterMsg}.`;
  }
  if (!preFilter || (preFilter.reasons ?? []).length === 0) {
    const counts = new Map<string, number>();
    for (const status of diagnosis.nodeToStatus.values()) {
      for (const reason of status.reasons ?? []) counts.set(reason, (counts.get(reason) ?? 0) + 1);
    }
    const histogram = [...counts].map(([reason, n]) => `${n} ${reason}`).sort(bytewise);
    if (histogram.length) msg += ` ${histogram.join(', ')}.`;
  }
  if (postFilterMessage) msg += ` ${postFilterMessage}`;
  return msg;
}
