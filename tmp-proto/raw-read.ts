import { execFileSync } from 'node:child_process';
import { chmodSync, mkdtempSync, rmSync } from 'node:fs';
import { connect as tcp } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { AckPolicy, DeliverPolicy } from 'nats';
import { EventLog } from '@keelson/eventlog';
import { freePort, startNats } from '@keelson/local';
import { measureCpu } from '../tools/bench/cpu';

const CRLF = Buffer.from('\r\n');
async function rawRead(url: string, stream: string, consumer: string, total: number): Promise<number> {
  const u = new URL(url);
  const READ = Buffer.allocUnsafe(1 << 20);
  let carry = Buffer.allocUnsafe(1 << 20);
  let carryLen = 0;
  let count = 0;
  let resolveDone!: (n: number) => void;
  const done = new Promise<number>((r) => (resolveDone = r));
  let outstanding = 0;
  let got = 0;
  const pull = () => {
    const body = JSON.stringify({ batch: 4096, expires: 5_000_000_000 });
    sock.write(`PUB $JS.API.CONSUMER.MSG.NEXT.${stream}.${consumer} _INBOX.raw ${body.length}\r\n${body}\r\n`);
    outstanding += 4096;
  };
  const parse = (b: Buffer, len: number): number => {
    let i = 0;
    for (;;) {
      const eol = b.indexOf(CRLF, i);
      if (eol < 0 || eol >= len) break;
      if (b[i] === 0x48 /* H */) {
        const line = b.latin1Slice(i, eol);
        const parts = line.split(' ');
        const totalLen = Number(parts[parts.length - 1]);
        const hdrLen = Number(parts[parts.length - 2]);
        const end = eol + 2 + totalLen;
        if (end + 2 > len) break;
        if (parts.length === 6) {
          const data = b.subarray(eol + 2 + hdrLen, end);
          const seq = Number(parts[3].split('.')[5]);
          count++;
          got += data.length;
          if (seq >= total) resolveDone(count);
          if (--outstanding === 4096) pull();
        }
        i = end + 2;
      } else {
        const line = b.latin1Slice(i, eol);
        if (line === 'PING') sock.write('PONG\r\n');
        else if (line.startsWith('-ERR')) console.error(line);
        i = eol + 2;
      }
    }
    return i;
  };
  const sock = tcp({
    port: Number(u.port),
    host: u.hostname,
    onread: {
      buffer: READ,
      callback: (n: number, buf: Uint8Array) => {
        let b: Buffer;
        let len: number;
        if (carryLen) {
          if (carryLen + n > carry.length) { const c = Buffer.allocUnsafe((carryLen + n) * 2); carry.copy(c, 0, 0, carryLen); carry = c; }
          READ.copy(carry, carryLen, 0, n);
          b = carry; len = carryLen + n;
        } else { b = READ; len = n; }
        const used = parse(b, len);
        const rest = len - used;
        if (rest > 0) {
          if (b === carry) carry.copyWithin(0, used, len);
          else { if (rest > carry.length) carry = Buffer.allocUnsafe(rest * 2); READ.copy(carry, 0, used, len); }
        }
        carryLen = rest;
        return true;
      },
    },
  } as any);
  await new Promise<void>((r) => sock.once('connect', () => r()));
  sock.write(`CONNECT {"verbose":false,"pedantic":false,"headers":true,"no_responders":true,"protocol":1}\r\nSUB _INBOX.raw 1\r\nPING\r\n`);
  pull();
  pull();
  const n = await done;
  sock.destroy();
  return n;
}

async function main() {
  const root = mkdtempSync(join(tmpdir(), 'raw-'));
  chmodSync(root, 0o711);
  execFileSync('cp', ['-a', `/tmp/replaylog/nats`, root]);
  const nats = await startNats({ dataDir: join(root, 'nats'), port: await freePort() });
  const log = await EventLog.connect({ servers: nats.url, name: 'raw' });
  try {
    const { last } = await log.bounds();
    for (let k = 0; k < 3; k++) {
      const info = await (log as any).jsm.consumers.add('KEELSON', { filter_subject: 'keelson.obj.>', deliver_policy: DeliverPolicy.StartSequence, opt_start_seq: 1, ack_policy: AckPolicy.None, mem_storage: true, num_replicas: 1, inactive_threshold: 30e9 });
      const { result, seconds, cpu } = await measureCpu({ nats: nats.pid, postgres: process.pid }, () => rawRead(nats.url, 'KEELSON', info.name, last));
      console.log(`raw read ${k}: ${result} in ${seconds.toFixed(3)} s; reader ${((cpu.self * 1e6) / result).toFixed(1)} µs, nats ${((cpu.nats * 1e6) / result).toFixed(1)} µs`);
      await (log as any).jsm.consumers.delete('KEELSON', info.name);
    }
  } finally {
    await log.close();
    await nats.stop();
    rmSync(root, { recursive: true, force: true });
  }
}
main().catch((e) => { console.error(e); process.exitCode = 1; });
