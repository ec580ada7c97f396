import { DEFAULT_CLUSTER_DNS, parseResolvConf, podDnsConfig, type ClusterDnsSettings } from './dns-config';
import type { Pod } from './types';

const node = parseResolvConf('# the node\nnameserver 192.0.2.53\nnameserver 192.0.2.54\nsearch corp.example. lab.example\noptions edns0 timeout:2\n');
const settings: ClusterDnsSettings = { ...DEFAULT_CLUSTER_DNS, host: node };
const pod = (spec: Record<string, unknown> = {}, namespace = 'shop'): Pod => ({ apiVersion: 'v1', kind: 'Pod', metadata: { name: 'p', namespace }, spec: { containers: [{ name: 'c' }], ...spec } });
const CLUSTER_SEARCH = ['shop.svc.cluster.local', 'svc.cluster.local', 'cluster.local', 'corp.example', 'lab.example'];

describe('a pod\'s resolv.conf', () => {
  it('reads the node\'s resolv.conf as the kubelet does', () => {
    expect(node).toEqual({ servers: ['192.0.2.53', '192.0.2.54'], searches: ['corp.example', 'lab.example'], options: ['edns0', 'timeout:2'] });
  });

  it.each<[string, Record<string, unknown>, object]>([
    ['ClusterFirst (the default): the cluster DNS, the namespace\'s search list, then the node\'s, ndots:5', {}, { servers: ['10.96.0.10'], searches: CLUSTER_SEARCH, options: ['ndots:5'] }],
    ['Default: the node\'s', { dnsPolicy: 'Default' }, node],
    ['ClusterFirst on the host network falls back to Default', { dnsPolicy: 'ClusterFirst', hostNetwork: true }, node],
    ['ClusterFirstWithHostNet on the host network keeps the cluster DNS', { dnsPolicy: 'ClusterFirstWithHostNet', hostNetwork: true }, { servers: ['10.96.0.10'], searches: CLUSTER_SEARCH, options: ['ndots:5'] }],
    ['None: only the pod\'s dnsConfig', { dnsPolicy: 'None', dnsConfig: { nameservers: ['1.2.3.4'], searches: ['my.dns.search.suffix'], options: [{ name: 'ndots', value: '2' }, { name: 'edns0' }] } }, { servers: ['1.2.3.4'], searches: ['my.dns.search.suffix'], options: ['ndots:2', 'edns0'] }],
    ['ClusterFirst with a dnsConfig: appended, duplicates dropped, the pod\'s options winning', { dnsConfig: { nameservers: ['10.96.0.10', '192.0.2.1'], searches: ['cluster.local', 'extra.example'], options: [{ name: 'ndots', value: '1' }, { name: 'single-request' }] } }, { servers: ['10.96.0.10', '192.0.2.1'], searches: [...CLUSTER_SEARCH, 'extra.example'], options: ['ndots:1', 'single-request'] }],
  ])('%s', (_, spec, expected) => {
    expect(podDnsConfig(pod(spec), settings)).toEqual(expected);
  });

  it('uses the pod\'s namespace in the first search domain', () => {
    expect(podDnsConfig(pod({}, 'default'), settings).searches[0]).toBe('default.svc.cluster.local');
  });

  it('falls back to the node\'s when no cluster DNS is configured', () => {
    expect(podDnsConfig(pod(), { ...settings, clusterDNS: [] })).toEqual(node);
  });

  it('keeps at most 3 nameservers and 32 search domains', () => {
    const many = podDnsConfig(pod({ dnsConfig: { nameservers: ['1.1.1.1', '2.2.2.2', '3.3.3.3'], searches: Array.from({ length: 40 }, (_, i) => `d${i}.example`) } }), settings);
    expect(many.servers).toEqual(['10.96.0.10', '1.1.1.1', '2.2.2.2']);
    expect(many.searches).toHaveLength(32);
  });
});
