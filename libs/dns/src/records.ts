// The records of the cluster zone, as Kubernetes' DNS-based service discovery specification
// (kubernetes/dns docs/specification.md, what CoreDNS's kubernetes plugin serves) lays them out:
//
//   <svc>.<ns>.svc.<zone>                  A     the ClusterIP; for a headless Service every ready
//                                                endpoint's IP; CNAME for an ExternalName Service
//   <host>.<svc>.<ns>.svc.<zone>           A     a headless Service's ready endpoint, by its
//                                                hostname (pod hostname + subdomain = the Service,
//                                                e.g. web-0.nginx.default.svc.cluster.local) or its
//                                                dashed IP (10-244-1-5)
//   _<port>._<proto>.<svc>.<ns>.svc.<zone> SRV   per named port: to the Service name, or for a
//                                                headless Service to each ready endpoint's name
//   <a-b-c-d>.<ns>.pod.<zone>              A     a pod of that namespace with that IP
//   <d>.<c>.<b>.<a>.in-addr.arpa           PTR   a ClusterIP's Service, a headless endpoint's name
//   dns-version.<zone>                     TXT   the specification's schema version
//
// A name under the zone that holds no record and is no ancestor of one is NXDOMAIN; a name that
// exists but has no record of the asked type is NODATA (NOERROR, no answers). Names outside the
// zone (and reverse names outside the cluster's CIDRs) are REFUSED: nothing is forwarded.

import type { Answer, RecordType } from 'dns-packet';
import type { ClusterIndex, DnsEndpoint, DnsService } from './cluster-index';

export interface ZoneOptions {
  /** "cluster.local" */
  readonly zone: string;
  /** the DNS Service's ClusterIP, the address of the zone's name server */
  readonly dnsIP: string;
  readonly ttl: number;
  /** CIDRs whose reverse names this server answers for (services and pods) */
  readonly reverseCIDRs: readonly string[];
}

export type Rcode = 'NOERROR' | 'NXDOMAIN' | 'REFUSED';

export interface LookupResult {
  readonly rcode: Rcode;
  readonly answers: Answer[];
  readonly additionals: Answer[];
  /** true for names in the zone: the answer is authoritative and negative answers carry the SOA */
  readonly authoritative: boolean;
}

export const SCHEMA_VERSION = '1.1.0';
const REFUSED: LookupResult = { rcode: 'REFUSED', answers: [], additionals: [], authoritative: false };

/** @param qname the question's name, any case, with or without the trailing dot */
export function lookup(qname: string, qtype: RecordType, index: ClusterIndex, o: ZoneOptions): LookupResult {
  const name = qname.toLowerCase().replace(/\.$/, '');
  const at = recordsAt(name, index, o);
  if (at === 'outside') return REFUSED;
  if (at === 'nxdomain') return { rcode: 'NXDOMAIN', answers: [], additionals: [], authoritative: true };
  // A CNAME answers every type (RFC 1034 3.6.2); its target is outside the zone, so it is not chased.
  const cname = at.records.filter((r) => r.type === 'CNAME');
  const answers = cname.length && qtype !== 'CNAME' ? cname : at.records.filter((r) => (qtype as string) === 'ANY' || r.type === qtype);
  const additionals = answers.some((r) => r.type === 'SRV' || r.type === 'NS') ? at.additionals : [];
  return { rcode: 'NOERROR', answers, additionals, authoritative: true };
}

interface At {
  records: Answer[];
  additionals: Answer[];
}

function recordsAt(name: string, index: ClusterIndex, o: ZoneOptions): At | 'nxdomain' | 'outside' {
  if (name.endsWith('.in-addr.arpa')) return reverse(name, index, o);
  if (name !== o.zone && !name.endsWith(`.${o.zone}`)) return 'outside';
  const labels = name === o.zone ? [] : name.slice(0, -(o.zone.length + 1)).split('.').reverse();
  const rr = record(o, index.serial);
  const found = (records: Answer[], additionals: Answer[] = []): At => ({ records, additionals });
  const empty = found([]);
  const [top, ns, svcName, fourth, fifth, ...deeper] = labels;
  if (top === undefined) return found([rr.soa(), rr.ns()], [rr.a(nsName(o), o.dnsIP)]);
  if (top === 'dns-version' && labels.length === 1) return found([rr.txt(name, SCHEMA_VERSION)]);
  if (top === 'dns') return labels.length === 1 ? empty : labels.length === 2 && ns === 'ns' ? found([rr.a(name, o.dnsIP)]) : 'nxdomain';
  if (top === 'pod') {
    if (ns === undefined) return empty;
    if (labels.length === 3 && index.hasPod(ns, svcName.replace(/-/g, '.')) && /^\d+(-\d+){3}$/.test(svcName)) return found([rr.a(name, svcName.replace(/-/g, '.'))]);
    return 'nxdomain';
  }
  if (top !== 'svc' || deeper.length) return 'nxdomain';
  if (ns === undefined) return empty;
  if (svcName === undefined) return index.hasServicesIn(ns) ? empty : 'nxdomain';
  const service = index.service(ns, svcName);
  if (!service) return 'nxdomain';
  const fqdn = `${svcName}.${ns}.svc.${o.zone}`;
  const endpoints = () => index.endpointsOf(ns, svcName).filter((e) => e.ready);
  if (fourth === undefined) {
    if (service.externalName) return found([rr.cname(name, service.externalName)]);
    if (service.clusterIP) return found([rr.a(name, service.clusterIP)]);
    return found(unique(endpoints().map((e) => e.ip)).map((ip) => rr.a(name, ip)));
  }
  if (fourth.startsWith('_')) return srv(name, fqdn, service, fourth.slice(1), fifth, endpoints, rr);
  if (!service.headless || fifth !== undefined) return 'nxdomain';
  const named = endpoints().filter((e) => endpointName(e) === fourth);
  return named.length ? found(unique(named.map((e) => e.ip)).map((ip) => rr.a(name, ip))) : 'nxdomain';
}

/** `_<port>._<proto>.<svc>…` (labels reversed: proto is the fourth, port the fifth). */
function srv(name: string, fqdn: string, service: DnsService, proto: string, portLabel: string | undefined, endpoints: () => DnsEndpoint[], rr: Records): At | 'nxdomain' {
  const matches = (p: { name: string; protocol: string }) => p.protocol.toLowerCase() === proto && (portLabel === undefined || `_${p.name}` === portLabel);
  if (portLabel !== undefined && !portLabel.startsWith('_')) return 'nxdomain';
  const ports = service.ports.filter((p) => p.name && matches(p));
  if (!ports.length || service.externalName) return 'nxdomain';
  if (portLabel === undefined) return { records: [], additionals: [] }; // `_tcp.<svc>…` only leads to the SRV names
  if (!service.headless) return { records: ports.map((p) => rr.srv(name, p.port, fqdn, 100)), additionals: [rr.a(fqdn, service.clusterIP!)] };
  // Each ready endpoint serving the port, at the endpoint's own port (a targetPort may differ per pod).
  const targets = endpoints().flatMap((e) => e.ports.filter((p) => matches(p)).map((p) => ({ target: `${endpointName(e)}.${fqdn}`, ip: e.ip, port: p.port })));
  const weight = Math.max(1, Math.floor(100 / Math.max(1, targets.length)));
  return { records: targets.map((t) => rr.srv(name, t.port, t.target, weight)), additionals: targets.map((t) => rr.a(t.target, t.ip)) };
}

function reverse(name: string, index: ClusterIndex, o: ZoneOptions): At | 'nxdomain' | 'outside' {
  const octets = name.slice(0, -'.in-addr.arpa'.length).split('.').reverse();
  const ip = octets.join('.');
  if (octets.length !== 4 || !octets.every((x) => /^\d{1,3}$/.test(x) && Number(x) < 256) || !o.reverseCIDRs.some((c) => inCIDR(ip, c))) return 'outside';
  const rr = record(o, index.serial);
  const service = index.serviceWithIP(ip);
  if (service) return { records: [rr.ptr(name, `${service.name}.${service.namespace}.svc.${o.zone}`)], additionals: [] };
  const headless = index.headlessEndpointWithIP(ip);
  if (headless) return { records: [rr.ptr(name, `${endpointName(headless.endpoint)}.${headless.service.name}.${headless.service.namespace}.svc.${o.zone}`)], additionals: [] };
  return 'nxdomain';
}

/** An endpoint's name under its headless Service: its hostname, else its IP with dashes. */
export const endpointName = (e: DnsEndpoint): string => e.hostname ?? e.ip.replace(/\./g, '-');

const nsName = (o: ZoneOptions) => `ns.dns.${o.zone}`;

/** The zone's SOA, which negative answers carry in their authority section (RFC 2308). */
export function soaRecord(o: ZoneOptions, serial: number): Answer {
  return { name: o.zone, type: 'SOA', ttl: o.ttl, data: { mname: nsName(o), rname: `hostmaster.${o.zone}`, serial, refresh: 7200, retry: 1800, expire: 86400, minimum: o.ttl } };
}

type Records = ReturnType<typeof record>;
function record(o: ZoneOptions, serial: number) {
  const ttl = o.ttl;
  return {
    a: (name: string, ip: string): Answer => ({ name, type: 'A', ttl, data: ip }),
    cname: (name: string, target: string): Answer => ({ name, type: 'CNAME', ttl, data: target }),
    ptr: (name: string, target: string): Answer => ({ name, type: 'PTR', ttl, data: target }),
    txt: (name: string, text: string): Answer => ({ name, type: 'TXT', ttl, data: text }),
    srv: (name: string, port: number, target: string, weight: number): Answer => ({ name, type: 'SRV', ttl, data: { priority: 0, weight, port, target } }),
    soa: (): Answer => soaRecord(o, serial),
    ns: (): Answer => ({ name: o.zone, type: 'NS', ttl, data: nsName(o) }),
  };
}

const unique = (xs: string[]) => [...new Set(xs)];

function inCIDR(ip: string, cidr: string): boolean {
  const [base, bits] = cidr.split('/');
  const toInt = (a: string) => a.split('.').reduce((n, x) => (n << 8) + Number(x), 0) >>> 0;
  const mask = Number(bits) === 0 ? 0 : (~0 << (32 - Number(bits))) >>> 0;
  return ((toInt(ip) & mask) >>> 0) === ((toInt(base) & mask) >>> 0);
}
