// The CNI network a node's pods join, and the environment each plugin runs with — pure data,
// built the way libcni builds it for kubelet (CNI spec 1.0: a conflist, each plugin handed its
// own config plus name, cniVersion, prevResult and the runtimeConfig of its capabilities).
import { join } from 'node:path';
import type { PortMapping } from './runtime';

export const CNI_VERSION = '1.0.0';
export const CNI_PLUGIN_DIR = '/usr/lib/cni';
export const POD_IFNAME = 'eth0';

export interface CniNetworkOptions {
  /** This node's pod subnet (Node.spec.podCIDR), e.g. "10.244.1.0/24". */
  readonly podCIDR: string;
  /** The node's state directory; host-local keeps its allocations under it. */
  readonly stateDir: string;
  readonly networkName?: string;
  readonly bridge?: string;
  readonly mtu?: number;
  /**
   * Masquerade pod traffic leaving the pod subnet (the bridge plugin's ipMasq). With an
   * overlay, traffic to other nodes' pods is masqueraded too; the flannel role may turn this
   * off and masquerade only what leaves the cluster CIDR.
   */
  readonly ipMasq?: boolean;
}

export type CniPluginConf = Readonly<Record<string, unknown>> & { readonly type: string };

export interface CniConflist {
  readonly cniVersion: string;
  readonly name: string;
  readonly plugins: readonly CniPluginConf[];
}

/** Where host-local records which IP belongs to which container (one file per IP). */
export const ipamDataDir = (stateDir: string) => join(stateDir, 'cni', 'networks');
/** Where ADD results are kept for DEL and CHECK (libcni's cache, /var/lib/cni/results). */
export const resultCacheDir = (stateDir: string) => join(stateDir, 'cni', 'results');

/** bridge (cni0, gateway, hairpin, host-local IPAM on the podCIDR) chained with portmap. */
export function podNetworkConflist(o: CniNetworkOptions): CniConflist {
  return {
    cniVersion: CNI_VERSION,
    name: o.networkName ?? 'keelson',
    plugins: [
      {
        type: 'bridge',
        bridge: o.bridge ?? 'cni0',
        isGateway: true,
        ipMasq: o.ipMasq ?? true,
        // Lets a pod reach itself through a Service IP that DNATs back to it.
        hairpinMode: true,
        ...(o.mtu ? { mtu: o.mtu } : {}),
        ipam: {
          type: 'host-local',
          ranges: [[{ subnet: o.podCIDR }]],
          routes: [{ dst: '0.0.0.0/0' }],
          dataDir: ipamDataDir(o.stateDir),
        },
      },
      { type: 'portmap', capabilities: { portMappings: true }, snat: true },
    ],
  };
}

/** kubelet wires each pod's lo with this single-plugin network before the pod network. */
export const LOOPBACK_CONF: CniPluginConf & { cniVersion: string; name: string } = { cniVersion: CNI_VERSION, name: 'cni-loopback', type: 'loopback' };

export interface RuntimeConfig {
  readonly portMappings?: readonly PortMapping[];
}

/**
 * The stdin of one plugin in a chain, as libcni's buildOneConfig makes it: the plugin's own
 * config, the network's name and version, the previous plugin's result, and `runtimeConfig`
 * holding only the capabilities the plugin declares (portmap declares portMappings).
 */
export function pluginStdin(list: CniConflist, plugin: CniPluginConf, runtime: RuntimeConfig, prevResult?: unknown): Record<string, unknown> {
  const capabilities = (plugin.capabilities ?? {}) as Record<string, boolean>;
  const runtimeConfig: Record<string, unknown> = {};
  if (capabilities.portMappings) {
    runtimeConfig.portMappings = (runtime.portMappings ?? []).map((p) => ({ hostPort: p.hostPort, containerPort: p.containerPort, protocol: (p.protocol ?? 'TCP').toLowerCase(), ...(p.hostIP ? { hostIP: p.hostIP } : {}) }));
  }
  const { capabilities: _drop, ...conf } = plugin;
  return {
    ...conf,
    cniVersion: list.cniVersion,
    name: list.name,
    ...(Object.keys(runtimeConfig).length ? { runtimeConfig } : {}),
    ...(prevResult !== undefined ? { prevResult } : {}),
  };
}

/**
 * The plugins of the chain worth running for this pod. portmap with no port mappings passes the
 * previous result through on ADD and returns at once on DEL and CHECK (containernetworking/plugins
 * meta/portmap: `if len(PortMaps) == 0`), so a pod without hostPorts skips it: one `ip netns exec`
 * and one plugin process fewer per pod start and per teardown. Example: bridge+portmap, no
 * hostPort → [bridge]; hostPort 8080 → [bridge, portmap].
 */
export function pluginsFor(list: CniConflist, runtime: RuntimeConfig): CniPluginConf[] {
  return list.plugins.filter((p) => !(p.type === 'portmap' && !runtime.portMappings?.length));
}

export type CniCommand = 'ADD' | 'DEL' | 'CHECK' | 'VERSION';

/** CNI's environment contract: what the plugin is asked to do, to which container, where. */
export function cniEnv(command: CniCommand, containerId: string, netns: string, pluginDir = CNI_PLUGIN_DIR, ifName = POD_IFNAME): Record<string, string> {
  return {
    CNI_COMMAND: command,
    CNI_CONTAINERID: containerId,
    CNI_NETNS: netns,
    CNI_IFNAME: ifName,
    CNI_PATH: pluginDir,
  };
}

/** The command line that runs a plugin, inside the node's network namespace when it has one. */
export function pluginCommand(type: string, nodeNamespace: string | undefined, pluginDir = CNI_PLUGIN_DIR): [string, string[]] {
  const plugin = join(pluginDir, type);
  return nodeNamespace ? ['ip', ['netns', 'exec', nodeNamespace, plugin]] : [plugin, []];
}

/** One address a plugin assigned: CNI 1.0's `ips[]` entry. */
export interface CniIpConfig {
  readonly address: string;
  readonly gateway?: string;
  readonly interface?: number;
}

export interface CniResult {
  readonly cniVersion: string;
  readonly interfaces?: readonly { name: string; mac?: string; sandbox?: string }[];
  readonly ips?: readonly CniIpConfig[];
  readonly routes?: readonly { dst: string; gw?: string }[];
}

/** The pod's IPv4 address without its prefix length: "10.244.1.2/24" → "10.244.1.2". */
export function podIPv4(result: CniResult): string | undefined {
  const ip = result.ips?.find((i) => !i.address.includes(':'));
  return ip?.address.split('/')[0];
}
