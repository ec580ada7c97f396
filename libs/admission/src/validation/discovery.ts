// discovery.k8s.io/v1 EndpointSlice (ValidateEndpointSlice in pkg/apis/discovery/validation):
// one address type per slice, fixed at creation; at most 1,000 endpoints of 1–100 addresses each
// (only the first is used), valid for the type; at most 100 ports with unique names.
import { isIP } from 'node:net';
import { Cause, Causes, Json, arr, immutable, invalidEach, obj, oneOf, str, tooMany } from '../causes';
import { isDNS1123Label, isDNS1123Subdomain, isValidPortNum } from '../names';

const ADDRESS_TYPES = ['FQDN', 'IPv4', 'IPv6'];
const PROTOCOLS = ['SCTP', 'TCP', 'UDP'];
const MAX_ENDPOINTS = 1000;
const MAX_ADDRESSES = 100;
const MAX_PORTS = 100;

export function validateEndpointSlice(o: Json, old: Json | undefined): Causes {
  const type = str(o.addressType);
  const out: Causes = [...oneOf('addressType', o.addressType, ADDRESS_TYPES, true)];
  if (old && old.addressType !== o.addressType) out.push(immutable('addressType', o.addressType));
  const endpoints = arr(o.endpoints);
  if (endpoints.length > MAX_ENDPOINTS) out.push(tooMany('endpoints', endpoints.length, MAX_ENDPOINTS));
  endpoints.forEach((raw, i) => out.push(...validateEndpoint(obj(raw) ?? {}, `endpoints[${i}]`, type)));
  const ports = arr(o.ports);
  if (ports.length > MAX_PORTS) out.push(tooMany('ports', ports.length, MAX_PORTS));
  const names = new Set<string>();
  ports.forEach((raw, i) => {
    const p = obj(raw) ?? {};
    const name = str(p.name) ?? '';
    if (name) out.push(...invalidEach(`ports[${i}].name`, name, isDNS1123Label(name)));
    if (names.has(name)) out.push(Cause.duplicate(`ports[${i}].name`, name));
    names.add(name);
    out.push(...oneOf(`ports[${i}].protocol`, p.protocol, PROTOCOLS, true));
    if (p.port !== undefined && p.port !== null) out.push(...invalidEach(`ports[${i}].port`, p.port, isValidPortNum(Number(p.port))));
  });
  return out;
}

function validateEndpoint(e: Json, field: string, type: string | undefined): Causes {
  const out: Causes = [];
  const addresses = arr(e.addresses);
  if (addresses.length === 0) out.push(Cause.required(`${field}.addresses`, 'must contain at least 1 address'));
  if (addresses.length > MAX_ADDRESSES) out.push(tooMany(`${field}.addresses`, addresses.length, MAX_ADDRESSES));
  addresses.forEach((a, j) => {
    const valid = type === 'IPv4' ? isIP(String(a)) === 4 : type === 'IPv6' ? isIP(String(a)) === 6 : type === 'FQDN' ? isDNS1123Subdomain(String(a)).length === 0 : true;
    if (!valid) out.push(Cause.invalid(`${field}.addresses[${j}]`, a, `must be a valid ${type} address`));
  });
  if (str(e.hostname)) out.push(...invalidEach(`${field}.hostname`, e.hostname, isDNS1123Label(e.hostname as string)));
  if (str(e.nodeName)) out.push(...invalidEach(`${field}.nodeName`, e.nodeName, isDNS1123Subdomain(e.nodeName as string)));
  return out;
}
