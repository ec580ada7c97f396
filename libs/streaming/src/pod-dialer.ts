// Reaching a port on a pod's localhost, as the kubelet's port-forward does (dockershim ran
// `nsenter -t <pid> -n socat - TCP4:localhost:<port>`): a small relay entered into the pod's
// network namespace. Node cannot setns itself, so the relay is a process — busybox's nc, which
// the node installs anyway (busybox-static) — with its stdin/stdout as the connection.
import { spawn, type ChildProcessWithoutNullStreams } from 'node:child_process';
import { Duplex } from 'node:stream';
import type { PortDialer } from './portforward';

export interface NetnsDialerOptions {
  /** The relay; `{port}` is replaced. Default: nsenter into `netns`, then `busybox nc 127.0.0.1 {port}`. */
  readonly command?: readonly string[];
}

export function netnsDialer(netnsPath: string, options: NetnsDialerOptions = {}): PortDialer {
  return (port) => {
    const argv = (options.command ?? ['nsenter', `--net=${netnsPath}`, 'busybox', 'nc', '127.0.0.1', '{port}']).map((a) => a.replace('{port}', String(port)));
    return relay(spawn(argv[0], argv.slice(1), { stdio: ['pipe', 'pipe', 'pipe'] }));
  };
}

/**
 * The relay's stdin/stdout as one connection. It fails only when the relay exits non-zero before
 * any byte came back — nc's "can't connect" — and otherwise ends when its output ends: nc may
 * exit as soon as both directions are done, which is a normal close, not an error.
 */
function relay(child: ChildProcessWithoutNullStreams): Duplex {
  let stderr = '';
  let answered = false;
  const connection = new Duplex({
    read: () => child.stdout.resume(),
    write: (chunk: Buffer, _encoding, done) => {
      if (!child.stdin.writable) return done();
      child.stdin.write(chunk, () => done());
    },
    final: (done) => {
      child.stdin.end();
      done();
    },
    destroy: (err, done) => {
      if (child.exitCode === null) child.kill();
      done(err);
    },
  });
  child.stdin.on('error', () => undefined); // EPIPE once nc has gone: nothing more to deliver
  child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
  child.stdout.on('data', (d: Buffer) => {
    answered = true;
    if (!connection.push(d)) child.stdout.pause();
  });
  child.stdout.on('end', () => connection.push(null));
  child.on('error', (e) => connection.destroy(e));
  // 'close', not 'exit': by then stderr has been read to its end.
  child.on('close', (code) => {
    // "nc: can't connect to remote host (127.0.0.1): Connection refused"
    if (code && !answered) connection.destroy(new Error(stderr.trim().replace(/^nc: /, '') || `relay exited with ${code}`));
  });
  return connection;
}
