import { readdirSync, readFileSync } from 'node:fs';

// CPU time of the substrate's process trees: with the machine shared, CPU per operation is the
// figure that hardly depends on the load, where rates and latencies do.

/** CPU seconds of a process and all its descendants (exited ones included, through cutime/cstime). */
export function treeCpuSeconds(root: number): number {
  const stats = readdirSync('/proc').filter((d) => /^\d+$/.test(d)).flatMap((pid) => {
    try {
      const f = readFileSync(`/proc/${pid}/stat`, 'utf8').replace(/^.*\) /s, '').split(' ');
      return [{ pid: Number(pid), ppid: Number(f[1]), ticks: Number(f[11]) + Number(f[12]) + Number(f[13]) + Number(f[14]) }];
    } catch {
      return []; // gone meanwhile
    }
  });
  const inTree = new Set([root]);
  for (let grew = true; grew; ) {
    grew = false;
    for (const s of stats) {
      if (!inTree.has(s.pid) && inTree.has(s.ppid)) {
        inTree.add(s.pid);
        grew = true;
      }
    }
  }
  return stats.filter((s) => inTree.has(s.pid)).reduce((sum, s) => sum + s.ticks, 0) / 100;
}

export interface CpuSplit {
  /** this process */
  self: number;
  nats: number;
  postgres: number;
}

/** Runs fn and says how many CPU seconds this process, nats-server and Postgres spent meanwhile. */
export async function measureCpu<T>(pids: { nats: number; postgres: number }, fn: () => Promise<T>): Promise<{ result: T; cpu: CpuSplit; seconds: number }> {
  const self0 = process.cpuUsage();
  const nats0 = treeCpuSeconds(pids.nats);
  const pg0 = treeCpuSeconds(pids.postgres);
  const t0 = performance.now();
  const result = await fn();
  const seconds = (performance.now() - t0) / 1000;
  const self = process.cpuUsage(self0);
  return {
    result,
    seconds,
    cpu: { self: (self.user + self.system) / 1e6, nats: treeCpuSeconds(pids.nats) - nats0, postgres: treeCpuSeconds(pids.postgres) - pg0 },
  };
}
