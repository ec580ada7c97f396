// The kube-proxy role of the agent, with NetworkPolicy alongside: informers on Services,
// Endpoints, Pods, NetworkPolicies and Namespaces; any change queues a sync, and a periodic
// sync repairs chains deleted or edited by hand. Each sync is one transaction of the agent's
// own chains in the node's namespace (iptables-restore, or nft -f for services in nftables
// mode), computed by @keelson/proxy's Proxier from what the informers hold now: the same
// object, and so the same code path, as `npm run bench:proxy` measures.
import type { EventLog } from '@keelson/eventlog';
import { Informer } from '@keelson/informer';
import { CLUSTER_CIDR, nodeExec } from '@keelson/overlay';
import {
  emptyRuleset,
  IptablesSyncer,
  networkPolicyRules,
  Proxier,
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
  const proxier = new Proxier({ nodeNs: o.nodeNs, mode: o.mode, config: PROXY_CONFIG });

  const sync = async (verify: boolean) => {
    const policies = networkPolicyRules({
      policies: informers.policies.list() as NetworkPolicy[],
      pods: informers.pods.list() as PolicyPod[],
      namespaces: informers.namespaces.list(),
      nodeName: o.nodeName,
    });
    const result = await proxier.sync(informers.services.list() as Service[], informers.endpoints.list() as Endpoints[], policies, { verify });
    if (result.services.mode === 'full') o.log(`proxy: full ${o.mode} sync (${result.services.reason}), ${result.servicePorts} service ports, ${Math.round(result.services.ms)} ms`);
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
