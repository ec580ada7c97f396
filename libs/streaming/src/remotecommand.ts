// `kubectl exec` on the node, whatever carries it (SPDY streams or WebSocket channels): the
// request's options, the terminal-size messages, and the pump between the client's streams
// and the runtime's exec session, ending with the Status on the error stream.
import type { Readable } from 'node:stream';
import type { ContainerRuntime } from '@keelson/runtime';
import { DockerDemuxer } from './docker-frames';
import { execFailure, execStatus, type ExecStatus } from './exec-status';

export interface ExecRequest {
  readonly command: readonly string[];
  readonly stdin: boolean;
  readonly stdout: boolean;
  readonly stderr: boolean;
  readonly tty: boolean;
}

/** `?command=sh&command=-c&command=exit%203&stdin=true&stdout=true&tty=false` (what client-go sends). */
export function parseExecQuery(query: URLSearchParams): ExecRequest {
  const flag = (name: string) => ['true', '1'].includes(query.get(name) ?? '');
  const tty = flag('tty');
  // With a TTY, stderr is merged into stdout by the terminal; kubectl does not ask for it.
  return { command: query.getAll('command'), stdin: flag('stdin'), stdout: flag('stdout'), stderr: flag('stderr') && !tty, tty };
}

export interface TerminalSize {
  readonly width: number;
  readonly height: number;
}

/**
 * Splits the resize stream into sizes. client-go writes one JSON object per change,
 * `{"Width":80,"Height":24}\n`; over WebSocket each arrives in its own message, over SPDY
 * they may be cut or joined anywhere.
 */
export class ResizeDecoder {
  private text = '';

  constructor(private readonly onSize: (size: TerminalSize) => void) {}

  push(chunk: Buffer | string): void {
    this.text += chunk.toString();
    for (let end = this.text.indexOf('}'); end >= 0; end = this.text.indexOf('}')) {
      const candidate = this.text.slice(0, end + 1);
      this.text = this.text.slice(end + 1);
      try {
        const parsed = JSON.parse(candidate.trim()) as { Width?: number; Height?: number };
        if (typeof parsed.Width === 'number' && typeof parsed.Height === 'number') this.onSize({ width: parsed.Width, height: parsed.Height });
      } catch {
        // a malformed message is dropped, as the kubelet logs and ignores it
      }
    }
  }
}

/** Where the output goes: a SPDY stream or a WebSocket channel. */
export interface OutputSink {
  write(data: Buffer): void;
  end(): void;
}

export interface ExecStreams {
  readonly stdin?: Readable;
  readonly stdout?: OutputSink;
  readonly stderr?: OutputSink;
  /** Sizes from the client's terminal; call `onResize` for each. */
  readonly onResize?: (listener: (size: TerminalSize) => void) => void;
  /** Sends the final Status and closes the session. */
  finish(status: ExecStatus): void;
  /** Aborted when the client went away: the exec's connection to the runtime is dropped. */
  readonly signal?: AbortSignal;
}

/** How long Docker may take to report an exit code after the output ended. */
const EXIT_CODE_WAIT_MS = 5_000;

/** Runs the command in the container and pumps the streams until it ends; never throws. */
export async function runExec(runtime: ContainerRuntime, containerId: string, request: ExecRequest, streams: ExecStreams): Promise<void> {
  let session: Awaited<ReturnType<ContainerRuntime['exec']>>;
  try {
    session = await runtime.exec(containerId, { cmd: request.command, tty: request.tty, stdin: request.stdin && !!streams.stdin });
  } catch (e) {
    streams.finish(execFailure(`failed to exec in container: ${(e as Error).message}`));
    return;
  }
  const out = session.stream;
  const sink = (s: 'stdout' | 'stderr') => (s === 'stderr' ? (streams.stderr ?? streams.stdout) : streams.stdout);
  const demux = request.tty ? undefined : new DockerDemuxer((s, data) => sink(s)?.write(data));
  out.on('data', (chunk: Buffer) => (demux ? demux.push(chunk) : streams.stdout?.write(chunk)));

  if (streams.stdin && request.stdin) {
    streams.stdin.on('data', (chunk: Buffer) => out.writable && out.write(chunk));
    // The client's stdin ended: half-close so the command sees EOF (`cat` ends).
    streams.stdin.on('end', () => out.writable && out.end());
  }
  streams.onResize?.((size) => void session.resize(size).catch(() => undefined));

  const abort = () => out.destroy();
  streams.signal?.addEventListener('abort', abort);
  if (streams.signal?.aborted) abort();
  await new Promise<void>((resolve) => {
    out.once('end', resolve);
    out.once('close', resolve);
    out.once('error', () => resolve());
  });
  streams.signal?.removeEventListener('abort', abort);
  if (streams.signal?.aborted) return;
  streams.stdout?.end();
  streams.stderr?.end();
  const exitCode = await waitForExitCode(session.exitCode);
  streams.finish(exitCode === undefined ? execFailure('failed to read the exit code of the command') : execStatus(request.command, exitCode));
  out.destroy();
}

async function waitForExitCode(exitCode: () => Promise<number | undefined>): Promise<number | undefined> {
  const deadline = Date.now() + EXIT_CODE_WAIT_MS;
  for (;;) {
    const code = await exitCode().catch(() => undefined);
    if (code !== undefined && code !== null) return code;
    if (Date.now() > deadline) return undefined;
    await new Promise((r) => setTimeout(r, 50));
  }
}
