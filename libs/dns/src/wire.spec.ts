import * as packet from 'dns-packet';
import type { Packet } from 'dns-packet';
import { seedCluster, slice, ZONE } from './testing';
import { respond } from './wire';

const decode = (b: Buffer | undefined) => packet.decode(b!) as packet.DecodedPacket & { rcode: string };
const query = (p: Partial<Packet> = {}) => packet.encode({ type: 'query', id: 7, questions: [{ name: 'hostnames.default.svc.cluster.local', type: 'A' }], ...p });

describe('DNS messages on the wire', () => {
  const index = seedCluster();

  it.each<[string, Buffer]>([
    ['an empty datagram', Buffer.alloc(0)],
    ['less than a header', Buffer.from([1, 2, 3])],
    ['a response (answering it could start a loop)', packet.encode({ type: 'response', id: 9, questions: [{ name: 'a.cluster.local', type: 'A' }] })],
  ])('drops %s', (_, bytes) => {
    expect(respond(bytes, index, ZONE, 'udp')).toBeUndefined();
  });

  it.each<[string, Buffer, string]>([
    ['a header claiming a question that is not there', Buffer.from([0, 7, 1, 0, 0, 1, 0, 0, 0, 0, 0, 0]), 'FORMERR'],
    ['a question cut off in the middle of its name', query().subarray(0, 20), 'FORMERR'],
    ['a label pointing at itself', Buffer.concat([Buffer.from([0, 7, 1, 0, 0, 1, 0, 0, 0, 0, 0, 0]), Buffer.from([0xc0, 12, 0, 1, 0, 1])]), 'FORMERR'],
    ['two questions', query({ questions: [{ name: 'a.cluster.local', type: 'A' }, { name: 'b.cluster.local', type: 'A' }] }), 'FORMERR'],
    ['no question', query({ questions: [] }), 'FORMERR'],
    ['a NOTIFY (opcode 4)', (() => { const b = query(); b.writeUInt16BE(4 << 11, 2); return b; })(), 'NOTIMP'],
    ['a CHAOS-class question (version.bind)', query({ questions: [{ name: 'version.bind', type: 'TXT', class: 'CH' }] }), 'REFUSED'],
  ])('answers %s with %s, keeping the id', (_, bytes, rcode) => {
    const reply = decode(respond(bytes, index, ZONE, 'udp'));
    expect(reply).toMatchObject({ id: 7, rcode, flag_qr: true });
  });

  it('never throws, whatever the bytes (10,000 random and mutated messages)', () => {
    let seed = 12345;
    const next = () => (seed = (seed * 1103515245 + 12345) & 0x7fffffff);
    const valid = query();
    let answered = 0;
    for (let i = 0; i < 10_000; i++) {
      const bytes = i % 2 ? Buffer.from(valid) : Buffer.alloc(next() % 80);
      for (let j = 0; j < 1 + (next() % 6); j++) if (bytes.length) bytes[next() % bytes.length] = next() & 0xff;
      if (bytes.length > 2) bytes[2] &= 0x7f; // keep it a query, so that it is answered rather than dropped
      if (respond(bytes, index, ZONE, 'udp')) answered++;
    }
    expect(answered).toBeGreaterThan(8_000); // all but those shorter than a header
  });

  describe('size limits over UDP', () => {
    const big = seedCluster();
    const endpoints = Array.from({ length: 20 }, (_, i) => ({ ip: `10.244.3.${i + 1}` }));
    big.setSlice(slice('default', 'nginx', 'nginx-abc', [{ name: 'web', port: 80 }], endpoints));
    const ask = (edns?: number, transport: 'udp' | 'tcp' = 'udp') =>
      respond(query({ questions: [{ name: 'nginx.default.svc.cluster.local', type: 'A' }], ...(edns ? { additionals: [{ name: '.', type: 'OPT', udpPayloadSize: edns, extendedRcode: 0, ednsVersion: 0, flags: 0, flag_do: false, options: [] } as packet.Answer] } : {}) }), big, ZONE, transport)!;

    it('sends what fits in 512 bytes with TC set, so the client can retry over TCP', () => {
      const bytes = ask();
      const reply = decode(bytes);
      expect(bytes.length).toBeLessThanOrEqual(512);
      expect(reply.flag_tc).toBe(true);
      expect(reply.answers!.length).toBeGreaterThan(0);
      expect(reply.answers!.length).toBeLessThan(20);
    });

    it('sends everything over TCP', () => {
      const reply = decode(ask(undefined, 'tcp'));
      expect(reply.flag_tc).toBe(false);
      expect(reply.answers).toHaveLength(20);
    });

    it('honours an EDNS buffer size, and answers EDNS with EDNS', () => {
      const bytes = ask(4096);
      const reply = decode(bytes);
      expect(reply.flag_tc).toBe(false);
      expect(reply.answers).toHaveLength(20);
      expect(bytes.length).toBeGreaterThan(512);
      expect(reply.additionals).toEqual([expect.objectContaining({ type: 'OPT', udpPayloadSize: 1232 })]);
    });
  });
});
