// The overlay benchmark: pod-to-pod TCP throughput and round-trip latency between two pods on
// two node namespaces, over three paths between the very same pod namespaces:
//   overlay  — pod → cni0 → flannel.1 (VXLAN, UDP 8472) → eth0 → underlay bridge → … → pod
//   host-gw  — the same hops with plain routing over the underlay (route via the peer's eth0), no VXLAN
//   direct   — a veth pair straight between the two pod namespaces (no node, no bridge)
// and the ratios overlay/direct (the target: throughput ≥ 80 %) and overlay/host-gw (VXLAN's own cost).
// Each round sends both ways (pod A → pod B, then B → A) on every path, and counts the CPU that
// sender, receiver and ksoftirqd spent per GB: without IRQ time accounting the kernel charges
// the softirq work of every hop (bridges, netfilter, VXLAN) to the process it interrupted, so
// this is what the path costs — the figure to read when the machine is loaded.
//
//   npm run bench:overlay -- [--seconds=5] [--rounds=3] [--rtts=5000] [--size=64] [--pin=node|none|same|split] [--json=<file>]
//
// --pin places every path's work alike. `node` (the default) models two machines of one CPU each:
// node A's pod processes run on CPU 0 and node B's on CPU 1 (taskset), and Receive Packet Steering
// on each node's underlay receive (eth0's rps_cpus) hands what arrives for a node to that node's
// CPU — the direct veth's two ends get the same. Without it, veth delivers with netif_rx on the
// sending CPU, so that one CPU would run every hop of BOTH nodes in softirq, which on a real
// cluster runs on two machines. RPS here is the bench's placement, not a setting for real nodes.
// `none` leaves the scheduler to place the processes and the softirq work follows the sender (the
// default until 2026-11-27); `same` puts sender and receiver on CPU 0 (the rate is one CPU's bytes
// per second, so the throughput ratio is the inverse cost ratio); `split` senders on 0, receivers on 1.
//
// Node namespaces keelson-node-231/-232 (libs/overlay's lab: real flannel.1, CNI bridge plugin).
// The traffic is a small Node TCP sender/receiver run in the pod namespaces with `ip netns exec`,
// so it never leaves them. Modes are interleaved round by round so machine load hits all alike.
// Everything is removed at the end, on error and on Ctrl-C. Needs root.
import { spawn, type ChildProcess } from 'node:child_process';
import { readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { availableParallelism, loadavg } from 'node:os';
import { createInterface } from 'node:readline';
import { parseArgs } from 'node:util';
import { linkCounters, nodeExec } from '@keelson/overlay';
import { startOverlayLab, type LabNode, type OverlayLab } from '@keelson/overlay/src/lab/overlay-lab';

const { values: flags } = parseArgs({ options: { seconds: { type: 'string', default: '5' }, rounds: { type: 'string', default: '3' }, rtts: { type: 'string', default: '5000' }, size: { type: 'string', default: '64' }, pin: { type: 'string', default: 'node' }, json: { type: 'string' } } });
const SECONDS = Number(flags.seconds);
const ROUNDS = Number(flags.rounds);
const RTTS = Number(flags.rtts);
const SIZE = Number(flags.size);
const PIN = flags.pin as 'node' | 'none' | 'same' | 'split';
if (!['node', 'none', 'same', 'split'].includes(PIN)) throw new Error(`--pin=${PIN}: node, none, same or split`);
/** The CPU that stands for node `index`'s machine under --pin=node. */
const nodeCPU = (index: number) => index % availableParallelism();
/** `taskset -c N` for a sender (client) or receiver (server) in node `index`'s pod under --pin; nothing when unpinned. */
const pinned = (role: 'client' | 'server', index: number): string[] =>
  PIN === 'none' ? [] : ['taskset', '-c', String(PIN === 'node' ? nodeCPU(index) : PIN === 'split' && role === 'server' ? 1 : 0)];
// Node numbers no suite or other bench uses (libs/proxy's e2e has 43; node-agent 7, runtime 9, bench:node 8).
const NODES = [231, 232];
const SINK_PORT = 5201;
const ECHO_PORT = 5202;
const DIRECT = { a: 'ovl-direct-a', b: 'ovl-direct-b', aIP: '192.168.251.1', bIP: '192.168.251.2' };
const MODES = ['overlay', 'host-gw', 'direct'] as const;
/** USER_HZ, what /proc/<pid>/stat counts in (`getconf CLK_TCK`: 100 on Linux). */
const CLOCK_TICKS = 100;
type Mode = (typeof MODES)[number];

// The receiver: `sink` counts bytes per connection and prints {bytes, seconds, cpu} when the
// sender ends (timed, and its CPU counted, from the first byte); `echo` sends every byte back.
const SERVER = `const net=require('net');const [port,mode]=process.argv.slice(1);
net.createServer((s)=>{s.setNoDelay(true);if(mode==='echo'){s.pipe(s);return;}
let bytes=0,t0=0n,c0;s.on('data',(c)=>{if(!t0){t0=process.hrtime.bigint();c0=process.cpuUsage();}bytes+=c.length;});
s.on('end',()=>{const c=process.cpuUsage(c0);process.stdout.write(JSON.stringify({bytes,seconds:Number(process.hrtime.bigint()-t0)/1e9,cpu:(c.user+c.system)/1e6})+'\\n');s.end();});
}).listen(Number(port),'0.0.0.0',()=>process.stdout.write('listening\\n'));`;

// The sender: 128 KiB writes for `seconds`, respecting backpressure; prints {cpu}, its user+system
// seconds from the connection on (Node's start-up left out).
const SENDER = `const net=require('net');const [host,port,seconds]=process.argv.slice(1);const buf=Buffer.alloc(131072,1);
let c0;const s=net.connect(Number(port),host,()=>{c0=process.cpuUsage();const end=Date.now()+Number(seconds)*1000;
const pump=()=>{while(Date.now()<end){if(!s.write(buf)){s.once('drain',pump);return;}}s.end();};pump();});
s.on('close',()=>{const c=process.cpuUsage(c0);console.log(JSON.stringify({cpu:(c.user+c.system)/1e6}));process.exit(0);});s.on('error',(e)=>{console.error(e.message);process.exit(1);});`;

// Ping-pong of `size`-byte messages; the first 10 % are warm-up. Prints percentiles in µs.
const PINGER = `const net=require('net');const [host,port,count,size]=process.argv.slice(1).map((x,i)=>i?Number(x):x);
const msg=Buffer.alloc(size,7);const rtts=[];let got=0,t0=0n;const warm=Math.floor(count/10);
const s=net.connect(port,host,()=>{s.setNoDelay(true);send();});
const send=()=>{got=0;t0=process.hrtime.bigint();s.write(msg);};
s.on('data',(c)=>{got+=c.length;if(got<size)return;rtts.push(Number(process.hrtime.bigint()-t0)/1e3);
if(rtts.length<count+warm)return send();const r=rtts.slice(warm).sort((a,b)=>a-b);const p=(q)=>r[Math.min(r.length-1,Math.ceil(q*r.length)-1)];
console.log(JSON.stringify({p50:p(0.5),p99:p(0.99),mean:r.reduce((a,b)=>a+b,0)/r.length}));s.end();});`;

const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];
const step = (what: string) => console.log(`[${new Date().toISOString().slice(11, 19)}] ${what}`);

let lab: OverlayLab | undefined;
const children: ChildProcess[] = [];
async function cleanup(): Promise<void> {
  for (const c of children) if (c.exitCode === null) c.kill('SIGKILL');
  await lab?.stop();
  lab = undefined;
}
for (const sig of ['SIGINT', 'SIGTERM'] as const) process.once(sig, () => void cleanup().finally(() => process.exit(130)));

/** Starts a server in a node's pod and resolves once it listens; its stdout lines are queued. */
async function server(node: LabNode, port: number, mode: 'sink' | 'echo'): Promise<() => Promise<string>> {
  const child = spawn('ip', ['netns', 'exec', node.pod.ns, ...pinned('server', lab!.nodes.indexOf(node)), process.execPath, '-e', SERVER, '--', String(port), mode], { stdio: ['ignore', 'pipe', 'inherit'] });
  children.push(child);
  const lines: string[] = [];
  const waiters: ((l: string) => void)[] = [];
  createInterface({ input: child.stdout! }).on('line', (l) => (waiters.length ? waiters.shift()!(l) : lines.push(l)));
  const next = () => new Promise<string>((resolve) => (lines.length ? resolve(lines.shift()!) : waiters.push(resolve)));
  if ((await next()) !== 'listening') throw new Error(`${mode} server did not start`);
  return next;
}

async function client(node: LabNode, code: string, args: (string | number)[]): Promise<string> {
  return new Promise((resolve, reject) => {
    const child = spawn('ip', ['netns', 'exec', node.pod.ns, ...pinned('client', lab!.nodes.indexOf(node)), process.execPath, '-e', code, '--', ...args.map(String)], { stdio: ['ignore', 'pipe', 'inherit'] });
    children.push(child);
    let out = '';
    child.stdout!.on('data', (c: Buffer) => (out += c));
    child.on('close', (code) => (code === 0 ? resolve(out) : reject(new Error(`client exited ${code}`))));
  });
}

async function main(): Promise<void> {
  step(`setting up node namespaces ${NODES.join(', ')} with flannel.1 and one pod each`);
  lab = await startOverlayLab(NODES);
  const [a, b] = lab.nodes;
  await nodeExec(undefined, 'ip', ['link', 'add', DIRECT.a, 'netns', a.pod.ns, 'mtu', '1450', 'type', 'veth', 'peer', 'name', DIRECT.b, 'netns', b.pod.ns, 'mtu', '1450']);
  await nodeExec(a.pod.ns, 'ip', ['addr', 'add', `${DIRECT.aIP}/30`, 'dev', DIRECT.a]);
  await nodeExec(b.pod.ns, 'ip', ['addr', 'add', `${DIRECT.bIP}/30`, 'dev', DIRECT.b]);
  await nodeExec(a.pod.ns, 'ip', ['link', 'set', DIRECT.a, 'up']);
  await nodeExec(b.pod.ns, 'ip', ['link', 'set', DIRECT.b, 'up']);
  if (PIN === 'node') {
    // Each node's receive on its own CPU, as on its own machine: the underlay's eth0 (overlay and
    // host-gw) and the direct veth's end in that node's pod. Goes with the devices at cleanup.
    for (const [i, ns, dev] of [[0, a.namespace.name, 'eth0'], [1, b.namespace.name, 'eth0'], [0, a.pod.ns, DIRECT.a], [1, b.pod.ns, DIRECT.b]] as const) await steerReceive(ns, dev, nodeCPU(i));
  }

  const sinks = new Map(await Promise.all([a, b].map(async (node) => [node, await server(node, SINK_PORT, 'sink')] as const)));
  await server(b, ECHO_PORT, 'echo');

  /** Routes the pods' traffic for `mode`: flannel.1 (what reconcilePeers keeps) or the underlay. */
  async function route(mode: Mode): Promise<void> {
    if (mode === 'overlay') await lab!.syncPeers();
    else if (mode === 'host-gw') for (const [x, y] of [[a, b], [b, a]]) await nodeExec(x.namespace.name, 'ip', ['route', 'replace', y.podCIDR, 'via', y.namespace.address, 'dev', 'eth0']);
  }
  const addressOf = (mode: Mode, node: LabNode) => (mode !== 'direct' ? node.pod.ip : node === a ? DIRECT.aIP : DIRECT.bIP);

  /** One stream `from` → `to`: its rate, and the CPU of sender, receiver and ksoftirqd per GB moved. */
  async function stream(mode: Mode, from: LabNode, to: LabNode): Promise<{ gbits: number; cpuPerGB: number }> {
    const soft0 = ksoftirqdSeconds();
    const sender = JSON.parse(await client(from, SENDER, [addressOf(mode, to), SINK_PORT, SECONDS])) as { cpu: number };
    const sink = JSON.parse(await sinks.get(to)!()) as { bytes: number; seconds: number; cpu: number };
    const soft = ksoftirqdSeconds() - soft0;
    return { gbits: (sink.bytes * 8) / sink.seconds / 1e9, cpuPerGB: (sender.cpu + sink.cpu + soft) / (sink.bytes / 1e9) };
  }

  type Series = { gbits: number[]; cpuPerGB: number[]; p50: number[]; p99: number[]; vxlanTxMB: number[]; vxlanPkt: number[] };
  const results = Object.fromEntries(MODES.map((m) => [m, { gbits: [], cpuPerGB: [], p50: [], p99: [], vxlanTxMB: [], vxlanPkt: [] }])) as unknown as Record<Mode, Series>;
  const loads: number[] = [];
  const loadBefore = loadavg();
  for (let round = 1; round <= ROUNDS; round++) {
    for (const mode of MODES) {
      await route(mode);
      const before = await linkCounters(a.namespace.name);
      const ab = await stream(mode, a, b);
      const after = await linkCounters(a.namespace.name);
      const ba = await stream(mode, b, a);
      const lat = JSON.parse(await client(a, PINGER, [addressOf(mode, b), ECHO_PORT, RTTS, SIZE])) as { p50: number; p99: number };
      const r = results[mode];
      // A round's figure is the mean of its two directions; the medians are taken over rounds.
      r.gbits.push((ab.gbits + ba.gbits) / 2);
      r.cpuPerGB.push((ab.cpuPerGB + ba.cpuPerGB) / 2);
      r.p50.push(lat.p50);
      r.p99.push(lat.p99);
      r.vxlanTxMB.push((after.txBytes - before.txBytes) / 2 ** 20);
      // Bytes per packet counted on flannel.1 (A → B): ~64 KiB means GSO super-packets cross it unsegmented.
      r.vxlanPkt.push(after.txPackets > before.txPackets ? (after.txBytes - before.txBytes) / (after.txPackets - before.txPackets) : 0);
      loads.push(loadavg()[0]);
      step(`round ${round} ${mode.padEnd(7)} A→B ${ab.gbits.toFixed(2)} B→A ${ba.gbits.toFixed(2)} Gbit/s, CPU ${ab.cpuPerGB.toFixed(2)}/${ba.cpuPerGB.toFixed(2)} s per GB, RTT p50 ${lat.p50.toFixed(0)} µs p99 ${lat.p99.toFixed(0)} µs, flannel.1 TX ${r.vxlanTxMB.at(-1)!.toFixed(0)} MiB in ${r.vxlanPkt.at(-1)!.toFixed(0)}-byte packets`);
    }
  }
  const loadAfter = loadavg();

  const m = (mode: Mode) => ({ gbits: median(results[mode].gbits), cpuPerGB: median(results[mode].cpuPerGB), p50: median(results[mode].p50), p99: median(results[mode].p99), vxlanTxMB: median(results[mode].vxlanTxMB) });
  const summary = Object.fromEntries(MODES.map((mode) => [mode, m(mode)])) as Record<Mode, ReturnType<typeof m>>;
  const pct = (x: number) => `${(100 * x).toFixed(0)} %`;
  const fmtLoad = (l: number[]) => l.map((x) => x.toFixed(2)).join(' ');
  console.log(`\nPod-to-pod over the overlay vs without it (median of ${ROUNDS} rounds, each the mean of A→B and B→A; ${SECONDS} s single TCP stream; pin ${PIN}; ${RTTS} × ${SIZE}-byte ping-pongs)`);
  if (PIN === 'node') console.log(`placement: each node a machine of one CPU — node A's pod processes and receive (RPS on its eth0) on CPU ${nodeCPU(0)}, node B's on CPU ${nodeCPU(1)}; the direct veth's ends alike`);
  console.log(`load average before ${fmtLoad(loadBefore)}, after ${fmtLoad(loadAfter)} (1/5/15 min); CPU = sender + receiver + ksoftirqd, user + system, per GB received`);
  console.log('| path    | throughput Gbit/s | CPU s/GB | RTT p50 µs | RTT p99 µs | flannel.1 TX MiB | throughput vs direct | CPU/GB vs direct | p50 RTT vs direct |');
  console.log('|---------|------------------:|---------:|-----------:|-----------:|-----------------:|---------------------:|-----------------:|------------------:|');
  for (const mode of MODES) {
    const s = summary[mode];
    const d = summary.direct;
    console.log(`| ${mode.padEnd(7)} | ${s.gbits.toFixed(2).padStart(17)} | ${s.cpuPerGB.toFixed(2).padStart(8)} | ${s.p50.toFixed(0).padStart(10)} | ${s.p99.toFixed(0).padStart(10)} | ${s.vxlanTxMB.toFixed(0).padStart(16)} | ${pct(s.gbits / d.gbits).padStart(20)} | ${(s.cpuPerGB / d.cpuPerGB).toFixed(2).padStart(15)}× | ${(s.p50 / d.p50).toFixed(2).padStart(16)}× |`);
  }
  // Paired per round as well: the modes of one round ran seconds apart, so load drift between
  // rounds cancels out of these ratios better than out of the ratio of medians.
  const paired = (x: Mode, y: Mode) => median(results[x].gbits.map((g, i) => g / results[y].gbits[i]));
  const ratio = summary.overlay.gbits / summary.direct.gbits;
  console.log(`\noverlay/direct throughput ${pct(ratio)} (median of per-round ratios ${pct(paired('overlay', 'direct'))}; target ≥ 80 %: ${ratio >= 0.8 ? 'met' : 'NOT met'}); overlay/host-gw ${pct(summary.overlay.gbits / summary['host-gw'].gbits)} (per-round ${pct(paired('overlay', 'host-gw'))})`);
  console.log(`direct/overlay CPU per GB ${pct(summary.direct.cpuPerGB / summary.overlay.cpuPerGB)}: the throughput ratio a CPU-bound run would show`);
  if (flags.json) writeFileSync(flags.json, JSON.stringify({ flags, results, summary, loads, loadBefore, loadAfter }, null, 2));
}

/** Receive Packet Steering: packets `dev` receives in namespace `ns` are processed on `cpu`. */
async function steerReceive(ns: string, dev: string, cpu: number): Promise<void> {
  await nodeExec(ns, 'tee', [`/sys/class/net/${dev}/queues/rx-0/rps_cpus`], (1 << cpu).toString(16));
}

/** CPU seconds (user + system) the ksoftirqd threads have used: softirq work deferred out of the processes. */
function ksoftirqdSeconds(): number {
  const ticks = readdirSync('/proc')
    .filter((pid) => /^\d+$/.test(pid))
    .map((pid) => {
      try {
        const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
        if (!stat.includes('(ksoftirqd/')) return 0;
        const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
        return Number(fields[11]) + Number(fields[12]); // utime, stime (fields 14 and 15 of stat)
      } catch {
        return 0; // a process that ended meanwhile
      }
    });
  return ticks.reduce((x, y) => x + y, 0) / CLOCK_TICKS;
}

main()
  .catch((e) => {
    console.error(e);
    process.exitCode = 1;
  })
  .finally(cleanup);
