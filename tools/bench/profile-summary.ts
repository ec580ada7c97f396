import { readFileSync } from 'node:fs';

// Self time of a V8 .cpuprofile, by function (name, file:line) and by package, so that the
// benchmark can say where the apiserver spends its CPU. Self time is the time a function was
// on top of the stack; a sample taken every 200 µs is worth (endTime − startTime) / samples.
// Usage on its own: node -r @swc-node/register tools/bench/profile-summary.ts <file.cpuprofile> [top]

interface Node {
  id: number;
  parent?: Node;
  callFrame: { functionName: string; url: string; lineNumber: number };
  children?: number[];
}
interface Profile {
  nodes: Node[];
  samples: number[];
  startTime: number;
  endTime: number;
}

export interface SelfTime {
  what: string;
  ms: number;
  share: number;
}

export interface ProfileSummary {
  totalMs: number;
  /** share of samples in which the thread was idle (waiting for IO) */
  idleShare: number;
  functions: SelfTime[];
  packages: SelfTime[];
  /** the project's own functions (libs/, apps/) by inclusive time: on the stack at all */
  inclusive: SelfTime[];
}

export function summarizeProfile(file: string, top = 25): ProfileSummary {
  const p = JSON.parse(readFileSync(file, 'utf8')) as Profile;
  const byId = new Map(p.nodes.map((n) => [n.id, n]));
  for (const n of p.nodes) for (const c of n.children ?? []) byId.get(c)!.parent = n;
  const totalMs = (p.endTime - p.startTime) / 1000;
  const msPerSample = totalMs / Math.max(1, p.samples.length);
  const fn = new Map<string, number>();
  const pkg = new Map<string, number>();
  const incl = new Map<string, number>();
  let idle = 0;
  for (const id of p.samples) {
    const cf = byId.get(id)!.callFrame;
    const onStack = new Set<string>();
    for (let n: Node | undefined = byId.get(id); n; n = n.parent) {
      if (/\/(libs|apps)\//.test(n.callFrame.url) && !n.callFrame.url.includes('node_modules')) onStack.add(`${n.callFrame.functionName || '(anonymous)'} ${shortPath(n.callFrame.url)}:${n.callFrame.lineNumber + 1}`);
    }
    for (const k of onStack) incl.set(k, (incl.get(k) ?? 0) + 1);
    if (cf.functionName === '(idle)') {
      idle++;
      continue;
    }
    const where = cf.url ? `${shortPath(cf.url)}:${cf.lineNumber + 1}` : '';
    const key = `${cf.functionName || '(anonymous)'} ${where}`.trim();
    fn.set(key, (fn.get(key) ?? 0) + 1);
    const bucket = packageOf(cf.url, cf.functionName);
    pkg.set(bucket, (pkg.get(bucket) ?? 0) + 1);
  }
  const rank = (m: Map<string, number>) =>
    [...m.entries()]
      .sort((a, b) => b[1] - a[1])
      .slice(0, top)
      .map(([what, n]) => ({ what, ms: n * msPerSample, share: n / p.samples.length }));
  return { totalMs, idleShare: idle / Math.max(1, p.samples.length), functions: rank(fn), packages: rank(pkg), inclusive: rank(incl) };
}

function shortPath(url: string): string {
  const s = url.replace(/^file:\/\//, '');
  const nm = s.lastIndexOf('node_modules/');
  if (nm >= 0) return s.slice(nm);
  const repo = s.search(/\/(libs|apps|tools)\//);
  return repo >= 0 ? s.slice(repo + 1) : s;
}

/** node_modules/<pkg> (scoped too), libs/<lib>, apps/<app>, node:internal, or V8's own buckets. */
function packageOf(url: string, functionName: string): string {
  if (!url) return functionName.startsWith('(') ? functionName : '(native/V8 builtins)';
  const s = shortPath(url);
  const nm = /node_modules\/((?:@[^/]+\/)?[^/]+)/.exec(s);
  if (nm) return nm[1];
  const own = /^(libs|apps|tools)\/[^/]+/.exec(s);
  if (own) return own[0];
  if (s.startsWith('node:')) return 'node:internal';
  return s;
}

export function printProfile(s: ProfileSummary, of = 'the apiserver child'): void {
  console.log(`\nCPU profile of ${of}: ${(s.totalMs / 1000).toFixed(1)} s wall, ${(100 * (1 - s.idleShare)).toFixed(0)} % busy`);
  console.log('\n  self time by package');
  for (const r of s.packages) console.log(`  ${(100 * r.share).toFixed(1).padStart(5)} %  ${r.ms.toFixed(0).padStart(6)} ms  ${r.what}`);
  console.log('\n  self time by function');
  for (const r of s.functions) console.log(`  ${(100 * r.share).toFixed(1).padStart(5)} %  ${r.ms.toFixed(0).padStart(6)} ms  ${r.what}`);
  console.log('\n  inclusive time of Keelson functions (libs/, apps/)');
  for (const r of s.inclusive) console.log(`  ${(100 * r.share).toFixed(1).padStart(5)} %  ${r.ms.toFixed(0).padStart(6)} ms  ${r.what}`);
}

if (require.main === module) {
  const [file, top] = process.argv.slice(2);
  if (!file) {
    console.error('usage: profile-summary.ts <file.cpuprofile> [top]');
    process.exit(2);
  }
  printProfile(summarizeProfile(file, Number(top ?? 25)));
}
