// The pieces of NetworkPolicy semantics shared by the evaluator and the rule generator, so
// that the two cannot disagree on who is selected, who is a peer, or what a port means.
import { labelSelectorToRequirements, LabelSelector, matches } from '@keelson/apimachinery';
import ipaddr from 'ipaddr.js';
import type { IPBlock, NetworkPolicy, NetworkPolicyPeer, NetworkPolicyPort, PolicyNamespace, PolicyPod, PolicyType } from './types';

const selects = (selector: LabelSelector | undefined, labels: Record<string, string> | undefined): boolean => {
  try {
    return matches(labelSelectorToRequirements(selector), labels);
  } catch {
    return false; // an invalid selector selects nothing
  }
};

/** spec.policyTypes, defaulted as the API server does: Ingress always, Egress if egress rules exist. */
export const policyTypes = (p: NetworkPolicy): PolicyType[] => p.spec.policyTypes ?? (p.spec.egress ? ['Ingress', 'Egress'] : ['Ingress']);

/** The policies that isolate `pod` in `direction`; none means the pod is open that way. */
export const policiesFor = (policies: readonly NetworkPolicy[], pod: PolicyPod, direction: PolicyType): NetworkPolicy[] =>
  policies.filter((p) => p.metadata.namespace === pod.metadata.namespace && policyTypes(p).includes(direction) && selects(p.spec.podSelector, pod.metadata.labels));

export function inCIDR(ip: string, cidr: string): boolean {
  try {
    return ipaddr.IPv4.parse(ip).match(ipaddr.IPv4.parseCIDR(cidr));
  } catch {
    return false;
  }
}

export const inBlock = (ip: string, block: IPBlock): boolean => inCIDR(ip, block.cidr) && !(block.except ?? []).some((e) => inCIDR(ip, e));

/**
 * Whether a pod is a peer: podSelector alone means pods of the policy's namespace; with a
 * namespaceSelector, pods of the selected namespaces; both together means both must hold.
 */
export function peerSelectsPod(peer: NetworkPolicyPeer, policyNamespace: string, pod: PolicyPod, namespaces: ReadonlyMap<string, PolicyNamespace>): boolean {
  if (peer.ipBlock) return false;
  if (peer.namespaceSelector) {
    const ns = namespaces.get(pod.metadata.namespace ?? '');
    if (!ns || !selects(peer.namespaceSelector, ns.metadata.labels)) return false;
  } else if (pod.metadata.namespace !== policyNamespace) return false;
  return peer.podSelector ? selects(peer.podSelector, pod.metadata.labels) : true;
}

export interface PortMatch { readonly protocol: string; readonly from?: number; readonly to?: number }

/**
 * A policy port as a concrete protocol and port range on `target` (the pod receiving the
 * traffic): named ports are looked up among its container ports of that protocol; undefined
 * when the name does not resolve. No port means every port of the protocol.
 */
export function resolvePort(p: NetworkPolicyPort, target: PolicyPod | undefined): PortMatch | undefined {
  const protocol = (p.protocol ?? 'TCP').toUpperCase();
  if (p.port === undefined) return { protocol };
  if (typeof p.port === 'number') return { protocol, from: p.port, to: p.endPort ?? p.port };
  if (/^\d+$/.test(p.port)) return { protocol, from: Number(p.port), to: p.endPort ?? Number(p.port) };
  for (const c of target?.spec?.containers ?? []) {
    for (const cp of c.ports ?? []) if (cp.name === p.port && (cp.protocol ?? 'TCP').toUpperCase() === protocol) return { protocol, from: cp.containerPort, to: cp.containerPort };
  }
  return undefined;
}

export const isNamedPort = (p: NetworkPolicyPort): boolean => typeof p.port === 'string' && !/^\d+$/.test(p.port);

export const portMatches = (m: PortMatch, port: number, protocol: string): boolean =>
  m.protocol === protocol.toUpperCase() && (m.from === undefined || (port >= m.from && port <= (m.to ?? m.from)));
