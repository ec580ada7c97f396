import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parse } from 'yaml';
import { overcommitTarget } from './huge-pages';
import { kubeconfigYaml } from './kubeconfig';
import { natsConfig } from './nats';
import { findPostgresBin, lookupUser } from './postgres-host';

describe('natsConfig', () => {
  const conf = natsConfig({ dataDir: '/d', port: 4333, monitorPort: 8333 });

  it.each([
    ['listens on loopback only', 'listen: "127.0.0.1:4333"'],
    ['monitors on loopback only', 'http: "127.0.0.1:8333"'],
    ['allows 8 MB payloads for large objects', 'max_payload: 8MB'],
    ['keeps JetStream under the data dir', 'store_dir: "/d/jetstream"'],
    ['writes a pid file for stale-process recovery', 'pid_file: "/d/nats-server.pid"'],
  ])('%s', (_, line) => expect(conf).toContain(line));

  it('given no monitor port, then serves no HTTP monitoring', () => {
    expect(natsConfig({ dataDir: '/d', port: 1 })).not.toContain('http:');
  });
});

describe('kubeconfigYaml', () => {
  it('given only a server, then selects context keelson for user admin without credentials', () => {
    const config = parse(kubeconfigYaml('http://127.0.0.1:7000'));
    expect(config['current-context']).toBe('keelson');
    expect(config.clusters).toEqual([{ name: 'keelson', cluster: { server: 'http://127.0.0.1:7000' } }]);
    expect(config.contexts).toEqual([{ name: 'keelson', context: { cluster: 'keelson', user: 'admin' } }]);
    expect(config.users).toEqual([{ name: 'admin', user: {} }]);
  });

  it('given nothing, then points at 127.0.0.1:6443', () => {
    expect(parse(kubeconfigYaml()).clusters[0].cluster.server).toBe('http://127.0.0.1:6443');
  });

  it('given a token and namespace, then carries both', () => {
    const config = parse(kubeconfigYaml(undefined, { token: 't0k', namespace: 'dev' }));
    expect(config.users[0].user).toEqual({ token: 't0k' });
    expect(config.contexts[0].context.namespace).toBe('dev');
  });
});

describe('host lookups', () => {
  let dir: string;
  beforeAll(() => (dir = mkdtempSync(join(tmpdir(), 'keelson-host-'))));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it('given several Postgres versions installed, then picks the highest by number, not by text', () => {
    for (const v of ['9.6', '15', '13']) {
      mkdirSync(join(dir, v, 'bin'), { recursive: true });
      for (const b of ['postgres', 'initdb']) writeFileSync(join(dir, v, 'bin', b), '');
    }
    mkdirSync(join(dir, '16', 'bin'), { recursive: true }); // client-only: no server binaries
    expect(findPostgresBin(dir)).toBe(join(dir, '15', 'bin'));
  });

  it('finds a user in a passwd file, or nothing', () => {
    const passwd = join(dir, 'passwd');
    writeFileSync(passwd, 'root:x:0:0:root:/root:/bin/bash\npostgres:x:101:104::/var/lib/postgresql:/bin/bash\n');
    expect(lookupUser('postgres', passwd)).toEqual({ name: 'postgres', uid: 101, gid: 104 });
    expect(lookupUser('keelson', passwd)).toBeUndefined();
  });
});

describe('overcommitTarget (huge pages for Postgres)', () => {
  const meminfo = (surplus: number, size = 2048) => `MemTotal: 24000000 kB\nHugePages_Total: ${surplus}\nHugePages_Free: 0\nHugePages_Rsvd: 0\nHugePages_Surp: ${surplus}\nHugepagesize: ${size} kB\n`;

  it('given no allowance, then allows twice what one Postgres needs', () => {
    expect(overcommitTarget(meminfo(0), 0, 72)).toBe(144);
  });

  it('given another Postgres holding surplus pages, then allows for those too', () => {
    expect(overcommitTarget(meminfo(72), 144, 72)).toBe(216);
  });

  it('given an allowance that already fits, then changes nothing (and never lowers one)', () => {
    expect(overcommitTarget(meminfo(0), 144, 72)).toBeUndefined();
    expect(overcommitTarget(meminfo(0), 10_000, 72)).toBeUndefined();
  });

  it('given another huge page size, no hugetlb lines, or no need, then changes nothing', () => {
    expect(overcommitTarget(meminfo(0, 1048576), 0, 72)).toBeUndefined();
    expect(overcommitTarget('MemTotal: 1 kB\n', 0, 72)).toBeUndefined();
    expect(overcommitTarget(meminfo(0), 0, 0)).toBeUndefined();
  });
});
