// The service proxy as one object, from the informers' Services and Endpoints to the kernel:
// ServicePorts → the mode's rule generator (IptablesServiceRules / NftServiceRules, which keep
// each service's rules between calls) → its syncer (partial syncs). The node agent runs it, and
// the proxy benchmark runs this same object, so the benchmark's figures are the agent's.
//
// NetworkPolicy chains always live in the iptables filter table, where bridged pod traffic is
// seen: in iptables mode they go in the same iptables-restore as the services, in nftables mode
// in their own (KEELSON-… chains only).

import { emptyRuleset, IptablesRuleset, mergeRulesets } from './iptables/ruleset';
import { IptablesServiceRules } from './iptables/services';
import { Endpoints, ProxyConfig, Service, ServicePorts } from './model';
import { NftServiceRules } from './nftables/services';
import { IptablesBackend, IptablesSyncer, NftablesSyncer, SyncCallOptions, SyncOptions, SyncResult } from './sync';

export type ProxyMode = 'iptables' | 'nftables';

export interface ProxierOptions {
  readonly nodeNs: string | undefined;
  readonly mode: ProxyMode;
  readonly config: ProxyConfig;
  readonly sync?: SyncOptions & { readonly backend?: IptablesBackend };
}

export interface ProxierSync {
  /** The service rules' sync (in iptables mode it carried the policy chains too). */
  readonly services: SyncResult;
  /** nftables mode: the policy chains' own iptables sync. */
  readonly policies?: SyncResult;
  readonly servicePorts: number;
}

export class Proxier {
  private readonly ports = new ServicePorts();
  private readonly iptablesRules: IptablesServiceRules;
  private readonly nftRules: NftServiceRules;
  readonly iptables: IptablesSyncer;
  readonly nftables: NftablesSyncer | undefined;

  constructor(readonly options: ProxierOptions) {
    this.iptablesRules = new IptablesServiceRules(options.config);
    this.nftRules = new NftServiceRules(options.config);
    // In nftables mode the iptables syncer owns only the policy chains: KUBE-… is not ours there.
    this.iptables = new IptablesSyncer(options.nodeNs, options.mode === 'iptables' ? ['KUBE-', 'KEELSON-'] : ['KEELSON-'], options.sync);
    this.nftables = options.mode === 'nftables' ? new NftablesSyncer(options.nodeNs, options.sync) : undefined;
  }

  /** One sync of everything: services (and endpoints) as given, plus the NetworkPolicy chains. */
  async sync(services: readonly Service[], endpoints: readonly Endpoints[], policies: IptablesRuleset = emptyRuleset(), opts: SyncCallOptions = {}): Promise<ProxierSync> {
    this.iptables.prefetch();
    const ports = this.ports.ports(services, endpoints);
    if (!this.nftables) {
      return { services: await this.iptables.sync(mergeRulesets(this.iptablesRules.rules(ports), policies), opts), servicePorts: ports.length };
    }
    const result = await this.nftables.sync(this.nftRules.rules(ports), opts);
    return { services: result, policies: await this.iptables.sync(policies, opts), servicePorts: ports.length };
  }
}
