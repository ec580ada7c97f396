import type { KubeObject } from '@keelson/apimachinery';
import { resolvePriority } from './priority';

const pc = (name: string, value: number, globalDefault = false): [string, KubeObject] => [
  name,
  { apiVersion: 'scheduling.k8s.io/v1', kind: 'PriorityClass', metadata: { name }, value, globalDefault } as KubeObject,
];
const pod = (spec: Record<string, unknown>): KubeObject => ({ apiVersion: 'v1', kind: 'Pod', metadata: { name: 'p' }, spec: { containers: [], ...spec } });

describe('resolvePriority', () => {
  it.each`
    case                                                      | spec                                                      | classes                                       | expected
    ${'named class wins over the 0 admission wrote'}          | ${{ priority: 0, priorityClassName: 'high' }}             | ${[pc('high', 1000)]}                         | ${1000}
    ${'named class not stored: what was written'}             | ${{ priority: 7, priorityClassName: 'gone' }}             | ${[]}                                         | ${7}
    ${'system class without a stored object'}                 | ${{ priorityClassName: 'system-node-critical' }}          | ${[]}                                         | ${2000001000}
    ${'no name: the global default'}                          | ${{ priority: 0 }}                                        | ${[pc('d', 50, true), pc('x', 999)]}          | ${50}
    ${'no name, several defaults: the lowest'}                | ${{}}                                                     | ${[pc('d1', 50, true), pc('d2', 20, true)]}   | ${20}
    ${'no name, priority already set by someone: kept'}       | ${{ priority: 300 }}                                      | ${[pc('d', 50, true)]}                        | ${300}
    ${'nothing at all: 0'}                                    | ${{}}                                                     | ${[]}                                         | ${0}
  `('$case', ({ spec, classes, expected }) => {
    expect(resolvePriority(pod(spec), new Map(classes))).toBe(expected);
  });
});
