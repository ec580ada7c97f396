import { parseAckSubject } from './range-reader';

describe('parseAckSubject', () => {
  it('reads stream sequence, delivery sequence and pending count from a nats-server 2.9 reply subject', () => {
    expect(parseAckSubject('$JS.ACK.KEELSON.abc123.1.4711.42.1732600000000000000.17')).toEqual({ streamSeq: 4711, deliverySeq: 42, pending: 17 });
  });

  it('reads the 2.10 form with domain, account hash and a trailing token', () => {
    expect(parseAckSubject('$JS.ACK.hub.ACCHASH.KEELSON.abc123.1.4711.42.1732600000000000000.0.xyz')).toEqual({ streamSeq: 4711, deliverySeq: 42, pending: 0 });
  });

  it('refuses anything else', () => {
    expect(parseAckSubject('_INBOX.abc')).toBeNull();
    expect(parseAckSubject('$JS.ACK.KEELSON.c.1.2')).toBeNull();
  });
});
