// The kube-proxy role of the agent, with NetworkPolicy alongside: informers on Services,
// Endpoints, Pods, NetworkPolicies and Namespaces; any change queues a sync, and a periodic
// sync repairs chains deleted or edited by hand. Each sync is one transaction of the agent's
// own chains in the node's namespace (iptables-restore, or nft -f for services in nftables
// mode), computed by @keelson/proxy from what the informers hold now.
import type { EventLog } from '@keelson/eventlog';
import { Informer } from '@keelson/informer';
import { CLUSTER_CIDR, nodeExec } from '@keelson/overlay';
import {
  emptyRuleset,
  IptablesSyncer,
  mergeRulesets,
  networkPolicyRules,
  NftablesSyncer,
  serviceNftRules,
  servicePorts,
  serviceRules,
  syncLoop,
  type Endpoints,
  type NetworkPolicy,
  type PolicyPod,
  type Service,
} from '@keelson/proxy';
import type { ProxyMode } from './config';

export interface ProxyAgentOptions {
  readonly nodeName: string;
  readonly nodeNs?: string;
  readonly mode: ProxyMode;
  readonly syncPeriodMs: number;
  readonly eventLog: EventLog;
  readonly log: (line: string) => void;
}

export interface ProxyAgent {
  stop(): Promise<void>;
}

const PROXY_CONFIG = { clusterCIDR: CLUSTER_CIDR };
/** Rules are computed from specs, endpoints and labels; managedFields would only take memory. */
const STRIP = { stripManagedFields: true } as const;

export async function startProxyAgent(o: ProxyAgentOptions): Promise<ProxyAgent> {
  const informers = {
    services: new Informer(o.eventLog, '', 'services', undefined, STRIP),
    endpoints: new Informer(o.eventLog, '', 'endpoints', undefined, STRIP),
    pods: new Informer(o.eventLog, '', 'pods', undefined, STRIP),
    policies: new Informer(o.eventLog, 'networking.k8s.io', 'networkpolicies', undefined, STRIP),
    namespaces: new Informer(o.eventLog, '', 'namespaces', undefined, STRIP),
  };
  const all = Object.values(informers);
  await removeOtherModesRules(o);
  // In nftables mode the services live in `table ip kube-proxy`; NetworkPolicy stays in the
  // iptables filter table (KEELSON-NP… chains), where bridged pod traffic is seen.
  const iptables = new IptablesSyncer(o.nodeNs, o.mode === 'iptables' ? ['KUBE-', 'KEELSON-'] : ['KEELSON-']);
  const nftables = o.mode === 'nftables' ? new NftablesSyncer(o.nodeNs) : undefined;

  const sync = async (verify: boolean) => {
    const ports = servicePorts(informers.services.list() as Service[], informers.endpoints.list() as Endpoints[]);
    const policies = networkPolicyRules({
      policies: informers.policies.list() as NetworkPolicy[],
      pods: informers.pods.list() as PolicyPod[],
      namespaces: informers.namespaces.list(),
      nodeName: o.nodeName,
    });
    if (nftables) {
      await nftables.sync(serviceNftRules(ports, PROXY_CONFIG), { verify });
      await iptables.sync(policies, { verify });
    } else {
      const result = await iptables.sync(mergeRulesets(serviceRules(ports, PROXY_CONFIG), policies), { verify });
      if (result.mode === 'full') o.log(`proxy: full iptables sync, ${ports.length} service ports, ${Math.round(result.ms)} ms`);
    }
  };

  let loop: ReturnType<typeof syncLoop> | undefined;
  for (const informer of all) informer.on(() => loop?.trigger());
  await Promise.all(all.map((i) => i.start()));
  // Rules from a partial cache would drop live services for a moment: wait for all five.
  await Promise.all(all.map((i) => i.synced));
  loop = syncLoop(sync, o.syncPeriodMs, (e) => o.log(`proxy sync failed: ${(e as Error).message}`));
  return {
    async stop() {
      await loop?.stop();
      await Promise.all(all.map((i) => i.stop()));
    },
  };
}

/** A node switched between modes keeps nothing of the other one. */
async function removeOtherModesRules(o: ProxyAgentOptions): Promise<void> {
  if (o.mode === 'iptables') await nodeExec(o.nodeNs, 'nft', ['delete', 'table', 'ip', 'kube-proxy']).catch(() => undefined);
  else await new IptablesSyncer(o.nodeNs, ['KUBE-']).sync(emptyRuleset());
}
