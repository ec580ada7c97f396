import { isHttpProbeSuccess, probeAction } from './probe-actions';
import { container } from './testing';
import type { Probe } from './types';

const app = container('app', { ports: [{ name: 'http', containerPort: 8080 }] });

describe('probeAction', () => {
  it.each([
    ['exec runs the command', { exec: { command: ['cat', '/tmp/healthy'] } }, { kind: 'exec', command: ['cat', '/tmp/healthy'], timeoutSeconds: 1 }],
    ['httpGet defaults to the pod IP and a named port', { httpGet: { path: '/healthz', port: 'http' } }, { kind: 'httpGet', url: 'http://10.0.0.5:8080/healthz', headers: [{ name: 'User-Agent', value: 'kube-probe/1.32' }, { name: 'Accept', value: '*/*' }], timeoutSeconds: 1 }],
    ['httpGet honours host, scheme and user headers', { httpGet: { host: 'example', scheme: 'HTTPS', port: 443, path: 'x', httpHeaders: [{ name: 'accept', value: 'text/plain' }] }, timeoutSeconds: 4 }, { kind: 'httpGet', url: 'https://example:443/x', headers: [{ name: 'accept', value: 'text/plain' }, { name: 'User-Agent', value: 'kube-probe/1.32' }], timeoutSeconds: 4 }],
    ['tcpSocket with a numeric string port', { tcpSocket: { port: '9000' } }, { kind: 'tcpSocket', host: '10.0.0.5', port: 9000, timeoutSeconds: 1 }],
    ['grpc targets the pod IP', { grpc: { port: 9090 } }, { kind: 'grpc', host: '10.0.0.5', port: 9090, service: undefined, timeoutSeconds: 1 }],
    ['an unknown named port cannot run', { tcpSocket: { port: 'metrics' } }, { kind: 'invalid', message: expect.stringContaining("couldn't find port: metrics") }],
    ['a probe without handler cannot run', {}, { kind: 'invalid', message: 'missing probe handler' }],
  ] as [string, Probe, unknown][])('%s', (_name, probe, expected) => {
    expect(probeAction(probe, app, '10.0.0.5')).toEqual(expected);
  });

  it('brackets IPv6 hosts in the URL', () => {
    expect(probeAction({ httpGet: { port: 80 } }, app, 'fd00::5')).toMatchObject({ url: 'http://[fd00::5]:80/' });
  });

  it.each([
    [199, false],
    [200, true],
    [302, true],
    [399, true],
    [400, false],
    [503, false],
  ])('HTTP %i is success: %s', (status, ok) => expect(isHttpProbeSuccess(status)).toBe(ok));
});
