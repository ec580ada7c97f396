// What each node publishes on its Node so the others can program it as a peer — flannel's own
// annotation names, so tools that read flannel's (and people who know them) see what they expect:
//   flannel.alpha.coreos.com/backend-type: vxlan
//   flannel.alpha.coreos.com/backend-data: {"VNI":1,"VtepMAC":"0e:5c:…"}
//   flannel.alpha.coreos.com/public-ip:    172.31.0.2
import { createHash } from 'node:crypto';
import type { KubeObject } from '@keelson/apimachinery';
import { normalizeMac, type Peer } from './peers';

export const ANNOTATION_PREFIX = 'flannel.alpha.coreos.com';
export const BACKEND_TYPE_ANNOTATION = `${ANNOTATION_PREFIX}/backend-type`;
export const BACKEND_DATA_ANNOTATION = `${ANNOTATION_PREFIX}/backend-data`;
export const PUBLIC_IP_ANNOTATION = `${ANNOTATION_PREFIX}/public-ip`;
export const KUBE_SUBNET_MANAGER_ANNOTATION = `${ANNOTATION_PREFIX}/kube-subnet-manager`;

export const VNI = 1;
export const VXLAN_PORT = 8472;

export interface OverlayAnnotations {
  readonly vtepMac: string;
  readonly publicIP: string;
  readonly vni?: number;
}

/**
 * A VTEP MAC that stays the same for a node across agent restarts and device re-creation, so
 * the peers' neighbour and FDB entries never go stale: six bytes of sha256(node name), made a
 * locally administered unicast address (first byte: bit 1 set, bit 0 clear).
 * Example: the first byte 0x5d becomes (0x5d | 0x02) & 0xfe = 0x5e.
 */
export function vtepMacFor(nodeName: string): string {
  const bytes = createHash('sha256').update(`keelson-vtep:${nodeName}`).digest().subarray(0, 6);
  bytes[0] = (bytes[0] | 0x02) & 0xfe;
  return [...bytes].map((b) => b.toString(16).padStart(2, '0')).join(':');
}

const MAC = /^[0-9a-f]{2}(:[0-9a-f]{2}){5}$/i;

export function overlayAnnotations(a: OverlayAnnotations): Record<string, string> {
  return {
    [BACKEND_TYPE_ANNOTATION]: 'vxlan',
    [BACKEND_DATA_ANNOTATION]: JSON.stringify({ VNI: a.vni ?? VNI, VtepMAC: normalizeMac(a.vtepMac) }),
    [PUBLIC_IP_ANNOTATION]: a.publicIP,
    [KUBE_SUBNET_MANAGER_ANNOTATION]: 'true',
  };
}

/** The overlay annotations read back, or undefined when absent, not vxlan, or malformed. */
export function parseOverlayAnnotations(annotations: Record<string, string> | undefined): Required<OverlayAnnotations> | undefined {
  if (!annotations || annotations[BACKEND_TYPE_ANNOTATION] !== 'vxlan') return undefined;
  const publicIP = annotations[PUBLIC_IP_ANNOTATION];
  let data: { VNI?: unknown; VtepMAC?: unknown };
  try {
    data = JSON.parse(annotations[BACKEND_DATA_ANNOTATION] ?? '');
  } catch {
    return undefined;
  }
  if (typeof data?.VtepMAC !== 'string' || !MAC.test(data.VtepMAC) || typeof data.VNI !== 'number' || !publicIP) return undefined;
  return { vtepMac: normalizeMac(data.VtepMAC), publicIP, vni: data.VNI };
}

/** Whether a Node's annotations already say this (so the agent patches only on a change). */
export function overlayAnnotationsCurrent(annotations: Record<string, string> | undefined, want: OverlayAnnotations): boolean {
  const expected = overlayAnnotations(want);
  return Object.entries(expected).every(([k, v]) => annotations?.[k] === v);
}

/** A Node as a peer; undefined until it has a podCIDR and its agent has published its VTEP. */
export function peerFromNode(node: KubeObject): Peer | undefined {
  const spec = (node.spec ?? {}) as { podCIDR?: string };
  const parsed = parseOverlayAnnotations(node.metadata.annotations);
  if (!node.metadata.name || !spec.podCIDR || !parsed || parsed.vni !== VNI) return undefined;
  return { name: node.metadata.name, podCIDR: spec.podCIDR, nodeAddress: parsed.publicIP, vtepMac: parsed.vtepMac };
}
