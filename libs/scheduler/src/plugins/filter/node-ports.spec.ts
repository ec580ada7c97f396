import { NodePorts, portConflicts } from './node-ports';
import { nodeOf, podOf, snapshotOf, verdicts } from './testing';

describe('NodePorts', () => {
  const hostPort = (port: number, protocol?: string, hostIP?: string) => ({ name: 'c', image: 'x', ports: [{ containerPort: port, hostPort: port, ...(protocol ? { protocol } : {}), ...(hostIP ? { hostIP } : {}) }] });

  it.each([
    { given: 'TCP 80 on 10.0.0.1 taken, pod wants 0.0.0.0 TCP 80', used: hostPort(80, 'TCP', '10.0.0.1'), want: hostPort(80), clash: true },
    { given: 'TCP 80 on 0.0.0.0 taken, pod wants 10.0.0.2 TCP 80', used: hostPort(80), want: hostPort(80, 'TCP', '10.0.0.2'), clash: true },
    { given: 'TCP 80 on 10.0.0.1 taken, pod wants 10.0.0.2 TCP 80', used: hostPort(80, 'TCP', '10.0.0.1'), want: hostPort(80, 'TCP', '10.0.0.2'), clash: false },
    { given: 'TCP 80 taken, pod wants UDP 80', used: hostPort(80), want: hostPort(80, 'UDP'), clash: false },
    { given: 'TCP 80 taken, pod wants TCP 81', used: hostPort(80), want: hostPort(81), clash: false },
    { given: 'UDP 53 on 10.0.0.1 taken, pod wants the same', used: hostPort(53, 'UDP', '10.0.0.1'), want: hostPort(53, 'UDP', '10.0.0.1'), clash: true },
  ])('given $given, then conflict is $clash', ({ used, want, clash }) => {
    const node = nodeOf('n1', { pods: [podOf('existing', { containers: [used] })] });
    const expected = clash ? "Unschedulable: node(s) didn't have free ports for the requested pod ports" : 'Success';
    expect(verdicts(NodePorts, podOf('p', { containers: [want] }), snapshotOf([node]))).toEqual({ n1: expected });
  });

  it('given a pod without hostPorts, then PreFilter skips the plugin', () => {
    expect(NodePorts.preFilter({ state: new Map(), snapshot: snapshotOf([]) }, podOf('p'))).toEqual({ code: 'Skip' });
  });

  it('given a port 0 request, then it never conflicts', () => {
    expect(portConflicts([{ protocol: 'TCP', hostIP: '0.0.0.0', port: 0 }], { protocol: 'TCP', hostIP: '0.0.0.0', port: 0 })).toBe(false);
  });
});
