import { dockerResources, linuxResourcesFor, milliCPUToQuota, milliCPUToShares } from './resources';

describe('milliCPUToShares', () => {
  it.each([
    [0, 2, 'no request gets the minimum'],
    [1, 2, '1m is 1.024 shares, floored to 1, raised to 2'],
    [2, 2, '2m is 2.048 shares, floored to 2'],
    [250, 256, '250m is a quarter of 1024'],
    [1000, 1024, 'one CPU'],
    [1500, 1536, 'one and a half CPUs'],
    [300_000, 262_144, 'capped at the kernel maximum'],
  ])('given %i milliCPU then %i shares (%s)', (milli, shares) => {
    expect(milliCPUToShares(milli)).toBe(shares);
  });
});

describe('milliCPUToQuota', () => {
  it.each<[number, number | undefined, string]>([
    [0, undefined, 'no limit means no quota'],
    [5, 1000, '5m would be 500µs, raised to the 1ms minimum'],
    [100, 10_000, '100m is 10ms per 100ms'],
    [500, 50_000, 'half a CPU'],
    [2000, 200_000, 'two CPUs worth of time per period'],
  ])('given %i milliCPU then quota %p (%s)', (milli, quota) => {
    expect(milliCPUToQuota(milli)).toBe(quota);
  });

  it('given a 50ms period when the limit is 250m then the quota is 12.5ms', () => {
    expect(milliCPUToQuota(250, 50_000)).toBe(12_500);
  });
});

describe('linuxResourcesFor', () => {
  it('given no resources then only minimum shares (BestEffort)', () => {
    expect(linuxResourcesFor(undefined)).toEqual({ cpuShares: 2 });
    expect(linuxResourcesFor({})).toEqual({ cpuShares: 2 });
  });

  it('given requests and limits then shares from the request and quota from the limit (Burstable)', () => {
    expect(linuxResourcesFor({ requests: { cpu: '250m', memory: '64Mi' }, limits: { cpu: '500m', memory: '128Mi' } })).toEqual({
      cpuShares: 256,
      cpuQuota: 50_000,
      cpuPeriod: 100_000,
      memoryLimitBytes: 134_217_728,
    });
  });

  it('given only limits then shares follow the limit, as API defaulting would set the request', () => {
    expect(linuxResourcesFor({ limits: { cpu: '1', memory: '1G' } })).toEqual({
      cpuShares: 1024,
      cpuQuota: 100_000,
      cpuPeriod: 100_000,
      memoryLimitBytes: 1_000_000_000,
    });
  });

  it('given numeric quantities from YAML then they read as whole units', () => {
    expect(linuxResourcesFor({ requests: { cpu: 2 }, limits: { cpu: 2 } })).toMatchObject({ cpuShares: 2048, cpuQuota: 200_000 });
  });

  it('given a cpuset for a Guaranteed pod with whole CPUs then it passes through', () => {
    expect(linuxResourcesFor({ limits: { cpu: '1' } }, '1')).toMatchObject({ cpusetCpus: '1' });
  });
});

describe('dockerResources', () => {
  it('given a memory limit then swap is held to the same number so the container is OOMKilled, not swapped', () => {
    expect(dockerResources({ cpuShares: 256, cpuQuota: 50_000, cpuPeriod: 100_000, memoryLimitBytes: 33_554_432, cpusetCpus: '0' })).toEqual({
      CpuShares: 256,
      CpuQuota: 50_000,
      CpuPeriod: 100_000,
      Memory: 33_554_432,
      MemorySwap: 33_554_432,
      CpusetCpus: '0',
      OomKillDisable: false,
    });
  });

  it('given no limits then only shares are set', () => {
    expect(dockerResources({ cpuShares: 2 })).toEqual({ CpuShares: 2, OomKillDisable: false });
  });
});
