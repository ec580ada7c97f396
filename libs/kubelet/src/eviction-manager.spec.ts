import { EvictionManager, memoryAvailable, workingSet } from './eviction-manager';
import { container, makePod } from './testing';

const meminfo = (availableKb: number) => `MemTotal:       24000000 kB\nMemFree:         1000 kB\nMemAvailable:   ${availableKb} kB\n`;

describe('eviction manager', () => {
  it('reads MemAvailable and the cgroup working set (usage minus inactive file pages)', () => {
    expect(memoryAvailable(meminfo(2048))).toEqual({ available: 2048 * 1024, total: 24000000 * 1024 });
    expect(workingSet('1000000\n', 'cache 5\ntotal_inactive_file 300000\n')).toBe(700000);
  });

  it('given enough memory, then it evicts nothing', () => {
    const m = new EvictionManager('memory.available<100Mi', () => meminfo(200 * 1024), () => 1e9);
    expect(m.underPressure()).toBe(false);
    expect(m.decide([{ pod: makePod(), containers: [{ id: 'a', name: 'app' }] }])).toBeUndefined();
  });

  it('given less than 100Mi available, then it evicts the BestEffort pod before the Guaranteed one', () => {
    const guaranteed = makePod({ containers: [container('c', { resources: { limits: { cpu: '1', memory: '1Gi' } } })] }, { name: 'g', uid: 'g' });
    const bestEffort = makePod({}, { name: 'be', uid: 'be' });
    const m = new EvictionManager('memory.available<100Mi', () => meminfo(50 * 1024), (id) => (id === 'g1' ? 900 * 2 ** 20 : 10 * 2 ** 20));
    expect(m.underPressure()).toBe(true);
    expect(m.decide([{ pod: guaranteed, containers: [{ id: 'g1', name: 'c' }] }, { pod: bestEffort, containers: [{ id: 'b1', name: 'app' }] }])).toEqual({
      pod: bestEffort,
      threshold: '100Mi',
      available: 50 * 1024 * 1024,
      message: 'The node was low on resource: memory. Threshold quantity: 100Mi, available: 50Mi. Container app was using 10Mi, request is 0, has larger consumption of memory. ',
    });
  });
});
