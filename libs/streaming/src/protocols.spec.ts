import { DockerDemuxer, dockerFrame } from './docker-frames';
import { encodeStatus, execStatus } from './exec-status';
import { expectedStreamTypes } from './exec-spdy';
import { channelMessage, parseChannelMessage } from './exec-websocket';
import { negotiate, offeredProtocols, parseRoute } from './kubelet-server';
import { parseLogQuery, pickInstance, runtimeLogOptions } from './logs';
import { parsePort } from './portforward';
import { parseExecQuery, ResizeDecoder } from './remotecommand';
import type { ContainerInfo } from '@keelson/runtime';

describe('exec requests', () => {
  it('given client-go\'s query then the command and streams are read, stderr dropped with a tty', () => {
    const q = new URLSearchParams('command=sh&command=-c&command=exit+3&stdin=true&stdout=true&stderr=true&tty=true');
    expect(parseExecQuery(q)).toEqual({ command: ['sh', '-c', 'exit 3'], stdin: true, stdout: true, stderr: false, tty: true });
  });

  it.each([
    ['v4 with a tty', { stdin: true, stdout: true, stderr: false, tty: true }, 'v4.channel.k8s.io', ['error', 'stdin', 'stdout', 'resize']],
    ['v2 with a tty (no resize stream)', { stdin: true, stdout: true, stderr: false, tty: true }, 'v2.channel.k8s.io', ['error', 'stdin', 'stdout']],
    ['v4 output only', { stdin: false, stdout: true, stderr: true, tty: false }, 'v4.channel.k8s.io', ['error', 'stdout', 'stderr']],
  ])('given %s then the exec waits for those SPDY streams', (_name, flags, protocol, expected) => {
    expect(expectedStreamTypes({ command: ['ls'], ...flags }, protocol)).toEqual(expected);
  });

  it('given exit code 3 then the Status says NonZeroExitCode with an ExitCode cause, as kubectl reads it', () => {
    expect(JSON.parse(encodeStatus(execStatus(['sh', '-c', 'exit 3'], 3), 'v4.channel.k8s.io').toString())).toEqual({
      metadata: {},
      status: 'Failure',
      message: 'command terminated with non-zero exit code: error executing command [sh -c exit 3], exit code 3',
      reason: 'NonZeroExitCode',
      details: { causes: [{ reason: 'ExitCode', message: '3' }] },
    });
    expect(encodeStatus(execStatus(['true'], 0), 'v2.channel.k8s.io').length).toBe(0);
  });

  it('given resize messages cut and joined anywhere then each size comes out once', () => {
    const sizes: unknown[] = [];
    const d = new ResizeDecoder((s) => sizes.push(s));
    d.push('{"Width":80,"Hei');
    d.push('ght":24}\n{"Width":100,"Height":30}\n');
    expect(sizes).toEqual([{ width: 80, height: 24 }, { width: 100, height: 30 }]);
  });

  it('given Docker frames split across chunks then stdout and stderr are told apart', () => {
    const out: string[] = [];
    const d = new DockerDemuxer((s, data) => out.push(`${s}:${data}`));
    const bytes = Buffer.concat([dockerFrame('stdout', 'hi\n'), dockerFrame('stderr', 'oops\n')]);
    d.push(bytes.subarray(0, 5));
    d.push(bytes.subarray(5, 14));
    d.push(bytes.subarray(14));
    expect(out).toEqual(['stdout:hi\n', 'stderr:oops\n']);
  });

  it('given a WebSocket message then its first byte is the channel', () => {
    expect(channelMessage(1, 'ok')).toEqual(Buffer.from([1, 0x6f, 0x6b]));
    expect(parseChannelMessage(Buffer.from([255, 0]))).toEqual({ channel: 255, data: Buffer.from([0]) });
    expect(parseChannelMessage(Buffer.alloc(0))).toBeUndefined();
  });
});

describe('negotiation and routes', () => {
  it('given repeated and comma-joined protocol headers then the client\'s first supported choice wins', () => {
    const offered = offeredProtocols({ headers: { 'x-stream-protocol-version': 'v5.channel.k8s.io, v4.channel.k8s.io, v3.channel.k8s.io' } }, 'x-stream-protocol-version');
    expect(negotiate(offered, ['v4.channel.k8s.io', 'v3.channel.k8s.io'])).toBe('v4.channel.k8s.io');
    expect(() => negotiate(['v1.channel.k8s.io'], ['v4.channel.k8s.io'])).toThrow('unable to negotiate protocol');
  });

  it.each([
    ['/containerLogs/ns/web/nginx', { kind: 'containerLogs', namespace: 'ns', pod: 'web', container: 'nginx' }],
    ['/exec/ns/web/nginx', { kind: 'exec', namespace: 'ns', pod: 'web', container: 'nginx' }],
    ['/portForward/ns/web', { kind: 'portForward', namespace: 'ns', pod: 'web' }],
    ['/portForward/ns/web/extra', undefined],
    ['/healthz', undefined],
  ])('given %s then the route is %j', (path, route) => {
    expect(parseRoute(path)).toEqual(route);
  });

  it.each([['80', 80], ['65535', 65535], ['0', undefined], ['70000', undefined], ['http', undefined], [undefined, undefined]])('given port header %s then it is %s', (raw, port) => {
    expect(parsePort(raw)).toBe(port);
  });
});

describe('log requests', () => {
  const now = new Date('2024-05-01T12:00:00Z');

  it('given kubectl logs -f --tail=5 --since=10s then the runtime is asked for exactly that', () => {
    const r = parseLogQuery(new URLSearchParams('follow=true&tailLines=5&sinceSeconds=10&timestamps=true'), now);
    expect(runtimeLogOptions(r)).toEqual({ follow: true, timestamps: true, tail: 5, since: now.getTime() / 1000 - 10 });
  });

  it('given --previous with -f then nothing is followed (the instance has exited)', () => {
    expect(runtimeLogOptions(parseLogQuery(new URLSearchParams('follow=true&previous=true'), now)).follow).toBe(false);
  });

  it.each([
    ['sinceSeconds=0', 'sinceSeconds: Invalid value: 0: must be greater than 0'],
    ['tailLines=-1', 'tailLines: Invalid value: -1: must be greater than or equal to 0'],
    ['sinceSeconds=5&sinceTime=2024-05-01T00:00:00Z', 'at most one of sinceTime or sinceSeconds may be specified'],
  ])('given %s then it is refused', (query, message) => {
    expect(() => parseLogQuery(new URLSearchParams(query), now)).toThrow(message);
  });

  it('given three instances of a container then the newest is current and the one before is --previous', () => {
    const c = (restartCount: number, createdAt: number, state = 'running') => ({ id: `c${restartCount}`, restartCount, createdAt, state }) as ContainerInfo;
    const instances = [c(0, 1, 'exited'), c(2, 3), c(1, 2, 'exited')];
    expect(pickInstance(instances, false)?.id).toBe('c2');
    expect(pickInstance(instances, true)?.id).toBe('c1');
    expect(pickInstance([c(0, 1)], true)).toBeUndefined();
  });

  it('given a container in CrashLoopBackOff whose older instances were collected then --previous reads the one that just died', () => {
    const dead = { id: 'c3', restartCount: 3, createdAt: 4, state: 'exited' } as ContainerInfo;
    expect(pickInstance([dead], true)?.id).toBe('c3');
    expect(pickInstance([dead], false)?.id).toBe('c3');
  });
});
