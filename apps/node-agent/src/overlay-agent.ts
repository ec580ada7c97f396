// The flannel role of the agent: flannel.1 (VNI 1, UDP 8472, local = the node's address) in the
// node's namespace, flannel's masquerade rules, this node's VTEP published on its Node, and for
// every other Node a route, neighbour and FDB entry — kept by a Node informer (a Node added or
// deleted is programmed at once) and a periodic pass that repairs what was changed by hand.
// Each pass ends by telling the Node whether its network is up (NetworkUnavailable, the taint).
import type { KubeObject } from '@keelson/apimachinery';
import type { EventLog } from '@keelson/eventlog';
import { ApiClient, Informer, objectPath } from '@keelson/informer';
import { ensureMasquerade, ensureVtep, nodeNetworkUpdates, overlayReadiness, peerFromNode, readPeerState, reconcilePeers, vtepMacFor, type OverlayReadiness, type Peer } from '@keelson/overlay';
import { syncLoop } from '@keelson/proxy';

const OVERLAY_RESYNC_MS = 10_000;

export interface OverlayAgentOptions {
  readonly nodeName: string;
  /** The node's network namespace; undefined when the node is the host. */
  readonly nodeNs?: string;
  /** The node's InternalIP: VXLAN's local address and the peers' destination. */
  readonly address: string;
  readonly podCIDR: string;
  readonly eventLog: EventLog;
  readonly api: ApiClient;
  readonly log: (line: string) => void;
}

export interface OverlayAgent {
  stop(): Promise<void>;
}

export async function startOverlayAgent(o: OverlayAgentOptions): Promise<OverlayAgent> {
  const vtep = { vtepMac: vtepMacFor(o.nodeName), publicIP: o.address };
  const nodePath = objectPath('', 'v1', 'nodes', undefined, o.nodeName);
  const nodes = new Informer(o.eventLog, '', 'nodes', undefined, { stripManagedFields: true });
  let lastReason: string | undefined;

  const sync = async () => {
    const vtepState = await ensureVtep(o.nodeNs, { localAddress: o.address, podCIDR: o.podCIDR, nodeName: o.nodeName, underlayDevice: o.nodeNs ? 'eth0' : undefined });
    await ensureMasquerade(o.nodeNs);
    const peers = nodes.list().map(peerFromNode).filter((p): p is Peer => !!p);
    const { applied, before, peers: programmed } = await reconcilePeers(o.nodeNs, { name: o.nodeName, podCIDR: o.podCIDR }, peers);
    if (applied.length) o.log(`overlay: ${applied.map((a) => a.op).join(', ')} (${programmed.length} peers)`);
    // Judged on what the kernel holds after the pass, read again only if the pass changed it.
    const readiness = overlayReadiness(vtepState, o.podCIDR, applied.length ? await readPeerState(o.nodeNs) : before, programmed);
    if (readiness.reason !== lastReason) o.log(readiness.ready ? 'overlay: ready' : `overlay: not ready: ${readiness.reason}`);
    lastReason = readiness.reason;
    await publish(readiness);
  };

  /** Writes what the Node does not say yet; a lost race (409) waits for the next pass. */
  const publish = async (readiness: OverlayReadiness) => {
    const self = nodes.get(o.nodeName);
    if (!self) return;
    const updates = nodeNetworkUpdates(self, vtep, readiness, new Date());
    let resourceVersion = self.metadata.resourceVersion;
    if (updates.annotations) resourceVersion = (await o.api.patch(nodePath, { metadata: { annotations: updates.annotations } })).metadata.resourceVersion;
    if (updates.condition) resourceVersion = (await o.api.patch(`${nodePath}/status`, { status: { conditions: [updates.condition] } }, { patchType: 'strategic' })).metadata.resourceVersion;
    if (updates.taints) {
      await o.api.patch(nodePath, { metadata: { resourceVersion }, spec: { taints: updates.taints } }).catch((e) => {
        if ((e as { code?: number }).code !== 409) throw e;
      });
    }
  };

  // Peers matter only by podCIDR and annotations; other Nodes' status heartbeats change neither.
  let loop: ReturnType<typeof syncLoop> | undefined;
  nodes.on((e) => {
    if (e.type !== 'update' || e.key === o.nodeName || peerChanged(e.old, e.object)) loop?.trigger();
  });
  await nodes.start();
  // Not before the cache is whole: a pass over a partial list would delete live peers' routes.
  await nodes.synced;
  loop = syncLoop(sync, OVERLAY_RESYNC_MS, (e) => o.log(`overlay sync failed: ${(e as Error).message}`));
  return {
    async stop() {
      await loop?.stop();
      await nodes.stop();
    },
  };
}

function peerChanged(before: KubeObject | undefined, after: KubeObject): boolean {
  return JSON.stringify(before && peerFromNode(before)) !== JSON.stringify(peerFromNode(after));
}
