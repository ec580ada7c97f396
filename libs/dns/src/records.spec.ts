import * as packet from 'dns-packet';
import type { RecordType } from 'dns-packet';
import { ClusterIndex } from './cluster-index';
import { pod, seedCluster, slice, ZONE } from './testing';
import { respond } from './wire';

// Every case goes through the wire: a query encoded by dns-packet, answered, decoded again.
function ask(index: ClusterIndex, name: string, type: RecordType | 'ANY' = 'A', transport: 'udp' | 'tcp' = 'udp') {
  const query = packet.encode({ type: 'query', id: 4242, flags: packet.RECURSION_DESIRED, questions: [{ name, type: type as RecordType }] });
  const out = respond(query, index, ZONE, transport);
  if (!out) throw new Error('no reply');
  const reply = packet.decode(out) as packet.DecodedPacket & { rcode: string };
  return { ...reply, data: (reply.answers ?? []).map((a) => ('data' in a ? a.data : undefined)) };
}

describe('cluster DNS records', () => {
  const index = seedCluster();

  it.each<[string, string, RecordType, string, unknown[]]>([
    ['a ClusterIP Service is its ClusterIP', 'hostnames.default.svc.cluster.local', 'A', 'NOERROR', ['10.96.0.50']],
    ['names are case-insensitive and may end in a dot', 'HostNames.Default.SVC.cluster.local.', 'A', 'NOERROR', ['10.96.0.50']],
    ['the DNS Service itself', 'kube-dns.kube-system.svc.cluster.local', 'A', 'NOERROR', ['10.96.0.10']],
    ['a headless Service is its ready endpoints', 'nginx.default.svc.cluster.local', 'A', 'NOERROR', ['10.244.1.5', '10.244.2.7', '10.244.2.8']],
    ["the seed's web-0.nginx: a pod by hostname under its headless Service", 'web-0.nginx.default.svc.cluster.local', 'A', 'NOERROR', ['10.244.1.5']],
    ['an endpoint without hostname by its dashed IP', '10-244-2-8.nginx.default.svc.cluster.local', 'A', 'NOERROR', ['10.244.2.8']],
    ['a not-ready endpoint has no record', 'web-2.nginx.default.svc.cluster.local', 'A', 'NXDOMAIN', []],
    ['endpoint names exist only under headless Services', 'web-0.hostnames.default.svc.cluster.local', 'A', 'NXDOMAIN', []],
    ['an ExternalName Service is a CNAME', 'db.default.svc.cluster.local', 'A', 'NOERROR', ['db.example.com']],
    ['SRV of a named port of a ClusterIP Service points at the Service', '_http._tcp.hostnames.default.svc.cluster.local', 'SRV', 'NOERROR', [{ priority: 0, weight: 100, port: 80, target: 'hostnames.default.svc.cluster.local' }]],
    ['SRV of a headless Service points at each ready endpoint', '_web._tcp.nginx.default.svc.cluster.local', 'SRV', 'NOERROR', ['web-0', 'web-1', '10-244-2-8'].map((h) => ({ priority: 0, weight: 33, port: 80, target: `${h}.nginx.default.svc.cluster.local` }))],
    ['SRV of a UDP port', '_dns._udp.kube-dns.kube-system.svc.cluster.local', 'SRV', 'NOERROR', [{ priority: 0, weight: 100, port: 53, target: 'kube-dns.kube-system.svc.cluster.local' }]],
    ['SRV with the wrong protocol', '_http._udp.hostnames.default.svc.cluster.local', 'SRV', 'NXDOMAIN', []],
    ['SRV of a port name that does not exist', '_grpc._tcp.hostnames.default.svc.cluster.local', 'SRV', 'NXDOMAIN', []],
    ['a pod by dashed IP in its namespace', '10-244-1-5.default.pod.cluster.local', 'A', 'NOERROR', ['10.244.1.5']],
    ['a dashed IP no pod of that namespace has', '10-244-1-5.kube-system.pod.cluster.local', 'A', 'NXDOMAIN', []],
    ['a Service that does not exist', 'nope.default.svc.cluster.local', 'A', 'NXDOMAIN', []],
    ['a namespace without Services', 'hostnames.nowhere.svc.cluster.local', 'A', 'NXDOMAIN', []],
    ['a name in the zone outside its layout', 'hostnames.default.cluster.local', 'A', 'NXDOMAIN', []],
    ['AAAA of an IPv4-only Service is NODATA', 'hostnames.default.svc.cluster.local', 'AAAA', 'NOERROR', []],
    ['a namespace with Services is an empty non-terminal (NODATA)', 'default.svc.cluster.local', 'A', 'NOERROR', []],
    ['the schema version', 'dns-version.cluster.local', 'TXT', 'NOERROR', [[Buffer.from('1.1.0')]]],
    ['the PTR of a ClusterIP', '50.0.96.10.in-addr.arpa', 'PTR', 'NOERROR', ['hostnames.default.svc.cluster.local']],
    ['the PTR of a headless endpoint', '5.1.244.10.in-addr.arpa', 'PTR', 'NOERROR', ['web-0.nginx.default.svc.cluster.local']],
    ['a PTR in the cluster CIDRs that nothing has', '99.99.244.10.in-addr.arpa', 'PTR', 'NXDOMAIN', []],
    ['a name outside the zone is refused, never forwarded', 'example.com', 'A', 'REFUSED', []],
    ['a search-list expansion outside the zone is refused', 'hostnames.default.svc.cluster.local.example.com', 'A', 'REFUSED', []],
    ['a reverse name outside the cluster CIDRs is refused', '1.1.168.192.in-addr.arpa', 'PTR', 'REFUSED', []],
  ])('%s: %s %s → %s', (_, name, type, rcode, data) => {
    const reply = ask(index, name, type, 'tcp');
    expect(reply.rcode).toBe(rcode);
    expect(reply.data).toEqual(data);
  });

  it('answers for the zone with authority and no recursion, echoing id and question', () => {
    const reply = ask(index, 'hostnames.default.svc.cluster.local');
    expect(reply).toMatchObject({ id: 4242, flag_qr: true, flag_aa: true, flag_rd: true, flag_ra: false, questions: [{ name: 'hostnames.default.svc.cluster.local', type: 'A' }] });
    expect(reply.answers).toEqual([expect.objectContaining({ ttl: 5 })]);
  });

  it.each([['NXDOMAIN', 'nope.default.svc.cluster.local'], ['NODATA', 'default.svc.cluster.local']])('a negative answer (%s) carries the SOA for negative caching', (_, name) => {
    expect(ask(index, name).authorities).toEqual([expect.objectContaining({ type: 'SOA', name: 'cluster.local', data: expect.objectContaining({ mname: 'ns.dns.cluster.local', minimum: 5 }) })]);
  });

  it('gives the SRV targets their addresses in the additional section', () => {
    const reply = ask(index, '_web._tcp.nginx.default.svc.cluster.local', 'SRV', 'tcp');
    expect((reply.additionals ?? []).map((a) => [a.name, 'data' in a ? a.data : undefined])).toEqual([
      ['web-0.nginx.default.svc.cluster.local', '10.244.1.5'],
      ['web-1.nginx.default.svc.cluster.local', '10.244.2.7'],
      ['10-244-2-8.nginx.default.svc.cluster.local', '10.244.2.8'],
    ]);
  });

  it('follows changes: a pod becoming ready appears, a deleted slice takes its endpoints along', () => {
    const live = seedCluster();
    live.setSlice(slice('default', 'nginx', 'nginx-abc', [{ name: 'web', port: 80 }], [{ ip: '10.244.1.9', hostname: 'web-2' }]));
    expect(ask(live, 'web-2.nginx.default.svc.cluster.local').data).toEqual(['10.244.1.9']);
    live.removeSlice(slice('default', 'nginx', 'nginx-abc', [], []));
    expect(ask(live, 'nginx.default.svc.cluster.local')).toMatchObject({ rcode: 'NOERROR', data: [] });
    live.setPod(pod('default', 'web-0', '10.244.1.5', 'Succeeded'));
    expect(ask(live, '10-244-1-5.default.pod.cluster.local').rcode).toBe('NXDOMAIN');
  });
});
