import { writeFileSync } from 'node:fs';
import { Session } from 'node:inspector';
import { findSourceMap } from 'node:module';

// Preloaded (`-r`) into the apiserver child when the benchmark profiles it: the message
// 'profile-start' on the IPC channel starts the V8 sampling profiler, 'profile-stop' stops it,
// writes KEELSON_BENCH_PROFILE and answers 'profile-written'. Unlike --cpu-prof this covers
// exactly one phase and needs no clean exit (Nest re-raises SIGTERM). Not a signal: Nest's
// enableShutdownHooks() without arguments closes the app on SIGUSR2 (and SIGHUP, SIGQUIT, …).
// Positions are mapped back to the TypeScript sources through swc's inline source maps
// (the child runs with --enable-source-maps), so the summary can name file:line.

interface CallFrame {
  functionName: string;
  url: string;
  lineNumber: number;
  columnNumber: number;
}
interface ProfileNode {
  callFrame: CallFrame;
}

const target = process.env.KEELSON_BENCH_PROFILE;
if (target) {
  const session = new Session();
  session.connect();
  process.on('message', (m) => {
    if (m === 'profile-start') {
      session.post('Profiler.enable', () => session.post('Profiler.setSamplingInterval', { interval: 200 }, () => session.post('Profiler.start')));
    } else if (m === 'profile-stop') {
      session.post('Profiler.stop', (err, result) => {
        if (err) {
          console.error('bench-profile: failed', err);
          return;
        }
        const profile = result.profile as unknown as { nodes: ProfileNode[] };
        for (const node of profile.nodes) toOriginal(node.callFrame);
        writeFileSync(target, JSON.stringify(profile));
        process.send?.('profile-written');
      });
    }
  });
  // The IPC channel must not keep the apiserver alive once Nest has closed everything else.
  process.channel?.unref();
}

export function toOriginal(cf: CallFrame): void {
  if (!cf.url.startsWith('file://') || cf.lineNumber < 0) return;
  const map = findSourceMap(cf.url.slice('file://'.length)) ?? findSourceMap(cf.url);
  if (!map) return;
  const entry = map.findEntry(cf.lineNumber, cf.columnNumber) as { originalSource?: string; originalLine?: number; originalColumn?: number };
  if (entry.originalSource === undefined || entry.originalLine === undefined) return;
  cf.url = entry.originalSource;
  cf.lineNumber = entry.originalLine;
  cf.columnNumber = entry.originalColumn ?? 0;
}
