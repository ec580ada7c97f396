// Kubernetes' chain names: sha256 of a name, base32 (RFC 4648, standard alphabet), cut to a
// length that keeps iptables chain names ≤ 28 characters.
import { createHash } from 'node:crypto';

const ALPHABET = 'ABCDEFGHIJKLMNOPQRSTUVWXYZ234567';

/** The first `chars` characters of base32(sha256(text)); 5 bits per character. */
export function hashBase32(text: string, chars: number): string {
  const digest = createHash('sha256').update(text).digest();
  let out = '';
  let buffer = 0;
  let bits = 0;
  for (const byte of digest) {
    buffer = ((buffer << 8) | byte) & 0xffff;
    bits += 8;
    while (bits >= 5 && out.length < chars) {
      out += ALPHABET[(buffer >> (bits - 5)) & 31];
      bits -= 5;
    }
    if (out.length >= chars) break;
  }
  return out;
}

/** portProtoHash: `KUBE-SVC-`, `KUBE-EXT-` … + 16 characters of hash(servicePortName + protocol). */
export const portProtoHash = (servicePortName: string, protocol: string): string => hashBase32(servicePortName + protocol, 16);

export const svcChain = (spn: string, protocol: string): string => `KUBE-SVC-${portProtoHash(spn, protocol)}`;
export const extChain = (spn: string, protocol: string): string => `KUBE-EXT-${portProtoHash(spn, protocol)}`;
/** servicePortEndpointChainName: hash(servicePortName + protocol + "ip:port"). */
export const sepChain = (spn: string, protocol: string, endpoint: string): string => `KUBE-SEP-${hashBase32(spn + protocol + endpoint, 16)}`;
