// networking.k8s.io/v1 NetworkPolicy, and the parts of Pods and Namespaces it reads.
import type { KubeObject, LabelSelector } from '@keelson/apimachinery';

export type PolicyType = 'Ingress' | 'Egress';
export interface NetworkPolicyPort { protocol?: string; port?: number | string; endPort?: number }
export interface IPBlock { cidr: string; except?: string[] }
export interface NetworkPolicyPeer { podSelector?: LabelSelector; namespaceSelector?: LabelSelector; ipBlock?: IPBlock }
export interface NetworkPolicyIngressRule { from?: NetworkPolicyPeer[]; ports?: NetworkPolicyPort[] }
export interface NetworkPolicyEgressRule { to?: NetworkPolicyPeer[]; ports?: NetworkPolicyPort[] }
export interface NetworkPolicy extends KubeObject {
  spec: { podSelector: LabelSelector; policyTypes?: PolicyType[]; ingress?: NetworkPolicyIngressRule[]; egress?: NetworkPolicyEgressRule[] };
}
export interface PolicyPod extends KubeObject {
  spec?: { nodeName?: string; containers?: { name: string; ports?: { name?: string; containerPort: number; protocol?: string }[] }[] };
  status?: { podIP?: string };
}
export type PolicyNamespace = KubeObject;
