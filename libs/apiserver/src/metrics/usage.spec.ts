import { parsePrometheusText } from './prometheus-text';
import { decodeResourceMetrics, goSeconds, podUsage, usageBetween, usageQuantities } from './usage';

// What a node agent's /metrics/resource says, as the kubelet says it.
const scrape = (cpuBusy: number, cpuIdle: number, at: number, start = 1_700_000_000) => `# HELP container_cpu_usage_seconds_total [STABLE] Cumulative cpu time consumed by the container in core-seconds
# TYPE container_cpu_usage_seconds_total counter
container_cpu_usage_seconds_total{container="busy",namespace="default",pod="web-1"} ${cpuBusy} ${at}
container_cpu_usage_seconds_total{container="sidecar",namespace="default",pod="web-1"} ${cpuIdle} ${at}
# TYPE container_memory_working_set_bytes gauge
container_memory_working_set_bytes{container="busy",namespace="default",pod="web-1"} 1048576 ${at}
container_memory_working_set_bytes{container="sidecar",namespace="default",pod="web-1"} 2097152 ${at}
container_start_time_seconds{container="busy",namespace="default",pod="web-1"} ${start} ${at}
container_start_time_seconds{container="sidecar",namespace="default",pod="web-1"} 1700000000 ${at}
node_cpu_usage_seconds_total ${cpuBusy * 10} ${at}
node_memory_working_set_bytes 5.36870912e+08 ${at}
resource_scrape_error 0
`;

const T = 1_800_000_000_000;

describe('parsePrometheusText', () => {
  it('reads names, labels (with escapes), values in any float form and timestamps; skips comments', () => {
    const samples = parsePrometheusText('# HELP x y\nx{a="1",b="q\\"uote"} 1.5e+03 1000\ny 2\n\nbad line here\n');
    expect(samples).toEqual([
      { name: 'x', labels: { a: '1', b: 'q"uote' }, value: 1500, timestamp: 1000 },
      { name: 'y', labels: {}, value: 2 },
    ]);
  });
});

describe('usage from two scrapes', () => {
  it('gives CPU as the counter rate over the window and memory as the latest working set', () => {
    const prev = decodeResourceMetrics(parsePrometheusText(scrape(10, 1, T)), T);
    const cur = decodeResourceMetrics(parsePrometheusText(scrape(10.5, 1.01, T + 5000)), T + 5000);
    // 0.5 core-seconds in 5 s = 0.1 cores; the sidecar 0.01 in 5 s = 2m
    const pod = podUsage(prev.pods.get('default/web-1'), cur.pods.get('default/web-1')!, T);
    expect(pod?.window).toBe(5000);
    expect(pod?.containers.map((c) => [c.name, usageQuantities(c.cpu, c.memory)])).toEqual([
      ['busy', { cpu: '100000000n', memory: '1024Ki' }],
      ['sidecar', { cpu: '2000000n', memory: '2048Ki' }],
    ]);
    const node = usageBetween(prev.node, cur.node!);
    expect(node && usageQuantities(node.cpu, node.memory)).toEqual({ cpu: '1000000000n', memory: '524288Ki' });
  });

  it('has no figure from a single scrape of a container that was already running', () => {
    const cur = decodeResourceMetrics(parsePrometheusText(scrape(10, 1, T)), T);
    expect(podUsage(undefined, cur.pods.get('default/web-1')!, undefined)).toBeUndefined();
  });

  it('has no rate for a container that restarted between scrapes, so the pod waits a round', () => {
    const prev = decodeResourceMetrics(parsePrometheusText(scrape(10, 1, T)), T);
    // another start time, 1 s before the earlier scrape: where its counter began is unknown
    const cur = decodeResourceMetrics(parsePrometheusText(scrape(0.2, 1.01, T + 5000, T / 1000 - 1)), T + 5000);
    expect(podUsage(prev.pods.get('default/web-1'), cur.pods.get('default/web-1')!, T)).toBeUndefined();
  });

  it('measures a container that started after the earlier scrape from its start', () => {
    // started 2 s after the earlier scrape, 0.1 core-seconds by the next (3 s later) → 33m
    expect(usageBetween(undefined, { cpuSeconds: 0.1, memoryBytes: 0, at: T + 5000, startTime: (T + 2000) / 1000 }, T)?.cpu).toBeCloseTo(0.0333, 3);
  });

  it('prints a window as Go prints a duration', () => {
    expect(goSeconds(5123)).toBe('5.123s');
    expect(goSeconds(5000)).toBe('5s');
  });
});
