// Which containers the kernel OOM-killed, from the kernel log (/dev/kmsg), as cAdvisor's
// oomparser reads it. Docker's own State.OOMKilled comes from containerd's OOM event, which on
// cgroup v1 races the exit event: under load a container killed by its memory limit can be
// reported exited 137 with OOMKilled false (the event came late, or before containerd watched
// the new cgroup). The kernel writes its oom-kill line, naming the memory cgroup, before the
// victim dies, so by the time Docker reports the exit the line is there to read.
import { closeSync, constants, openSync, readSync } from 'node:fs';

/** What the runtime asks: did the kernel OOM-kill a process of this container? */
export interface OomKillLog {
  oomKilled(containerId: string): boolean;
}

/**
 * The container id an OOM-kill record names, or undefined. Kernels since 4.19 write
 *   oom-kill:constraint=CONSTRAINT_MEMCG,…,oom_memcg=/docker/<id>,task_memcg=/docker/<id>,task=tail,pid=…
 * older ones "Task in /docker/<id> killed as a result of limit of /docker/<id>". Only a kill by
 * the container's own limit counts (CONSTRAINT_MEMCG, the limit's cgroup); the cgroup path may
 * be /docker/<id>, /system.slice/docker-<id>.scope or nested under a pod's cgroup.
 */
export function oomKilledContainer(record: string): string | undefined {
  const memcg = /oom-kill:constraint=CONSTRAINT_MEMCG\b.*?\boom_memcg=([^,\s]+)/.exec(record)?.[1] ?? /Task in \S+ killed as a result of limit of (\S+)/.exec(record)?.[1];
  return memcg ? /([0-9a-f]{64})(?:\.scope)?\/?$/.exec(memcg)?.[1] : undefined;
}

/** The message of one /dev/kmsg record: "6,1234,5678,-;text\n KEY=value…" → "text". */
export const kmsgMessage = (record: string): string => record.slice(record.indexOf(';') + 1).split('\n')[0];

/** A few thousand ids at most are worth keeping: a container is looked at soon after it exits. */
const MAX_REMEMBERED = 4096;

/**
 * /dev/kmsg read without blocking, on demand: each call reads the records written since the
 * last one (the first reads the whole ring buffer). Where the log cannot be opened (no
 * permission, no such device) it answers false, leaving Docker's word as the only one.
 */
export class KernelOomLog implements OomKillLog {
  private fd?: number;
  private unavailable = false;
  private readonly killed = new Set<string>();
  private readonly buf = Buffer.alloc(16 * 1024);

  constructor(private readonly path = '/dev/kmsg') {}

  oomKilled(containerId: string): boolean {
    this.drain();
    return this.killed.has(containerId);
  }

  close(): void {
    if (this.fd !== undefined) closeSync(this.fd);
    this.fd = undefined;
  }

  private drain(): void {
    if (this.unavailable) return;
    try {
      this.fd ??= openSync(this.path, constants.O_RDONLY | constants.O_NONBLOCK);
    } catch {
      this.unavailable = true;
      return;
    }
    for (;;) {
      let n: number;
      try {
        // One record per read.
        n = readSync(this.fd, this.buf, 0, this.buf.length, null);
      } catch (e) {
        const code = (e as NodeJS.ErrnoException).code;
        if (code === 'EPIPE') continue; // records were overwritten before we read them: go on with the next
        if (code !== 'EAGAIN') this.close();
        return;
      }
      if (n <= 0) return;
      const id = oomKilledContainer(kmsgMessage(this.buf.toString('utf8', 0, n)));
      if (id) this.remember(id);
    }
  }

  private remember(id: string): void {
    if (this.killed.size >= MAX_REMEMBERED) this.killed.delete(this.killed.values().next().value!);
    this.killed.add(id);
  }
}
