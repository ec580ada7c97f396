import { expand, resolveEnv } from './env';
import { container, makePod } from './testing';
import type { Container } from './types';

const b64 = (s: string) => Buffer.from(s).toString('base64');
const sources = {
  configMaps: { settings: { apiVersion: 'v1' as const, kind: 'ConfigMap' as const, metadata: { name: 'settings' }, data: { MODE: 'prod', 'bad key': 'x' } } },
  secrets: { creds: { apiVersion: 'v1' as const, kind: 'Secret' as const, metadata: { name: 'creds' }, data: { PASSWORD: b64('s3cret') } } },
  podIP: '10.244.0.5',
  hostIP: '192.168.1.10',
  nodeAllocatable: { cpu: '4', memory: '8Gi' },
};
const pod = makePod({}, { labels: { app: 'web', tier: 'front' } });
const env = (c: Partial<Container>) => resolveEnv(pod, container('app', c), sources);

describe('resolveEnv', () => {
  it('gives an empty environment to a container that sets none', () => {
    expect(env({})).toEqual({ ok: true, env: [] });
  });

  it('takes envFrom first (prefixed, invalid names skipped), then env overriding it', () => {
    const r = env({ envFrom: [{ configMapRef: { name: 'settings' }, prefix: 'CFG_' }, { secretRef: { name: 'creds' } }], env: [{ name: 'CFG_MODE', value: 'dev' }] });
    expect(r).toEqual({ ok: true, env: [{ name: 'CFG_MODE', value: 'dev' }, { name: 'PASSWORD', value: 's3cret' }] });
  });

  it.each([
    ['metadata.name', 'web-0'],
    ['metadata.namespace', 'default'],
    ['metadata.uid', 'uid-1'],
    ["metadata.labels['app']", 'web'],
    ['metadata.labels', 'app="web"\ntier="front"'],
    ['spec.nodeName', 'node-a'],
    ['status.podIP', '10.244.0.5'],
    ['status.hostIP', '192.168.1.10'],
  ])('resolves fieldRef %s', (fieldPath, value) => {
    expect(env({ env: [{ name: 'X', valueFrom: { fieldRef: { fieldPath } } }] })).toEqual({ ok: true, env: [{ name: 'X', value }] });
  });

  it.each([
    ['limits.cpu', '1', { limits: { cpu: '250m' } }, '1'],
    ['limits.cpu', '1m', { limits: { cpu: '250m' } }, '250'],
    ['limits.memory', '1Mi', {}, '8192'],
    ['requests.memory', '1', { requests: { memory: '64Mi' } }, '67108864'],
  ])('resolves resourceFieldRef %s / %s', (resource, divisor, resources, value) => {
    expect(env({ resources, env: [{ name: 'R', valueFrom: { resourceFieldRef: { resource, divisor } } }] })).toEqual({ ok: true, env: [{ name: 'R', value }] });
  });

  it.each([
    ['a missing ConfigMap', { configMapKeyRef: { name: 'nope', key: 'k' } }, 'configmap "nope" not found'],
    ['a missing key', { configMapKeyRef: { name: 'settings', key: 'k' } }, "couldn't find key k in ConfigMap default/settings"],
    ['a missing Secret key', { secretKeyRef: { name: 'creds', key: 'k' } }, "couldn't find key k in Secret default/creds"],
  ])('fails with CreateContainerConfigError on %s', (_name, valueFrom, message) => {
    expect(env({ env: [{ name: 'X', valueFrom }] })).toEqual({ ok: false, reason: 'CreateContainerConfigError', message });
  });

  it('skips a missing optional reference', () => {
    expect(env({ env: [{ name: 'X', valueFrom: { configMapKeyRef: { name: 'nope', key: 'k', optional: true } } }] })).toEqual({ ok: true, env: [] });
  });

  it('expands $(VAR) against variables defined earlier only', () => {
    const r = env({ env: [{ name: 'A', value: 'x' }, { name: 'B', value: '$(A)-$(C)-$$(A)' }, { name: 'C', value: 'late' }] });
    expect(r.ok && r.env.find((v) => v.name === 'B')?.value).toBe('x-$(C)-$(A)');
  });
});

describe('expand', () => {
  const vars: Record<string, string> = { HOME: '/root' };
  it.each([
    ['$(HOME)/bin', '/root/bin'],
    ['$$(HOME)', '$(HOME)'],
    ['$(MISSING)', '$(MISSING)'],
    ['cost: $5', 'cost: $5'],
    ['$(HOME', '$(HOME'],
    ['trailing $', 'trailing $'],
  ])('%j → %j', (input, output) => expect(expand(input, (n) => vars[n])).toBe(output));
});
