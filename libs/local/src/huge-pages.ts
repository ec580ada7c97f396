import { readFileSync, writeFileSync } from 'node:fs';

// Postgres' shared memory (shared_buffers and the rest, ~145 MB here) on 2 MB huge pages, as
// its manual recommends (18.4.5, "Linux Huge Pages"). A backend maps each shared buffer page on
// first touch, 4 KB at a time: a new connection filling the 16 MB ring of a bulk COPY took
// ~4,000 page faults, and on this virtual machine a fault is dear: with 4 KB pages a replay
// spent about half of Postgres' CPU in the kernel (docs/benchmarks.md, session 7).
//
// Postgres asks for huge pages itself (`huge_pages=try`, the default) and falls back to normal
// pages when the kernel has none to give. The kernel gives none unless its hugetlb pool allows
// them; `vm.nr_overcommit_hugepages` allows "surplus" huge pages, made when a process maps them
// and handed back to the kernel when it exits, so raising it reserves no memory up front. As
// root, the start of each Postgres raises that allowance, if need be, to the surplus pages in
// use plus twice what this Postgres needs (room for one more starting at the same moment). It
// never lowers it: another Postgres may be counting on it. Without root, or where /proc/sys
// is read-only, nothing changes and Postgres runs on normal pages.

const OVERCOMMIT = '/proc/sys/vm/nr_overcommit_hugepages';

/** The allowance to write so that `need` more surplus huge pages fit, or undefined when the current one does. */
export function overcommitTarget(meminfo: string, allowance: number, need: number): number | undefined {
  const field = (name: string) => Number(new RegExp(`^${name}:\\s+(\\d+)`, 'm').exec(meminfo)?.[1] ?? NaN);
  if (field('Hugepagesize') !== 2048) return undefined; // Postgres' default huge page size is what the pool gives
  const surplus = field('HugePages_Surp');
  if (!Number.isFinite(surplus) || need <= 0) return undefined;
  const target = surplus + 2 * need;
  return target > allowance ? target : undefined;
}

/**
 * Lets `need` huge pages be made for a Postgres about to start. Says what it changed through
 * `log`; says nothing when nothing needed changing or nothing could be changed.
 */
export function allowHugePages(need: number, log: (line: string) => void, files = { meminfo: '/proc/meminfo', overcommit: OVERCOMMIT }): void {
  try {
    const allowance = Number(readFileSync(files.overcommit, 'utf8'));
    const target = overcommitTarget(readFileSync(files.meminfo, 'utf8'), allowance, need);
    if (target === undefined) return;
    writeFileSync(files.overcommit, `${target}\n`);
    log(`keelson: vm.nr_overcommit_hugepages ${allowance} → ${target}, so that Postgres' shared memory can use huge pages (made on demand, returned when it stops)`);
  } catch {
    // not root, no hugetlb support, or /proc/sys read-only (a container): normal pages
  }
}

/** Whether a process has memory on 2 MB hugetlb pages (for Postgres' postmaster: its shared memory). */
export function usesHugePages(pid: number): boolean {
  try {
    return /^KernelPageSize:\s+2048 kB/m.test(readFileSync(`/proc/${pid}/smaps`, 'utf8'));
  } catch {
    return false;
  }
}
