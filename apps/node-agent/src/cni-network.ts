// The pod network as PodSyncer sees it, on the real CNI plugins (libs/runtime's Cni).
import type { Cni } from '@keelson/runtime';
import type { PodNetworkPlugin } from '@keelson/kubelet';

export function cniNetwork(cni: Cni): PodNetworkPlugin {
  return {
    setUp: async (sandboxId, netns, portMappings) => (await cni.add(sandboxId, netns, { portMappings })).ip,
    tearDown: (sandboxId, netns) => cni.del(sandboxId, netns),
    podIP: (sandboxId) => cni.podIP(sandboxId),
  };
}
