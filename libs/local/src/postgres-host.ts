import { execFileSync } from 'node:child_process';
import { chmodSync, existsSync, readFileSync, readdirSync, statSync } from 'node:fs';
import { delimiter, dirname, join, resolve } from 'node:path';

/** The Unix user Postgres runs as when we are root (Postgres refuses to run as root). */
export interface PostgresUser {
  name: string;
  uid: number;
  gid: number;
}

/**
 * The directory holding initdb and postgres: the highest version under /usr/lib/postgresql
 * (Debian's layout, where they are not on PATH), else wherever PATH has them.
 */
export function findPostgresBin(root = '/usr/lib/postgresql'): string {
  const versions = existsSync(root) ? readdirSync(root).filter((v) => /^\d+(\.\d+)?$/.test(v)) : [];
  versions.sort((a, b) => Number(b) - Number(a));
  for (const v of versions) {
    const bin = join(root, v, 'bin');
    if (existsSync(join(bin, 'postgres')) && existsSync(join(bin, 'initdb'))) return bin;
  }
  for (const dir of (process.env.PATH ?? '').split(delimiter)) {
    if (dir && existsSync(join(dir, 'postgres')) && existsSync(join(dir, 'initdb'))) return dir;
  }
  throw new Error('postgres/initdb not found; run `npm start` or `npm test` once (tools/bootstrap.sh installs postgresql with apt-get)');
}

/**
 * Undefined when we are not root (Postgres then runs as us). As root: the Debian `postgres`
 * user if the package made one, else a system user `keelson` created here once.
 */
export function postgresUser(log: (line: string) => void, passwd = '/etc/passwd'): PostgresUser | undefined {
  if (process.getuid?.() !== 0) return undefined;
  const existing = lookupUser('postgres', passwd) ?? lookupUser('keelson', passwd);
  if (existing) return existing;
  log('keelson: creating system user "keelson" to run Postgres (it refuses to run as root)');
  execFileSync('useradd', ['--system', '--user-group', '--no-create-home', '--home-dir', '/nonexistent', '--shell', '/usr/sbin/nologin', 'keelson']);
  const created = lookupUser('keelson', passwd);
  if (!created) throw new Error('useradd keelson succeeded but the user is not in /etc/passwd');
  return created;
}

export function lookupUser(name: string, passwd = '/etc/passwd'): PostgresUser | undefined {
  for (const line of readFileSync(passwd, 'utf8').split('\n')) {
    const [user, , uid, gid] = line.split(':');
    if (user === name) return { name, uid: Number(uid), gid: Number(gid) };
  }
  return undefined;
}

/**
 * The Postgres user must be able to walk down to its data dir. A clone under /root (mode 700)
 * does not allow that, so we add search permission (o+x: enter, not list) to each ancestor
 * that lacks it, and say so. Example: /root/src/keelson/.keelson/postgres needs x on /root.
 */
export function makeTraversable(dir: string, user: PostgresUser, log: (line: string) => void): void {
  const ancestors: string[] = [];
  for (let d = dirname(resolve(dir)); ; d = dirname(d)) {
    ancestors.push(d);
    if (d === dirname(d)) break;
  }
  for (const d of ancestors.reverse()) {
    const st = statSync(d);
    const canSearch = st.uid === user.uid ? st.mode & 0o100 : st.gid === user.gid ? st.mode & 0o010 : st.mode & 0o001;
    if (canSearch) continue;
    log(`keelson: adding o+x to ${d} so user ${user.name} can reach ${dir}`);
    chmodSync(d, (st.mode & 0o7777) | 0o001);
  }
}
