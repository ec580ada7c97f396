// Service and Endpoints (ValidateService / ValidateEndpoints in pkg/apis/core/validation).
import { Cause, Causes, Json, arr, immutable, invalidEach, obj, oneOf, str } from '../causes';
import { isDNS1123Label, isDNS1123Subdomain, isValidPortNum } from '../names';
import { validatePortRef } from './pod';
import { validateLabels } from '../meta';

const SERVICE_TYPES = ['ClusterIP', 'ExternalName', 'LoadBalancer', 'NodePort'];
const PROTOCOLS = ['SCTP', 'TCP', 'UDP'];

export function validateServiceSpec(spec: Json | undefined): Causes {
  const s = spec ?? {};
  const out: Causes = [...oneOf('spec.type', s.type, SERVICE_TYPES)];
  const headless = s.clusterIP === 'None';
  const ports = arr(s.ports);
  if (s.type === 'ExternalName') {
    const name = str(s.externalName);
    if (!name) out.push(Cause.required('spec.externalName'));
    else out.push(...invalidEach('spec.externalName', name, isDNS1123Subdomain(name.replace(/\.$/, ''))));
  } else if (ports.length === 0 && !headless) {
    out.push(Cause.required('spec.ports'));
  }
  const names = new Set<string>();
  ports.forEach((raw, i) => {
    const p = obj(raw) ?? {};
    const at = `spec.ports[${i}]`;
    const name = str(p.name);
    if (ports.length > 1 && !name) out.push(Cause.required(`${at}.name`));
    if (name) {
      out.push(...invalidEach(`${at}.name`, name, isDNS1123Label(name)));
      if (names.has(name)) out.push(Cause.duplicate(`${at}.name`, name));
      names.add(name);
    }
    out.push(...invalidEach(`${at}.port`, p.port, isValidPortNum(Number(p.port))));
    out.push(...oneOf(`${at}.protocol`, p.protocol, PROTOCOLS, true));
    if (p.targetPort !== undefined) out.push(...validatePortRef(p.targetPort, `${at}.targetPort`));
    if (p.nodePort !== undefined && p.nodePort !== 0) {
      if (s.type !== 'NodePort' && s.type !== 'LoadBalancer') out.push(Cause.forbidden(`${at}.nodePort`, 'may not be used when `type` is \'ClusterIP\''));
      else out.push(...invalidEach(`${at}.nodePort`, p.nodePort, isValidPortNum(Number(p.nodePort))));
    }
  });
  out.push(...validateLabels(s.selector, 'spec.selector'));
  out.push(...oneOf('spec.sessionAffinity', s.sessionAffinity, ['ClientIP', 'None']));
  out.push(...oneOf('spec.internalTrafficPolicy', s.internalTrafficPolicy, ['Cluster', 'Local']));
  out.push(...oneOf('spec.externalTrafficPolicy', s.externalTrafficPolicy, ['Cluster', 'Local']));
  out.push(...oneOf('spec.ipFamilyPolicy', s.ipFamilyPolicy, ['PreferDualStack', 'RequireDualStack', 'SingleStack']));
  return out;
}

/** Once allocated, a Service's cluster IP stays (changing type to/from ExternalName aside). */
export function validateServiceUpdate(spec: Json, old: Json): Causes {
  const wasExternal = old.type === 'ExternalName' || spec.type === 'ExternalName';
  if (!wasExternal && old.clusterIP && spec.clusterIP && spec.clusterIP !== old.clusterIP) return [immutable('spec.clusterIP', spec.clusterIP)];
  return [];
}

export function validateEndpoints(o: Json): Causes {
  const out: Causes = [];
  arr(o.subsets).forEach((raw, i) => {
    const s = obj(raw) ?? {};
    arr(s.addresses).forEach((a, j) => {
      if (!obj(a)?.ip) out.push(Cause.required(`subsets[${i}].addresses[${j}].ip`));
    });
    arr(s.ports).forEach((p, j) => {
      const port = obj(p) ?? {};
      out.push(...invalidEach(`subsets[${i}].ports[${j}].port`, port.port, isValidPortNum(Number(port.port))));
      out.push(...oneOf(`subsets[${i}].ports[${j}].protocol`, port.protocol, PROTOCOLS, true));
    });
  });
  return out;
}
