// One DNS message in, one out (or none): decoding and encoding are dns-packet's; this decides.
// It never throws, whatever the bytes: a message too short for a header, or one that is itself
// a response, is dropped (answering it could feed a loop); one whose header reads but whose body
// does not gets FORMERR; an opcode other than QUERY gets NOTIMP; anything but one IN question
// is FORMERR or REFUSED. Over UDP an answer bigger than the client can take (512 bytes, or its
// EDNS buffer size) is cut down to what fits (see `fit`).

import * as packet from 'dns-packet';
import type { Answer, DecodedPacket, Packet } from 'dns-packet';
import type { ClusterIndex } from './cluster-index';
import { lookup, soaRecord, type ZoneOptions } from './records';

export type Transport = 'udp' | 'tcp';

const RCODE = { NOERROR: 0, FORMERR: 1, SERVFAIL: 2, NXDOMAIN: 3, NOTIMP: 4, REFUSED: 5 } as const;
type RcodeName = keyof typeof RCODE;

const HEADER_BYTES = 12;
const QR = 0x8000;
const UDP_DEFAULT_MAX = 512;
/** What we offer in our own OPT record, the size DNS Flag Day 2020 recommends. */
const EDNS_BUFFER = 1232;

/** The reply to `query`, or undefined when none should be sent. */
export function respond(query: Buffer, index: ClusterIndex, zone: ZoneOptions, transport: Transport): Buffer | undefined {
  if (query.length < HEADER_BYTES) return undefined;
  const id = query.readUInt16BE(0);
  const flags = query.readUInt16BE(2);
  if (flags & QR) return undefined;
  let decoded: DecodedPacket;
  try {
    decoded = packet.decode(query);
  } catch {
    return bare(id, flags, 'FORMERR');
  }
  try {
    return encode(reply(decoded, index, zone), transport, decoded);
  } catch {
    return bare(id, flags, 'SERVFAIL');
  }
}

function reply(q: DecodedPacket, index: ClusterIndex, zone: ZoneOptions): Packet {
  const opcode = (q as DecodedPacket & { opcode?: string }).opcode;
  const questions = q.questions ?? [];
  const base = (rcode: RcodeName, aa = false): Packet => ({ type: 'response', id: q.id, flags: headerFlags(q.flags ?? 0, rcode, aa), questions });
  if (opcode !== 'QUERY') return base('NOTIMP');
  if (questions.length !== 1) return base('FORMERR');
  const [question] = questions;
  if (question.class !== undefined && question.class !== 'IN' && question.class !== 'ANY') return base('REFUSED');
  const result = lookup(question.name, question.type, index, zone);
  const negative = result.authoritative && result.answers.length === 0;
  return {
    ...base(result.rcode, result.authoritative),
    answers: result.answers,
    // NXDOMAIN and NODATA carry the zone's SOA, whose minimum tells resolvers how long to cache the absence.
    authorities: negative ? [soaRecord(zone, index.serial)] : [],
    additionals: result.additionals,
  };
}

/** RD is echoed; RA is never set (no recursion); AA for answers from the zone. */
function headerFlags(queryFlags: number, rcode: RcodeName, aa: boolean): number {
  return (queryFlags & packet.RECURSION_DESIRED) | (queryFlags & 0x7800) | (aa ? packet.AUTHORITATIVE_ANSWER : 0) | RCODE[rcode];
}

function encode(response: Packet, transport: Transport, q: DecodedPacket): Buffer {
  const opt = (q.additionals ?? []).find((a): a is Extract<Answer, { type: 'OPT' }> => a.type === 'OPT');
  // A client that sent EDNS gets EDNS back (RFC 6891 7), and says how much UDP it takes.
  const withOpt: Packet = opt ? { ...response, additionals: [...(response.additionals ?? []), { name: '.', type: 'OPT', udpPayloadSize: EDNS_BUFFER, extendedRcode: 0, ednsVersion: 0, flags: 0, flag_do: false, options: [] } as Answer] } : response;
  const max = transport === 'tcp' ? 65535 : Math.max(UDP_DEFAULT_MAX, Math.min(opt?.udpPayloadSize ?? UDP_DEFAULT_MAX, EDNS_BUFFER));
  return fit(withOpt, max);
}

/**
 * dns-packet writes names uncompressed, so a headless Service's answers outgrow 512 bytes soon.
 * Like CoreDNS: first the additional and authority records go (no TC, RFC 2181 9), then answers
 * from the end, with TC set so that a client that can retries over TCP and one that cannot
 * still has what fitted.
 */
function fit(response: Packet, max: number): Buffer {
  const full = packet.encode(response);
  if (full.length <= max) return full;
  const opt = (response.additionals ?? []).filter((a) => a.type === 'OPT');
  const lean: Packet = { ...response, authorities: [], additionals: opt };
  if (packet.encodingLength(lean) <= max) return packet.encode(lean);
  const answers = [...(lean.answers ?? [])];
  const truncated = (n: number): Packet => ({ ...lean, flags: (lean.flags ?? 0) | packet.TRUNCATED_RESPONSE, answers: answers.slice(0, n) });
  let n = answers.length;
  while (n > 0 && packet.encodingLength(truncated(n)) > max) n--;
  return packet.encode(truncated(n));
}

/** A header-only reply, for messages whose question cannot be read back. */
function bare(id: number, queryFlags: number, rcode: RcodeName): Buffer {
  return packet.encode({ type: 'response', id, flags: headerFlags(queryFlags, rcode, false), questions: [] });
}
