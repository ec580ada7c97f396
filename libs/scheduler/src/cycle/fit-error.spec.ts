import type { Status } from '../framework/types';
import { failedSchedulingMessage } from './fit-error';
import type { Diagnosis } from './types';

const rejected = (...reasons: string[]): Status => ({ code: 'Unschedulable', reasons });
const diagnosis = (statuses: Record<string, Status>, preFilterStatus?: Status): Diagnosis => ({
  nodeToStatus: new Map(Object.entries(statuses)),
  unschedulablePlugins: new Set(),
  ...(preFilterStatus ? { preFilterStatus } : {}),
});
const TAINT = 'node(s) had untolerated taint {node.kubernetes.io/network-unavailable: }';

describe('failedSchedulingMessage', () => {
  it.each`
    case                                          | d                                                                                                                     | total | post                                                                  | expected
    ${'reasons counted across nodes and sorted'}  | ${diagnosis({ a: rejected(TAINT), b: rejected('Insufficient cpu'), c: rejected('Insufficient cpu'), d: rejected(TAINT), e: rejected('Insufficient cpu') })} | ${5} | ${undefined} | ${`0/5 nodes are available: 2 ${TAINT}, 3 Insufficient cpu.`}
    ${'several reasons on one node each count'}   | ${diagnosis({ a: rejected('Insufficient cpu', 'Insufficient memory'), b: rejected('Insufficient memory') })}           | ${2}  | ${undefined}                                                          | ${'0/2 nodes are available: 1 Insufficient cpu, 2 Insufficient memory.'}
    ${'sorted as strings, so 10 before 9'}        | ${diagnosis({ ...Object.fromEntries(Array.from({ length: 10 }, (_, i) => [`x${i}`, rejected('b')])), ...Object.fromEntries(Array.from({ length: 9 }, (_, i) => [`y${i}`, rejected('a')])) })} | ${19} | ${undefined} | ${'0/19 nodes are available: 10 b, 9 a.'}
    ${'PreFilter message only, not per node'}     | ${diagnosis({ a: rejected('pvc not found'), b: rejected('pvc not found') }, rejected('persistentvolumeclaim "data" not found'))} | ${2} | ${undefined} | ${'0/2 nodes are available: persistentvolumeclaim "data" not found.'}
    ${'preemption suffix after a space'}          | ${diagnosis({ a: rejected('Insufficient cpu') })}                                                                     | ${1}  | ${'preemption: 0/1 nodes are available: 1 No preemption victims found for incoming pod.'} | ${'0/1 nodes are available: 1 Insufficient cpu. preemption: 0/1 nodes are available: 1 No preemption victims found for incoming pod.'}
    ${'no nodes at all'}                          | ${diagnosis({})}                                                                                                      | ${0}  | ${undefined}                                                          | ${'no nodes available to schedule pods'}
  `('$case', ({ d, total, post, expected }) => {
    expect(failedSchedulingMessage(d, total, post)).toBe(expected);
  });
});
