import { createServer, type Server } from 'node:net';
import { DnsServer } from './dns-server';

describe('DnsServer.listen on port 0', () => {
  it('tries another port when the one UDP got is held by a TCP socket', async () => {
    // hold a TCP port, then make the first UDP bind land on that very number
    const holder: Server = createServer();
    await new Promise<void>((r) => holder.listen(0, '127.0.0.1', () => r()));
    const held = (holder.address() as { port: number }).port;
    const dns = new DnsServer({} as never, {} as never, () => undefined);
    const internals = dns as unknown as { bindUdp(a: { host: string; port: number }): Promise<unknown> };
    const bindUdp = internals.bindUdp.bind(dns);
    let calls = 0;
    internals.bindUdp = (a) => bindUdp(++calls === 1 ? { ...a, port: held } : a);
    try {
      const [bound] = await dns.listen([{ host: '127.0.0.1', port: 0 }]);
      expect(calls).toBe(2);
      expect(bound.port).not.toBe(held);
      expect(bound.port).toBeGreaterThan(0);
    } finally {
      await dns.close();
      holder.close();
    }
  });

  it('does not move off a port it was given', async () => {
    const holder: Server = createServer();
    await new Promise<void>((r) => holder.listen(0, '127.0.0.1', () => r()));
    const held = (holder.address() as { port: number }).port;
    const dns = new DnsServer({} as never, {} as never, () => undefined);
    try {
      await expect(dns.listen([{ host: '127.0.0.1', port: held }])).rejects.toThrow(/EADDRINUSE/);
    } finally {
      await dns.close();
      holder.close();
    }
  });
});
