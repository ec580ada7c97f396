// A container's requests/limits as cgroup settings, the way the kubelet computes
// LinuxContainerResources (pkg/kubelet/kuberuntime/kuberuntime_container_linux.go and
// pkg/kubelet/cm/helpers_linux.go). Docker then writes them to the cgroup (v1 here).
import { milliValue, parseQuantity } from '@keelson/admission/quantity';

/** CRI's LinuxContainerResources, the subset Keelson sets. Omitted fields mean "not limited". */
export interface LinuxContainerResources {
  readonly cpuShares: number;
  readonly cpuQuota?: number;
  readonly cpuPeriod?: number;
  readonly memoryLimitBytes?: number;
  /** "0-1", "2": only for Guaranteed pods with whole CPUs (the static CPU manager's job). */
  readonly cpusetCpus?: string;
}

/** Kubernetes' ResourceRequirements, quantities as the API carries them ("250m", "64Mi", 1). */
export interface ResourceRequirements {
  readonly requests?: Readonly<Record<string, string | number>>;
  readonly limits?: Readonly<Record<string, string | number>>;
}

export const MIN_SHARES = 2;
export const MAX_SHARES = 262_144;
export const SHARES_PER_CPU = 1024;
/** The CFS period the kubelet uses unless told otherwise: 100ms, in microseconds. */
export const QUOTA_PERIOD_US = 100_000;
/** The kernel refuses a quota under 1ms. */
export const MIN_QUOTA_PERIOD_US = 1_000;

/**
 * cpu.shares for a CPU request. Shares are relative weights, 1024 per whole CPU:
 * 250m → 250 × 1024 / 1000 = 256; 1 → 1024; 1m → 1.024, floored to 1, raised to the minimum 2;
 * no request (0) → 2, so a BestEffort container still gets a sliver under contention.
 */
export function milliCPUToShares(milliCPU: number): number {
  if (milliCPU <= 0) return MIN_SHARES;
  const shares = Math.floor((milliCPU * SHARES_PER_CPU) / 1000);
  return Math.min(MAX_SHARES, Math.max(MIN_SHARES, shares));
}

/**
 * cpu.cfs_quota_us for a CPU limit: the microseconds of CPU time allowed per period.
 * 500m with the 100 000 µs period → 500 × 100 000 / 1000 = 50 000 µs (half a CPU);
 * 2 → 200 000 µs (two CPUs' worth per period); 5m → 500 µs, raised to the kernel's 1 000 µs.
 * No limit (0) → undefined: no quota.
 */
export function milliCPUToQuota(milliCPU: number, periodUs = QUOTA_PERIOD_US): number | undefined {
  if (milliCPU <= 0) return undefined;
  const quota = Math.floor((milliCPU * periodUs) / 1000);
  return Math.max(MIN_QUOTA_PERIOD_US, quota);
}

/**
 * The kubelet's calculateLinuxResources: shares from the CPU request (or from the limit when
 * only a limit is given, as API defaulting would have done), quota+period from the CPU limit,
 * the memory limit in bytes. `cpusetCpus` passes through.
 */
export function linuxResourcesFor(resources: ResourceRequirements | undefined, cpusetCpus?: string): LinuxContainerResources {
  const cpuRequest = resources?.requests?.cpu;
  const cpuLimit = resources?.limits?.cpu;
  const memoryLimit = resources?.limits?.memory;
  const limitMilli = cpuLimit === undefined ? 0 : milliValue(cpuLimit);
  const sharesFrom = cpuRequest ?? cpuLimit;
  const quota = milliCPUToQuota(limitMilli);
  const memory = memoryLimit === undefined ? 0 : Math.floor(parseQuantity(memoryLimit));
  return {
    cpuShares: milliCPUToShares(sharesFrom === undefined ? 0 : milliValue(sharesFrom)),
    ...(quota === undefined ? {} : { cpuQuota: quota, cpuPeriod: QUOTA_PERIOD_US }),
    ...(memory > 0 ? { memoryLimitBytes: memory } : {}),
    ...(cpusetCpus ? { cpusetCpus } : {}),
  };
}

/** The Docker HostConfig fields for those resources. */
export interface DockerResources {
  CpuShares: number;
  CpuQuota?: number;
  CpuPeriod?: number;
  Memory?: number;
  MemorySwap?: number;
  CpusetCpus?: string;
  OomKillDisable: false;
}

/**
 * Docker's names for them. MemorySwap equals Memory: Kubernetes runs containers without swap
 * by default, and Docker would otherwise allow as much swap again as memory (2× in total), so
 * a container over its limit would swap instead of being OOMKilled.
 */
export function dockerResources(r: LinuxContainerResources): DockerResources {
  return {
    CpuShares: r.cpuShares,
    ...(r.cpuQuota === undefined ? {} : { CpuQuota: r.cpuQuota, CpuPeriod: r.cpuPeriod ?? QUOTA_PERIOD_US }),
    ...(r.memoryLimitBytes === undefined ? {} : { Memory: r.memoryLimitBytes, MemorySwap: r.memoryLimitBytes }),
    ...(r.cpusetCpus ? { CpusetCpus: r.cpusetCpus } : {}),
    OomKillDisable: false,
  };
}
