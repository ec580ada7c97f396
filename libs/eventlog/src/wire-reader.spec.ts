import { once } from 'node:events';
import { createServer, type AddressInfo, type Server, type Socket } from 'node:net';
import { parseWire, WireSubscription, type WireHandlers, type WireMessage } from './wire-reader';

/** What parseWire reported, the messages' bytes copied (they are views into the buffer). */
function collect(): { h: WireHandlers; seen: (Omit<WireMessage, 'data'> & { data: string })[]; other: string[] } {
  const seen: (Omit<WireMessage, 'data'> & { data: string })[] = [];
  const other: string[] = [];
  const h: WireHandlers = {
    message: (m) => seen.push({ ...m, data: Buffer.from(m.data).toString() }),
    ping: () => other.push('PING'),
    pong: () => other.push('PONG'),
    error: (t) => other.push(`ERR ${t}`),
  };
  return { h, seen, other };
}

const JS_REPLY = '$JS.ACK.KEELSON.c1.1.7.7.1732600000000000000.0';

describe('parseWire', () => {
  it('reads MSG and HMSG, with and without a reply subject, and skips the header block', () => {
    const hdr = 'NATS/1.0\r\nNats-Msg-Id: x\r\n\r\n';
    const wire = Buffer.from(
      `INFO {"server_id":"s"}\r\n+OK\r\nMSG a.b 1 5\r\nhello\r\nHMSG keelson.obj.pods.d.web-0 1 ${JS_REPLY} ${hdr.length} ${hdr.length + 2}\r\n${hdr}{}\r\nMSG c 1 r 0\r\n\r\n`,
    );
    const { h, seen, other } = collect();
    expect(parseWire(wire, 0, wire.length, h)).toBe(wire.length);
    expect(seen).toEqual([
      { subject: 'a.b', reply: undefined, status: 0, data: 'hello' },
      { subject: 'keelson.obj.pods.d.web-0', reply: JS_REPLY, status: 0, data: '{}' },
      { subject: 'c', reply: 'r', status: 0, data: '' },
    ]);
    expect(other).toEqual([]);
  });

  it('reads the code of a status message (a pull that found nothing)', () => {
    const hdr = 'NATS/1.0 404 No Messages\r\n\r\n';
    const wire = Buffer.from(`HMSG _INBOX.x 1 ${hdr.length} ${hdr.length}\r\n${hdr}\r\n`);
    const { h, seen } = collect();
    parseWire(wire, 0, wire.length, h);
    expect(seen).toEqual([{ subject: '_INBOX.x', reply: undefined, status: 404, data: '' }]);
  });

  it('stops before a message cut by the end of a read, at every possible cut', () => {
    const wire = Buffer.from(`MSG a 1 r 3\r\nabc\r\nPING\r\nMSG b 1 6\r\ndefghi\r\n`);
    for (let cut = 0; cut <= wire.length; cut++) {
      const { h, seen, other } = collect();
      const used = parseWire(wire, 0, cut, h);
      expect(used).toBeLessThanOrEqual(cut);
      const rest = collect();
      // what was left, once the rest has come, yields what a whole read would have
      expect(parseWire(wire, used, wire.length, rest.h)).toBe(wire.length);
      expect([...seen, ...rest.seen].map((m) => m.data)).toEqual(['abc', 'defghi']);
      expect([...other, ...rest.other]).toEqual(['PING']);
    }
  });

  it('does not read past the end it is given (bytes of an earlier read left in the buffer)', () => {
    const wire = Buffer.from(`MSG a 1 3\r\nabc\r\nMSG b 1 3\r\nxyz\r\n`);
    const stale = Buffer.concat([wire.subarray(0, 20), Buffer.from('\r\nMSG z 1 0\r\n\r\n')]);
    const { h, seen } = collect();
    expect(parseWire(stale, 0, 20, h)).toBe(16);
    expect(seen.map((m) => m.subject)).toEqual(['a']);
  });

  it('decodes a subject holding UTF-8, and reports -ERR, PING and PONG', () => {
    const wire = Buffer.from(`MSG grüße 1 0\r\n\r\nPING\r\nPONG\r\n-ERR 'Authorization Violation'\r\n`);
    const { h, seen, other } = collect();
    parseWire(wire, 0, wire.length, h);
    expect(seen.map((m) => m.subject)).toEqual(['grüße']);
    expect(other).toEqual(['PING', 'PONG', 'ERR Authorization Violation']);
  });

  it('reports a delivery line it cannot read instead of taking garbage for a message', () => {
    const wire = Buffer.from(`MSG a 1 many\r\nabc\r\n`);
    const { h, seen, other } = collect();
    parseWire(wire, 0, wire.length, h);
    expect(seen).toEqual([]);
    expect(other).toEqual(['ERR unreadable protocol line: MSG a 1 many']);
  });
});

describe('WireSubscription against a scripted server on loopback', () => {
  let server: Server;
  let script: (s: Socket, received: () => string) => void;
  beforeAll(async () => {
    server = createServer((s) => {
      let got = '';
      s.on('data', (d) => (got += d.toString()));
      s.write('INFO {"server_id":"test","headers":true}\r\n');
      script(s, () => got);
    });
    server.listen(0, '127.0.0.1');
    await once(server, 'listening');
  });
  afterAll(() => server.close());
  const hostport = () => `127.0.0.1:${(server.address() as AddressInfo).port}`;

  it('subscribes, publishes, answers PING, and hands over a large message sent in small pieces', async () => {
    const big = 'x'.repeat(3 * 1024 * 1024); // three times the read buffer
    let sent!: () => string;
    script = (s, received) => {
      sent = received;
      const waitFor = (text: string, then: () => void) => {
        const poll = setInterval(() => {
          if (received().includes(text)) {
            clearInterval(poll);
            then();
          }
        }, 5);
      };
      waitFor('PING\r\n', () => {
        s.write('PONG\r\nPING\r\n');
        waitFor('PUB', () => {
          const wire = Buffer.from(`MSG _INBOX.t 1 ${JS_REPLY} ${big.length}\r\n${big}\r\nMSG _INBOX.t 1 2\r\nok\r\n`);
          for (let i = 0; i < wire.length; i += 7919) s.write(wire.subarray(i, i + 7919));
        });
      });
    };
    const got: string[] = [];
    const done = new Promise<void>((resolve) => {
      const onMessage = (m: WireMessage) => {
        got.push(m.data.length > 100 ? `${m.data.length} bytes, all x: ${Buffer.from(m.data).every((c) => c === 0x78)}` : Buffer.from(m.data).toString());
        if (got.length === 2) resolve();
      };
      void WireSubscription.open(hostport(), 'test', '_INBOX.t', onMessage, () => undefined).then((w) => {
        w.publish('$JS.API.CONSUMER.MSG.NEXT.S.C', '_INBOX.t', '{"batch":2}');
        void done.then(() => w.close());
      });
    });
    await done;
    expect(got).toEqual([`${big.length} bytes, all x: true`, 'ok']);
    expect(sent()).toMatch(/^CONNECT \{.*"headers":true.*\}\r\nSUB _INBOX\.t 1\r\nPING\r\nPONG\r\nPUB \$JS\.API\.CONSUMER\.MSG\.NEXT\.S\.C _INBOX\.t 11\r\n\{"batch":2\}\r\n$/);
  });

  it('hands over every one of many messages, whatever size the pieces they arrive in', async () => {
    // sizes around the 4 KB a cut message is first given; pieces from 1 byte up, each its own
    // write a moment after the last, so that reads end inside control lines, headers and bodies
    const bodies = Array.from({ length: 300 }, (_, i) => `${i}:${String.fromCharCode(97 + (i % 26)).repeat([0, 10, 3000, 4090, 4200, 9000][i % 6])}`);
    const wire = Buffer.from(
      bodies
        .map((b, i) => (i % 3 === 0 ? `HMSG _INBOX.m 1 ${JS_REPLY} 12 ${12 + Buffer.byteLength(b)}\r\nNATS/1.0\r\n\r\n${b}\r\n` : `MSG _INBOX.m 1 ${JS_REPLY} ${Buffer.byteLength(b)}\r\n${b}\r\n`))
        .join(''),
    );
    const pieces = [1, 7, 33, 100, 1500, 4097, 20_000];
    script = (s, received) => {
      const poll = setInterval(() => {
        if (!received().includes('PUB')) return;
        clearInterval(poll);
        const send = (i: number, k: number): void => {
          if (i >= wire.length) return;
          const n = pieces[k % pieces.length];
          s.write(wire.subarray(i, i + n));
          setTimeout(() => send(i + n, k + 1), 0);
        };
        send(0, 0);
      }, 5);
      s.write('PONG\r\n');
    };
    const got: string[] = [];
    let wireSub: WireSubscription | undefined;
    await new Promise<void>((resolve, reject) => {
      const onMessage = (m: WireMessage) => {
        got.push(Buffer.from(m.data).toString());
        if (got.length === bodies.length) resolve();
      };
      WireSubscription.open(hostport(), 'test', '_INBOX.m', onMessage, (e) => e && reject(e)).then((w) => {
        wireSub = w;
        w.publish('$JS.API.CONSUMER.MSG.NEXT.S.C', '_INBOX.m', '{}');
      }, reject);
    });
    wireSub!.close();
    expect(got.length).toBe(bodies.length);
    expect(got.every((g, i) => g === bodies[i])).toBe(true);
  });

  it('fails with the server words when it refuses the connection', async () => {
    script = (s) => s.write("-ERR 'Authorization Violation'\r\n");
    await expect(WireSubscription.open(hostport(), 'test', '_INBOX.t', () => undefined, () => undefined)).rejects.toThrow(/Authorization Violation/);
  });

  it('tells the subscriber when the server goes away mid-read', async () => {
    script = (s) => {
      s.once('data', () => {
        s.write('PONG\r\nMSG _INBOX.t 1 10\r\nhalf');
        setTimeout(() => s.destroy(), 20);
      });
    };
    const closed = new Promise<Error | undefined>((resolve) => void WireSubscription.open(hostport(), 'test', '_INBOX.t', () => undefined, resolve));
    expect(String(await closed)).toMatch(/closed the connection/);
  });
});
