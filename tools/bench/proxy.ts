// The service proxy benchmark: full and incremental sync times for 100, 1,000 and 5,000
// services × 10 endpoints, in iptables mode and nftables mode, each applied for real inside a
// scratch network namespace (`kp-bench`, deleted at the end). Rule counts are what each mode
// writes (iptables: rules; nftables: rules + map elements).
//
//   npm run bench:proxy -- [--sizes=100,1000,5000] [--endpoints=10] [--changes=5]
//
// full        = generate every rule + render + one restore/nft transaction into an empty namespace
// incremental = one Endpoints change (one endpoint of one service replaced): generate + diff
//               + one transaction with only the changed chains; "visible" once the command returns.
import { execFile } from 'node:child_process';
import { promisify, parseArgs } from 'node:util';
import {
  applyIptables, applyNftables, Endpoints, IptablesSyncer, NftablesSyncer, nftRuleCount, renderFull, ruleCount, Service,
  serviceNftRules, servicePorts, serviceRules,
} from '@keelson/proxy';

const run = promisify(execFile);
const { values: flags } = parseArgs({ options: { sizes: { type: 'string', default: '100,1000,5000' }, endpoints: { type: 'string', default: '10' }, changes: { type: 'string', default: '5' } } });
const SIZES = flags.sizes!.split(',').map(Number);
const EPS = Number(flags.endpoints);
const CHANGES = Number(flags.changes);
const NS = 'kp-bench';
const CONFIG = { clusterCIDR: '10.244.0.0/16' };

const ip = (base: number, i: number) => `${base >> 24}.${(base >> 16) & 255}.${(i >> 8) & 255}.${i & 255}`;
function cluster(n: number, generation = 0): { services: Service[]; endpoints: Endpoints[] } {
  const services: Service[] = [];
  const endpoints: Endpoints[] = [];
  for (let s = 0; s < n; s++) {
    const name = `svc-${s}`;
    services.push({ apiVersion: 'v1', kind: 'Service', metadata: { namespace: 'bench', name }, spec: { type: s % 10 === 0 ? 'NodePort' : 'ClusterIP', clusterIP: ip(0x0a600000, s + 10), ports: [{ name: 'http', port: 80, nodePort: 30000 + (s % 2700) }] } });
    const addresses = Array.from({ length: EPS }, (_, e) => ({ ip: ip(0x0af40000, (s * EPS + e + generation * (s === 0 ? 1 : 0)) % 65000 + 2) }));
    endpoints.push({ apiVersion: 'v1', kind: 'Endpoints', metadata: { namespace: 'bench', name }, subsets: [{ addresses, ports: [{ name: 'http', port: 8080 }] }] });
  }
  return { services, endpoints };
}

const ms = (t: number) => `${t.toFixed(1)} ms`;
const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];

async function scratch(): Promise<void> {
  await run('ip', ['netns', 'del', NS]).catch(() => undefined);
  await run('ip', ['netns', 'add', NS]);
}

async function main(): Promise<void> {
  const rows: string[] = [];
  for (const n of SIZES) {
    const base = cluster(n);
    // iptables
    await scratch();
    let t0 = performance.now();
    const ipt = serviceRules(servicePorts(base.services, base.endpoints), CONFIG);
    const text = renderFull(ipt);
    const genIpt = performance.now() - t0;
    t0 = performance.now();
    await applyIptables(NS, text);
    const fullIpt = genIpt + (performance.now() - t0);
    const syncer = new IptablesSyncer(NS, ['KUBE-'], { checkDrift: false });
    await syncer.sync(ipt); // adopts what is there (full again, from iptables-save)
    const incIpt: number[] = [];
    for (let c = 1; c <= CHANGES; c++) {
      const changed = cluster(n, c);
      t0 = performance.now();
      const r = await syncer.sync(serviceRules(servicePorts(changed.services, changed.endpoints), CONFIG));
      if (r.mode !== 'incremental') throw new Error(`expected an incremental sync, got ${r.mode}`);
      incIpt.push(performance.now() - t0);
    }
    // nftables
    await scratch();
    t0 = performance.now();
    const nft = serviceNftRules(servicePorts(base.services, base.endpoints), CONFIG);
    const { renderNftFull } = await import('@keelson/proxy');
    const nftText = renderNftFull(nft);
    const genNft = performance.now() - t0;
    t0 = performance.now();
    await applyNftables(NS, nftText);
    const fullNft = genNft + (performance.now() - t0);
    const nsyncer = new NftablesSyncer(NS);
    await nsyncer.sync(nft);
    const incNft: number[] = [];
    for (let c = 1; c <= CHANGES; c++) {
      const changed = cluster(n, c);
      t0 = performance.now();
      const r = await nsyncer.sync(serviceNftRules(servicePorts(changed.services, changed.endpoints), CONFIG));
      if (r.mode !== 'incremental') throw new Error(`expected an incremental nft sync, got ${r.mode}`);
      incNft.push(performance.now() - t0);
    }
    const row = `| ${n.toLocaleString('en')} × ${EPS} | iptables | ${ruleCount(ipt).toLocaleString('en')} | ${ms(genIpt)} | ${ms(fullIpt)} | ${ms(median(incIpt))} |\n| ${n.toLocaleString('en')} × ${EPS} | nftables | ${nftRuleCount(nft).toLocaleString('en')} | ${ms(genNft)} | ${ms(fullNft)} | ${ms(median(incNft))} |`;
    console.log(row);
    rows.push(row);
  }
  await run('ip', ['netns', 'del', NS]).catch(() => undefined);
  console.log('\n| services × endpoints | mode | rules | generate | full sync | incremental (median) |\n|---|---|---:|---:|---:|---:|\n' + rows.join('\n'));
}

main().catch(async (e) => {
  console.error(e);
  await run('ip', ['netns', 'del', NS]).catch(() => undefined);
  process.exit(1);
});
