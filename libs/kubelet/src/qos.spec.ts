import { qosClass } from './qos';
import { container, makePod } from './testing';

const res = (requests?: Record<string, string>, limits?: Record<string, string>) => ({ resources: { requests, limits } });

describe('qosClass', () => {
  it.each([
    ['no requests or limits anywhere', [{}], 'BestEffort'],
    ['only zero quantities', [res({ cpu: '0' })], 'BestEffort'],
    ['equal requests and limits for cpu and memory', [res({ cpu: '500m', memory: '128Mi' }, { cpu: '0.5', memory: '128Mi' })], 'Guaranteed'],
    ['limits only (requests default to them)', [res(undefined, { cpu: '1', memory: '1Gi' })], 'Guaranteed'],
    ['requests lower than limits', [res({ cpu: '250m', memory: '128Mi' }, { cpu: '500m', memory: '128Mi' })], 'Burstable'],
    ['a cpu limit without a memory limit', [res(undefined, { cpu: '1' })], 'Burstable'],
    ['one guaranteed container beside a best-effort one', [res(undefined, { cpu: '1', memory: '1Gi' }), {}], 'Burstable'],
  ] as const)('%s → %s', (_name, specs, expected) => {
    const pod = makePod({ containers: specs.map((s, i) => container(`c${i}`, s)) });
    expect(qosClass(pod)).toBe(expected);
  });

  it('counts init containers too', () => {
    const pod = makePod({ initContainers: [container('init', res({ cpu: '100m' }))], containers: [container('app')] });
    expect(qosClass(pod)).toBe('Burstable');
  });
});
