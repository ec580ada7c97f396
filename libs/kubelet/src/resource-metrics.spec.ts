import { cpuacctSeconds, formatResourceMetrics, procStatBusySeconds } from './resource-metrics';

describe('resource metrics (/metrics/resource)', () => {
  it('reads cgroup v1 cpuacct.usage nanoseconds as core-seconds', () => {
    expect(cpuacctSeconds('1500000000\n')).toBe(1.5);
  });

  it('counts /proc/stat busy time: everything but idle and iowait, in 1/100 s ticks', () => {
    expect(procStatBusySeconds('cpu  100 0 50 900 10 0 5 0 0 0\ncpu0 50 0 25 450 5 0 2 0 0 0\n')).toBeCloseTo(1.55);
  });

  it('writes the kubelet metric names with pod sums, and no node lines when the node was not read', () => {
    const at = 1_800_000_000_000;
    const text = formatResourceMetrics(undefined, [
      { namespace: 'default', pod: 'web-1', container: 'a', cpuSeconds: 1.5, workingSetBytes: 1000, startTime: 1_700_000_000, at },
      { namespace: 'default', pod: 'web-1', container: 'b', cpuSeconds: 0.5, workingSetBytes: 24, startTime: 1_700_000_000, at },
    ]);
    expect(text).toContain(`container_cpu_usage_seconds_total{container="a",namespace="default",pod="web-1"} 1.5 ${at}`);
    expect(text).toContain(`container_memory_working_set_bytes{container="b",namespace="default",pod="web-1"} 24 ${at}`);
    expect(text).toContain(`pod_cpu_usage_seconds_total{namespace="default",pod="web-1"} 2 ${at}`);
    expect(text).toContain(`pod_memory_working_set_bytes{namespace="default",pod="web-1"} 1024 ${at}`);
    expect(text).toContain('# TYPE container_cpu_usage_seconds_total counter');
    expect(text).not.toContain('node_cpu_usage_seconds_total');
    expect(text).toMatch(/resource_scrape_error 0\n$/);
  });
});
