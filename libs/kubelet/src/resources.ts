// Container resources → runtime (cgroup) settings, after pkg/kubelet/cm helpers:
//   cpuShares from requests.cpu: 1024 per CPU, at least 2 (250m → 256; none → 2);
//   cpuQuota from limits.cpu over a 100 ms period: quota = milli × 100 µs, at least
//   1 ms (500m → 50000 µs; 5m → 500 → raised to 1000);
//   memory from limits.memory in bytes. Kubernetes' defaulting copies a missing request from
//   the limit, so a limit alone gives shares too.
import { milliValue, parseQuantity } from '@keelson/admission/quantity';
import type { Container } from './types';

export const MIN_SHARES = 2;
export const MAX_SHARES = 262144;
export const SHARES_PER_CPU = 1024;
export const QUOTA_PERIOD_US = 100_000;
export const MIN_QUOTA_US = 1000;

export function milliCPUToShares(milliCPU: number): number {
  if (milliCPU === 0) return MIN_SHARES;
  const shares = Math.floor((milliCPU * SHARES_PER_CPU) / 1000);
  return Math.min(Math.max(shares, MIN_SHARES), MAX_SHARES);
}

/** 0 means no quota (no cpu limit). */
export function milliCPUToQuota(milliCPU: number, periodUs = QUOTA_PERIOD_US): number {
  if (milliCPU === 0) return 0;
  return Math.max(Math.floor((milliCPU * periodUs) / 1000), MIN_QUOTA_US);
}

export interface RuntimeResources {
  readonly cpuShares: number;
  readonly cpuPeriod?: number;
  readonly cpuQuota?: number;
  /** Bytes. */
  readonly memoryLimit?: number;
  /** Linux cpuset list, "2-3" or "0,4". */
  readonly cpusetCpus?: string;
}

export function containerResources(container: Container, cpus?: readonly number[]): RuntimeResources {
  const limits = container.resources?.limits ?? {};
  const requests = container.resources?.requests ?? {};
  const cpuRequest = requests.cpu ?? limits.cpu;
  const out: { -readonly [K in keyof RuntimeResources]: RuntimeResources[K] } = { cpuShares: milliCPUToShares(cpuRequest === undefined ? 0 : milliValue(cpuRequest)) };
  if (limits.cpu !== undefined && milliValue(limits.cpu) > 0) {
    out.cpuPeriod = QUOTA_PERIOD_US;
    out.cpuQuota = milliCPUToQuota(milliValue(limits.cpu));
  }
  if (limits.memory !== undefined) out.memoryLimit = Math.floor(parseQuantity(limits.memory));
  if (cpus?.length) out.cpusetCpus = formatCpuSet(cpus);
  return out;
}

/** [0,1,2,5,7,8] → "0-2,5,7-8", the form cgroups and `docker --cpuset-cpus` take. */
export function formatCpuSet(cpus: readonly number[]): string {
  const sorted = [...new Set(cpus)].sort((a, b) => a - b);
  const ranges: string[] = [];
  for (let i = 0; i < sorted.length; ) {
    let j = i;
    while (j + 1 < sorted.length && sorted[j + 1] === sorted[j] + 1) j++;
    ranges.push(i === j ? `${sorted[i]}` : `${sorted[i]}-${sorted[j]}`);
    i = j + 1;
  }
  return ranges.join(',');
}

/** "0-2,5" → [0,1,2,5]. */
export function parseCpuSet(s: string): number[] {
  if (!s.trim()) return [];
  return s.split(',').flatMap((part) => {
    const [a, b] = part.split('-').map(Number);
    return b === undefined ? [a] : Array.from({ length: b - a + 1 }, (_, k) => a + k);
  });
}
