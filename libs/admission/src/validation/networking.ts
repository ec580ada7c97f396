// NetworkPolicy, Ingress and IngressClass (pkg/apis/networking/validation).
import { Cause, Causes, Json, arr, invalidEach, obj, oneOf, str } from '../causes';
import { isDNS1123Subdomain } from '../names';
import { validateLabelSelector } from '../selector';
import { validatePortRef } from './pod';

export function validateNetworkPolicySpec(spec: Json | undefined): Causes {
  const s = spec ?? {};
  const out: Causes = [];
  const podSelector = obj(s.podSelector);
  if (!podSelector) out.push(Cause.required('spec.podSelector'));
  else out.push(...validateLabelSelector(podSelector, 'spec.podSelector'));
  arr(s.policyTypes).forEach((t, i) => out.push(...oneOf(`spec.policyTypes[${i}]`, t, ['Ingress', 'Egress'])));
  for (const dir of ['ingress', 'egress'] as const) {
    arr(s[dir]).forEach((raw, i) => {
      const rule = obj(raw) ?? {};
      arr(rule.ports).forEach((p, j) => {
        const port = obj(p) ?? {};
        out.push(...oneOf(`spec.${dir}[${i}].ports[${j}].protocol`, port.protocol, ['SCTP', 'TCP', 'UDP']));
        if (port.port !== undefined) out.push(...validatePortRef(port.port, `spec.${dir}[${i}].ports[${j}].port`));
      });
    });
  }
  return out;
}

const PATH_TYPES = ['Exact', 'ImplementationSpecific', 'Prefix'];

function validateBackend(b: Json | undefined, path: string): Causes {
  if (!b) return [Cause.required(path)];
  const service = obj(b.service);
  const resource = obj(b.resource);
  if (service && resource) return [Cause.invalid(path, '', 'cannot set both resource and service backends')];
  if (!service && !resource) return [Cause.invalid(path, '', 'resource or service backend is required')];
  if (!service) return [];
  const out: Causes = [];
  if (!service.name) out.push(Cause.required(`${path}.service.name`));
  const port = obj(service.port);
  if (!port || (port.name === undefined && port.number === undefined)) out.push(Cause.required(`${path}.service.port`, 'port name or number is required'));
  else if (port.name !== undefined && port.number !== undefined) out.push(Cause.invalid(`${path}.service.port`, port, 'cannot set both port name & port number'));
  return out;
}

export function validateIngressSpec(spec: Json | undefined): Causes {
  const s = spec ?? {};
  const out: Causes = [];
  const rules = arr(s.rules);
  if (rules.length === 0 && !s.defaultBackend) out.push(Cause.invalid('spec', rules, 'either `defaultBackend` or `rules` must be specified'));
  if (s.defaultBackend) out.push(...validateBackend(obj(s.defaultBackend), 'spec.defaultBackend'));
  rules.forEach((raw, i) => {
    const rule = obj(raw) ?? {};
    const host = str(rule.host);
    if (host) out.push(...invalidEach(`spec.rules[${i}].host`, host, isDNS1123Subdomain(host.replace(/^\*\./, ''))));
    const http = obj(rule.http);
    if (!http) return;
    const paths = arr(http.paths);
    if (paths.length === 0) out.push(Cause.required(`spec.rules[${i}].http.paths`));
    paths.forEach((p, j) => {
      const at = `spec.rules[${i}].http.paths[${j}]`;
      const entry = obj(p) ?? {};
      if (entry.pathType === undefined) out.push(Cause.required(`${at}.pathType`, 'pathType must be specified'));
      else out.push(...oneOf(`${at}.pathType`, entry.pathType, PATH_TYPES));
      const path = str(entry.path);
      if (entry.pathType !== 'ImplementationSpecific' && (!path || !path.startsWith('/'))) out.push(Cause.invalid(`${at}.path`, path ?? '', "must be an absolute path"));
      out.push(...validateBackend(obj(entry.backend), `${at}.backend`));
    });
  });
  return out;
}

export function validateIngressClassSpec(spec: Json | undefined): Causes {
  const controller = str(spec?.controller);
  if (!controller) return [Cause.required('spec.controller')];
  return controller.length > 250 ? [Cause.invalid('spec.controller', controller, 'must be no more than 250 characters')] : [];
}
