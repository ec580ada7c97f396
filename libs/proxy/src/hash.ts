// Kubernetes' chain names: sha256 of a name, base32 (RFC 4648, standard alphabet), cut to a
// length that keeps iptables chain names ≤ 28 characters.
import * as crypto from 'node:crypto';

const ALPHABET = 'ABCDEFGHIJKLMNOPQRSTUVWXYZ234567';

/**
 * sha256 as hex. `crypto.hash` (Node ≥ 20.12) is one call with no Hash object and no Buffer: a
 * full sync of 1,000 services × 10 endpoints names 11,000 chains, and the Hash objects and
 * digest Buffers were a fifth of its generation time.
 */
const sha256Hex: (text: string) => string = typeof crypto.hash === 'function'
  ? (text) => crypto.hash('sha256', text, 'hex')
  : (text) => crypto.createHash('sha256').update(text).digest('hex');

/** The first `chars` (≤ 48) characters of base32(sha256(text)); 5 bits per character. */
export function hashBase32(text: string, chars: number): string {
  const hex = sha256Hex(text);
  let out = '';
  // 10 hex digits = 40 bits = 8 base32 characters, exactly, and 40 bits are exact in a double.
  for (let group = 0; out.length < chars; group++) {
    let bits = parseInt(hex.slice(group * 10, group * 10 + 10), 16);
    let block = '';
    for (let i = 0; i < 8; i++) {
      block = ALPHABET[bits % 32] + block;
      bits = Math.floor(bits / 32);
    }
    out += block;
  }
  return out.length === chars ? out : out.slice(0, chars);
}

/** portProtoHash: `KUBE-SVC-`, `KUBE-EXT-` … + 16 characters of hash(servicePortName + protocol). */
export const portProtoHash = (servicePortName: string, protocol: string): string => hashBase32(servicePortName + protocol, 16);

export const svcChain = (spn: string, protocol: string): string => `KUBE-SVC-${portProtoHash(spn, protocol)}`;
export const extChain = (spn: string, protocol: string): string => `KUBE-EXT-${portProtoHash(spn, protocol)}`;
/** servicePortEndpointChainName: hash(servicePortName + protocol + "ip:port"). */
export const sepChain = (spn: string, protocol: string, endpoint: string): string => `KUBE-SEP-${hashBase32(spn + protocol + endpoint, 16)}`;
