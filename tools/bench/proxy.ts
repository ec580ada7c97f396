// The service proxy benchmark: full and incremental sync times for 100, 1,000 and 5,000
// services × 10 endpoints, in iptables mode and nftables mode, each applied for real inside a
// scratch network namespace (`keelson-bench-proxy`, deleted at the end). Rule counts are what
// each mode writes (iptables: rules; nftables: rules + map and set elements).
//
//   npm run bench:proxy -- [--sizes=100,1000,5000] [--endpoints=10] [--changes=5] [--repeats=3]
//                          [--iptables=nft|legacy] [--modes=iptables,nftables]
//
// Both modes run exactly as the node agent runs them: one Proxier (@keelson/proxy, proxier.ts:
// ServicePorts → IptablesServiceRules / NftServiceRules → the syncer), fed the Services and
// Endpoints the way an informer holds them (unchanged objects stay the same objects).
// full        = the Proxier's first sync, wall time: service ports, every rule generated, the
//               empty tables read back (iptables-save, started before generating), rendering
//               streamed into one transaction, until iptables-restore / nft exits; best and
//               median of `repeats`, each into a fresh namespace with a fresh Proxier (the
//               previous one's garbage collected first; CPU is the best run's). The agent's and
//               the child's CPU overlap in part (the child parses while the rest is written),
//               so the wall time can be less than their sum
// CPU         = user + system time of this process and of the iptables/nft processes it ran;
//               on a shared machine the wall time grows with the load average, CPU time much less
// incremental = one Endpoints change (the Endpoints object of one service replaced by one with
//               another endpoint): the Proxier's sync, i.e. service ports + generate + diff + one
//               transaction with the drift canary and only the changed chains or map elements. The new endpoint is then checked in the kernel's rules
//               (outside the timing), so "visible" is proven, not assumed.
// read-back   = the periodic drift check (every `verifyEvery`-th sync): list the rules back,
//               parse, compare.
import { execFile } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { promisify, parseArgs } from 'node:util';
import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';
import {
  Endpoints, IptablesBackend, IptablesServiceRules, NftServiceRules, nftRuleCount, parseSave, Proxier, ProxyMode,
  iptablesSave, ruleCount, Service, servicePorts, svcChain, sepChain, SERVICE_CHAIN_PREFIXES,
} from '@keelson/proxy';

const run = promisify(execFile);
setFlagsFromString('--expose-gc');
const collectGarbage = runInNewContext('gc') as () => void;
const { values: flags } = parseArgs({
  options: {
    sizes: { type: 'string', default: '100,1000,5000' }, endpoints: { type: 'string', default: '10' }, changes: { type: 'string', default: '5' },
    iptables: { type: 'string' }, modes: { type: 'string', default: 'iptables,nftables' }, repeats: { type: 'string', default: '3' },
  },
});
const SIZES = flags.sizes!.split(',').map(Number);
const EPS = Number(flags.endpoints);
const CHANGES = Number(flags.changes);
const BACKEND = flags.iptables as IptablesBackend | undefined;
const MODES = flags.modes!.split(',');
const REPEATS = Number(flags.repeats);
const NS = 'keelson-bench-proxy';
const CONFIG = { clusterCIDR: '10.244.0.0/16' };

const ip = (base: number, i: number) => `${base >> 24}.${(base >> 16) & 255}.${(i >> 8) & 255}.${i & 255}`;
/** The endpoint of service 0 that generation `g` replaces its first endpoint with. */
const movedEndpoint = (g: number) => ip(0x0af50000, g + 2);
const endpointsOf = (s: number, generation: number): Endpoints => {
  const addresses = Array.from({ length: EPS }, (_, e) => ({ ip: s === 0 && e === 0 && generation > 0 ? movedEndpoint(generation) : ip(0x0af40000, (s * EPS + e) % 65000 + 2) }));
  return { apiVersion: 'v1', kind: 'Endpoints', metadata: { namespace: 'bench', name: `svc-${s}` }, subsets: [{ addresses, ports: [{ name: 'http', port: 8080 }] }] };
};
function cluster(n: number): { services: Service[]; endpoints: Endpoints[] } {
  const services: Service[] = [];
  const endpoints: Endpoints[] = [];
  for (let s = 0; s < n; s++) {
    services.push({ apiVersion: 'v1', kind: 'Service', metadata: { namespace: 'bench', name: `svc-${s}` }, spec: { type: s % 10 === 0 ? 'NodePort' : 'ClusterIP', clusterIP: ip(0x0a600000, s + 10), ports: [{ name: 'http', port: 80, nodePort: 30000 + (s % 2700) }] } });
    endpoints.push(endpointsOf(s, 0));
  }
  return { services, endpoints };
}
/** What an informer holds after the Endpoints event of generation `g`: svc-0's object replaced, every other object the same. */
const afterChange = (c: { services: Service[]; endpoints: Endpoints[] }, g: number) => ({ services: c.services, endpoints: [endpointsOf(0, g), ...c.endpoints.slice(1)] });

const ms = (t: number) => `${t.toLocaleString('en', { minimumFractionDigits: 1, maximumFractionDigits: 1 })} ms`;
const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];
/**
 * CPU time in ms: this process (generation, rendering) and the children it has waited for
 * (iptables-restore, nft, …). On a shared machine wall time grows with the load, CPU time much less.
 */
function cpuMs(): { own: number; children: number } {
  const fields = readFileSync('/proc/self/stat', 'utf8').split(') ')[1].split(' ');
  const { user, system } = process.cpuUsage();
  return { own: (user + system) / 1000, children: (Number(fields[13]) + Number(fields[14])) * 10 }; // cutime, cstime in 10 ms ticks
}
const cpuSince = (c: { own: number; children: number }) => { const now = cpuMs(); return { own: now.own - c.own, children: now.children - c.children }; };

async function scratch(): Promise<void> {
  await run('ip', ['netns', 'del', NS]).catch(() => undefined);
  await run('ip', ['netns', 'add', NS]);
}
const inNs = async (cmd: string, ...args: string[]) => (await run('ip', ['netns', 'exec', NS, cmd, ...args], { maxBuffer: 1 << 30 })).stdout;

interface Row {
  n: number; mode: string; rules: number;
  fulls: { full: number; cpu: { own: number; children: number } }[];
  incremental: number[]; incrementalCpu: { own: number; children: number }[]; readBack: number;
}

/** One mode at one size: a full sync into an empty namespace, then CHANGES Endpoints changes. */
async function measure(n: number, mode: ProxyMode, label: string, m: {
  count: (ports: ReturnType<typeof servicePorts>) => number;
  visible: (generation: number) => Promise<boolean>;
  readBack: (proxier: Proxier) => Promise<unknown>;
}): Promise<Row> {
  const base = cluster(n);
  const newProxier = () => new Proxier({ nodeNs: NS, mode, config: CONFIG, sync: { backend: BACKEND } });
  // The full sync REPEATS times, each into a fresh namespace with a fresh Proxier; the
  // incremental changes then run on the last one.
  const fulls: Row['fulls'] = [];
  let proxier!: Proxier;
  let t0: number;
  for (let i = 0; i < REPEATS; i++) {
    await scratch();
    // The previous repeat's Proxier (12 MB of rules at 1,000 services) is garbage now; an agent
    // has none such, so it is collected here rather than in the middle of the timed sync.
    proxier = undefined!;
    collectGarbage();
    proxier = newProxier();
    t0 = performance.now();
    const cpu0 = cpuMs();
    const first = await proxier.sync(base.services, base.endpoints);
    fulls.push({ full: performance.now() - t0, cpu: cpuSince(cpu0) });
    if (first.services.mode !== 'full') throw new Error(`expected a full sync, got ${first.services.mode}`);
  }
  const incremental: number[] = [];
  const incrementalCpu: { own: number; children: number }[] = [];
  for (let g = 1; g <= CHANGES; g++) {
    const changed = afterChange(base, g);
    t0 = performance.now();
    const c0 = cpuMs();
    const r = await proxier.sync(changed.services, changed.endpoints);
    incremental.push(performance.now() - t0);
    incrementalCpu.push(cpuSince(c0));
    if (r.services.mode !== 'incremental') throw new Error(`${label}: expected an incremental sync, got ${r.services.mode}`);
    if (!(await m.visible(g))) throw new Error(`${label}: endpoint ${movedEndpoint(g)} not in the rules after the sync`);
  }
  t0 = performance.now();
  await m.readBack(proxier);
  return { n, mode: label, rules: m.count(servicePorts(base.services, base.endpoints)), fulls, incremental, incrementalCpu, readBack: performance.now() - t0 };
}

const SVC0 = 'bench/svc-0:http';
const iptables = (n: number) => measure(n, 'iptables', `iptables${BACKEND ? ` (${BACKEND})` : ''}`, {
  count: (ports) => ruleCount(new IptablesServiceRules(CONFIG).rules(ports)),
  visible: async (g) => (await inNs(BACKEND ? `iptables-${BACKEND}` : 'iptables', '-t', 'nat', '-S', svcChain(SVC0, 'tcp'))).includes(sepChain(SVC0, 'tcp', `${movedEndpoint(g)}:8080`)),
  readBack: async () => parseSave(await iptablesSave(NS, BACKEND), SERVICE_CHAIN_PREFIXES),
});
const nftables = (n: number) => measure(n, 'nftables', 'nftables', {
  count: (ports) => nftRuleCount(new NftServiceRules(CONFIG).rules(ports)),
  visible: async (g) => {
    const chain = [...new NftServiceRules(CONFIG).rules(servicePorts(...svc0(g))).chains.keys()].find((c) => c.startsWith('service-') && c.endsWith('-bench/svc-0/tcp/http'))!;
    return (await inNs('nft', 'list', 'chain', 'ip', 'kube-proxy', chain)).includes(`dnat to ${movedEndpoint(g)}:8080`);
  },
  readBack: (proxier) => proxier.nftables!.drifted(new NftServiceRules(CONFIG).rules([])),
});
/** svc-0 alone, as of generation g: enough to name its service chain. */
const svc0 = (g: number): [Service[], Endpoints[]] => { const c = cluster(1); return [c.services, afterChange(c, g).endpoints]; };

async function main(): Promise<void> {
  const rows: string[] = [];
  const results: Result[] = [];
  const uptime = async () => (await run('uptime')).stdout.trim();
  console.log(`start: ${await uptime()}`);
  for (const n of SIZES) {
    for (const mode of MODES) {
      const r = await (mode === 'iptables' ? iptables(n) : nftables(n));
      const best = r.fulls.reduce((a, b) => (b.full < a.full ? b : a));
      const cpu = (c: { own: number; children: number }) => `${ms(c.own)} + ${ms(c.children)}`;
      const medianCpu = r.incrementalCpu.map((c) => ({ c, total: c.own + c.children })).sort((a, b) => a.total - b.total)[Math.floor(r.incrementalCpu.length / 2)].c;
      const row = `| ${n.toLocaleString('en')} × ${EPS} | ${r.mode} | ${r.rules.toLocaleString('en')} | ${ms(best.full)} | ${ms(median(r.fulls.map((f) => f.full)))} | ${cpu(best.cpu)} | ${ms(median(r.incremental))} | ${ms(Math.max(...r.incremental))} | ${cpu(medianCpu)} | ${ms(r.readBack)} |`;
      console.log(row, `(${await uptime()})`);
      rows.push(row);
      results.push({ n, mode, full: best.full, incremental: median(r.incremental) });
    }
  }
  await run('ip', ['netns', 'del', NS]).catch(() => undefined);
  console.log(`end: ${await uptime()}`);
  console.log('\n| services × endpoints | mode | rules | full sync (best) | full sync (median) | full sync CPU (agent + iptables/nft) | incremental (median) | incremental (max) | incremental CPU (agent + iptables/nft) | read-back check |\n|---|---|---:|---:|---:|---:|---:|---:|---:|---:|\n' + rows.join('\n'));
  console.log(`\n${targets(results).join('\n')}`);
}

interface Result { n: number; mode: string; full: number; incremental: number }

/** The issue's targets, for the sizes and modes this run measured. */
function targets(results: Result[]): string[] {
  const at = (n: number, mode: string) => results.find((r) => r.n === n && r.mode === mode);
  const verdict = (ok: boolean) => (ok ? 'met' : 'NOT met');
  const lines: string[] = [];
  const ipt1000 = at(1000, 'iptables');
  if (ipt1000) lines.push(`full iptables sync of 1,000 services ≤ 1 s (wall, best): ${ms(ipt1000.full)}, ${verdict(ipt1000.full <= 1000)}`);
  for (const mode of ['iptables', 'nftables']) {
    const r = at(1000, mode);
    if (r) lines.push(`incremental ${mode} change visible ≤ 200 ms at 1,000 services (median): ${ms(r.incremental)}, ${verdict(r.incremental <= 200)}`);
  }
  const [ipt, nft] = [at(5000, 'iptables'), at(5000, 'nftables')];
  if (ipt && nft) lines.push(`nftables ahead of iptables at 5,000 services: full ${ms(nft.full)} vs ${ms(ipt.full)}, incremental ${ms(nft.incremental)} vs ${ms(ipt.incremental)}, ${verdict(nft.full < ipt.full && nft.incremental < ipt.incremental)}`);
  return lines;
}

main().catch(async (e) => {
  console.error(e);
  await run('ip', ['netns', 'del', NS]).catch(() => undefined);
  process.exit(1);
});
