import { controllerManagerConfig, parseSeconds } from './config';

describe('controller-manager configuration', () => {
  it('given nothing, then the node lifecycle runs with Kubernetes’ defaults: 40 s grace period, 300 s default toleration', () => {
    const c = controllerManagerConfig({}, {});
    expect([c.nodeMonitorGracePeriodSeconds, c.defaultTolerationSeconds]).toEqual([40, 300]);
  });

  it('takes the environment, and a flag over the environment', () => {
    const env = { KEELSON_NODE_MONITOR_GRACE_PERIOD: '50s', KEELSON_DEFAULT_TOLERATION_SECONDS: '60' };
    expect(controllerManagerConfig({}, env)).toMatchObject({ nodeMonitorGracePeriodSeconds: 50, defaultTolerationSeconds: 60 });
    expect(controllerManagerConfig({ nodeMonitorGracePeriodSeconds: 10 }, env).nodeMonitorGracePeriodSeconds).toBe(10);
  });

  it.each([
    ['40s', 40],
    ['5m', 300],
    ['1m30s', 90],
    ['1500ms', 1.5],
    ['300', 300],
  ])('reads the duration %s as %d seconds', (text, seconds) => {
    expect(parseSeconds(text, 'node-monitor-grace-period')).toBe(seconds);
  });

  it.each(['forty', '40x', '-5', '10s junk'])('refuses %s, naming the flag', (text) => {
    expect(() => parseSeconds(text, 'node-monitor-grace-period')).toThrow('--node-monitor-grace-period');
  });
});
