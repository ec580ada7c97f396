import { allocatePod, cpusetFor, EMPTY_ASSIGNMENTS, releasePod, sharedPool } from './cpu-manager';
import { containerResources, formatCpuSet, milliCPUToQuota, milliCPUToShares, parseCpuSet } from './resources';
import { container, makePod } from './testing';

describe('cpu shares and quota', () => {
  it.each([
    [0, 2],
    [1, 2],
    [100, 102],
    [250, 256],
    [1000, 1024],
    [2000, 2048],
    [1_000_000, 262144],
  ])('%i millicpu → %i shares', (milli, shares) => expect(milliCPUToShares(milli)).toBe(shares));

  it.each([
    [0, 0],
    [5, 1000],
    [500, 50000],
    [1500, 150000],
  ])('%i millicpu limit → quota %i µs per 100 ms', (milli, quota) => expect(milliCPUToQuota(milli)).toBe(quota));
});

describe('containerResources', () => {
  it.each([
    ['nothing set', {}, { cpuShares: 2 }],
    ['requests only', { requests: { cpu: '250m', memory: '64Mi' } }, { cpuShares: 256 }],
    ['limits only (request defaults to the limit)', { limits: { cpu: '500m', memory: '128Mi' } }, { cpuShares: 512, cpuPeriod: 100000, cpuQuota: 50000, memoryLimit: 134217728 }],
  ])('with %s', (_name, resources, expected) => {
    expect(containerResources(container('app', { resources }))).toEqual(expected);
  });

  it('adds the cpuset when CPUs are pinned', () => {
    expect(containerResources(container('app'), [2, 3])).toMatchObject({ cpusetCpus: '2-3' });
  });

  it.each([
    [[0, 1, 2, 5, 7, 8], '0-2,5,7-8'],
    [[3], '3'],
    [[], ''],
  ])('formats %j as %s and back', (cpus, text) => {
    expect(formatCpuSet(cpus)).toBe(text);
    expect(parseCpuSet(text)).toEqual(cpus);
  });
});

describe('static CPU manager', () => {
  const cpus = [0, 1, 2, 3];
  const guaranteed = (uid: string, cpu: string) => makePod({ containers: [container('app', { resources: { limits: { cpu, memory: '1Gi' } } })] }, { uid });

  it('pins whole CPUs of a Guaranteed container and shrinks the shared pool', () => {
    const r = allocatePod(EMPTY_ASSIGNMENTS, guaranteed('a', '2'), cpus, [0]);
    if (!r.ok) throw new Error(r.reason);
    expect(r.state.exclusive).toEqual({ 'a/app': [1, 2] });
    expect(sharedPool(r.state, cpus)).toEqual([0, 3]);
    expect(cpusetFor(r.state, guaranteed('b', '500m'), container('app'), cpus)).toEqual([0, 3]);
  });

  it.each([
    ['a fractional request', guaranteed('a', '1500m')],
    ['a Burstable pod', makePod({ containers: [container('app', { resources: { requests: { cpu: '1' } } })] })],
  ])('leaves %s in the shared pool (nothing to do)', (_name, pod) => {
    expect(allocatePod(EMPTY_ASSIGNMENTS, pod, cpus)).toEqual({ ok: true, state: EMPTY_ASSIGNMENTS });
  });

  it('refuses when the shared pool would be emptied, and frees CPUs on release', () => {
    const first = allocatePod(EMPTY_ASSIGNMENTS, guaranteed('a', '3'), cpus);
    if (!first.ok) throw new Error(first.reason);
    expect(allocatePod(first.state, guaranteed('b', '1'), cpus)).toEqual({ ok: false, reason: 'not enough cpus available to satisfy request: requested=1, available=0' });
    expect(releasePod(first.state, 'a')).toEqual(EMPTY_ASSIGNMENTS);
  });

  it('keeps an existing assignment when asked again', () => {
    const first = allocatePod(EMPTY_ASSIGNMENTS, guaranteed('a', '1'), cpus);
    if (!first.ok) throw new Error(first.reason);
    expect(allocatePod(first.state, guaranteed('a', '1'), cpus)).toEqual(first);
  });
});
