// kubectl exec over SPDY (remotecommand protocols v2–v4): the client opens one stream per
// standard stream, named by its `streamType` header, and the exec starts once all that the
// request asked for are there — as the kubelet's remotecommand server waits for them.
import type { SpdyConnection, SpdyStream } from './spdy/connection';
import { encodeStatus } from './exec-status';
import { ResizeDecoder, type ExecRequest, type ExecStreams, type OutputSink } from './remotecommand';

/** In the kubelet's order of preference (v5 over SPDY is v4 with stream close, which SPDY has anyway). */
export const SPDY_EXEC_PROTOCOLS = ['v4.channel.k8s.io', 'v3.channel.k8s.io', 'v2.channel.k8s.io'] as const;

/** The kubelet's streamCreationTimeout. */
const STREAM_CREATION_TIMEOUT_MS = 30_000;

/** The stream types an exec waits for: error always, resize with a TTY from v3 on. */
export function expectedStreamTypes(request: ExecRequest, protocol: string): string[] {
  return [
    'error',
    ...(request.stdin ? ['stdin'] : []),
    ...(request.stdout ? ['stdout'] : []),
    ...(request.stderr ? ['stderr'] : []),
    ...(request.tty && protocol !== 'v2.channel.k8s.io' ? ['resize'] : []),
  ];
}

export function serveExecOverSpdy(connection: SpdyConnection, protocol: string, request: ExecRequest, run: (streams: ExecStreams) => Promise<void>): void {
  const expected = expectedStreamTypes(request, protocol);
  const streams = new Map<string, SpdyStream>();
  const aborted = new AbortController();
  const timer = setTimeout(() => connection.close(), STREAM_CREATION_TIMEOUT_MS);
  connection.on('close', () => {
    clearTimeout(timer);
    aborted.abort();
  });
  connection.on('stream', (stream, refuse) => {
    const type = stream.header('streamType') ?? '';
    if (!expected.includes(type) || streams.has(type)) return refuse();
    streams.set(type, stream);
    if (streams.size < expected.length) return;
    clearTimeout(timer);
    const error = streams.get('error')!;
    const resize = streams.get('resize');
    void run({
      stdin: streams.get('stdin')?.incoming,
      stdout: sinkOf(streams.get('stdout')),
      stderr: sinkOf(streams.get('stderr')),
      onResize: resize && ((listener) => {
        const decoder = new ResizeDecoder(listener);
        resize.incoming.on('data', (c: Buffer) => decoder.push(c));
      }),
      finish: (status) => {
        error.end(encodeStatus(status, protocol));
        connection.close();
      },
      signal: aborted.signal,
    });
  });
}

function sinkOf(stream: SpdyStream | undefined): OutputSink | undefined {
  return stream && { write: (data) => stream.write(data), end: () => stream.end() };
}
