import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { KernelOomLog, kmsgMessage, oomKilledContainer } from './oom-log';

const ID = 'a5e77d58c3db099c19aa42a7c1ff4997e9354a781b91fa7f30e61fb552dabddd';

describe('oomKilledContainer', () => {
  it.each([
    ['a kill by the container limit (cgroupfs driver)', `oom-kill:constraint=CONSTRAINT_MEMCG,nodemask=(null),cpuset=${ID},mems_allowed=0,oom_memcg=/docker/${ID},task_memcg=/docker/${ID},task=tail,pid=29197,uid=0`, ID],
    ['a kill by the container limit (systemd driver)', `oom-kill:constraint=CONSTRAINT_MEMCG,nodemask=(null),cpuset=/,mems_allowed=0,oom_memcg=/system.slice/docker-${ID}.scope,task_memcg=/system.slice/docker-${ID}.scope,task=tail,pid=1,uid=0`, ID],
    ['the pre-4.19 wording', `Task in /docker/${ID} killed as a result of limit of /docker/${ID}`, ID],
    ['a machine-wide OOM kill', `oom-kill:constraint=CONSTRAINT_NONE,nodemask=(null),cpuset=/,mems_allowed=0,global_oom,task_memcg=/docker/${ID},task=java,pid=7,uid=0`, undefined],
    ['a kill by a limit on a cgroup that is no container', 'oom-kill:constraint=CONSTRAINT_MEMCG,nodemask=(null),cpuset=/,mems_allowed=0,oom_memcg=/keelson-test,task_memcg=/keelson-test,task=x,pid=1,uid=0', undefined],
    ['another kernel message', 'docker0: port 1(veth8821cbd) entered disabled state', undefined],
  ])('%s', (_what, line, expected) => expect(oomKilledContainer(line)).toBe(expected));

  it('reads the message of a /dev/kmsg record', () => {
    expect(kmsgMessage(`6,2001,11417102257,-;oom-kill:constraint=CONSTRAINT_MEMCG\n SUBSYSTEM=memory`)).toBe('oom-kill:constraint=CONSTRAINT_MEMCG');
  });
});

describe('KernelOomLog', () => {
  it('answers false, not an error, where there is no kernel log to read', () => {
    expect(new KernelOomLog('/nonexistent/kmsg').oomKilled(ID)).toBe(false);
  });

  it('finds a kill in a log of records', () => {
    // A regular file is read whole by the first read; one record is enough to show the lookup.
    const dir = mkdtempSync(join(tmpdir(), 'keelson-kmsg-'));
    try {
      writeFileSync(join(dir, 'kmsg'), `3,10,100,-;oom-kill:constraint=CONSTRAINT_MEMCG,nodemask=(null),cpuset=x,mems_allowed=0,oom_memcg=/docker/${ID},task_memcg=/docker/${ID},task=tail,pid=2,uid=0\n`);
      const log = new KernelOomLog(join(dir, 'kmsg'));
      expect([log.oomKilled(ID), log.oomKilled('b'.repeat(64))]).toEqual([true, false]);
      log.close();
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
