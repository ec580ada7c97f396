// @keelson/proxy: Services (kube-proxy's iptables and nftables modes) and NetworkPolicy as
// packet-filter rules in a node's network namespace. Rule generation is pure; `sync.ts` is
// the only part that touches the kernel.
export * from './model';
export { portProtoHash, svcChain, extChain, sepChain } from './hash';
export * from './iptables/ruleset';
export { serviceRules, IptablesServiceRules, LARGE_CLUSTER_ENDPOINTS, SERVICE_JUMPS, SERVICE_CHAIN_PREFIXES } from './iptables/services';
export { renderFull, renderIncremental, renderJumpCanary, ruleCount } from './iptables/restore';
export type { RestoreOptions } from './iptables/restore';
export { serviceNftRules, NftServiceRules } from './nftables/services';
export { renderNftFull, renderNftIncremental, renderNftCanary, nftRuleCount } from './nftables/ruleset';
export type { NftRuleset, NftChain, NftMap } from './nftables/ruleset';
export * from './netpol/types';
export { allowed } from './netpol/evaluate';
export { networkPolicyRules, NETPOL_CHAIN, NETPOL_JUMPS } from './netpol/rules';
export type { NetpolInput } from './netpol/rules';
export * from './sync';
export { Proxier } from './proxier';
export type { ProxierOptions, ProxierSync, ProxyMode } from './proxier';
