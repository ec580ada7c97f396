// The node's network roles, started together once the Node has its podCIDR: the overlay
// (flannel) and the service proxy with NetworkPolicy (kube-proxy). Both keep running across
// pod churn and leave their kernel state in place when the agent stops, as flanneld and
// kube-proxy do: a restarted agent adopts it, and pods keep their network meanwhile.
import type { EventLog } from '@keelson/eventlog';
import type { ApiClient } from '@keelson/informer';
import type { NodeAgentConfig } from './config';
import { startOverlayAgent } from './overlay-agent';
import { startProxyAgent } from './proxy-agent';

export interface NodeNetwork {
  stop(): Promise<void>;
}

export async function startNodeNetwork(config: NodeAgentConfig, o: { nodeNs?: string; address: string; podCIDR: string; eventLog: EventLog; api: ApiClient; log: (line: string) => void }): Promise<NodeNetwork> {
  const overlay = await startOverlayAgent({ nodeName: config.name, ...o });
  const proxy = await startProxyAgent({ nodeName: config.name, nodeNs: o.nodeNs, mode: config.proxyMode, syncPeriodMs: config.proxySyncPeriodSeconds * 1000, eventLog: o.eventLog, log: o.log }).catch(async (e) => {
    await overlay.stop();
    throw e;
  });
  // Not waiting for their first passes: until the overlay is up the Node's taint keeps pods
  // away, and on a loaded machine a pass of a dozen `ip netns exec` calls takes seconds.
  return { stop: async () => void (await Promise.all([proxy.stop(), overlay.stop()])) };
}
