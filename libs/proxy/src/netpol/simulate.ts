// A tiny interpreter for the filter rules networkPolicyRules writes, to check them against the
// evaluator without a kernel: it follows jumps, RETURN, MARK and the matches those rules use
// (-s/-d address or CIDR, -p, --dport N or N:M, mark, conntrack state), for a connection's
// first packet (conntrack state NEW). Test support only.
import { inCIDR } from './select';

export interface Packet { readonly src: string; readonly dst: string; readonly protocol: string; readonly port: number }

const addrMatches = (ip: string, spec: string) => (spec.includes('/') ? inCIDR(ip, spec) : ip === spec);

export function simulate(filter: ReadonlyMap<string, readonly string[]>, start: string, packet: Packet): 'ACCEPT' | 'DROP' | 'CONTINUE' {
  let mark = 0;
  const walk = (chain: string, depth: number): 'ACCEPT' | 'DROP' | 'RETURN' => {
    if (depth > 10) throw new Error('jump loop');
    for (const line of filter.get(chain) ?? []) {
      const args = line.match(/"[^"]*"|\S+/g)!.slice(2);
      let ok = true;
      let target = '';
      let setX: [number, number] | undefined;
      for (let i = 0; i < args.length && ok; i++) {
        const a = args[i];
        if (a === '-s') ok = addrMatches(packet.src, args[++i]);
        else if (a === '-d') ok = addrMatches(packet.dst, args[++i]);
        else if (a === '-p') ok = args[++i] === packet.protocol.toLowerCase();
        else if (a === '--dport') {
          const [from, to] = args[++i].split(':').map(Number);
          ok = packet.port >= from && packet.port <= (to ?? from);
        } else if (a === '--ctstate') ok = args[++i].split(',').includes('NEW');
        else if (a === '!' && args[i + 1] === '--mark') {
          const [v, m] = args[i + 2].split('/').map(Number);
          ok = (mark & m) !== v;
          i += 2;
        } else if (a === '--mark') {
          const [v, m] = args[++i].split('/').map(Number);
          ok = (mark & m) === v;
        } else if (a === '--comment') i++;
        else if (a === '-j') target = args[++i];
        else if (a === '--set-xmark') {
          const [v, m] = args[++i].split('/').map(Number);
          setX = [v, m];
        }
      }
      if (!ok) continue;
      if (target === 'ACCEPT' || target === 'DROP' || target === 'RETURN') return target;
      if (target === 'MARK' && setX) mark = (mark & ~setX[1]) ^ setX[0];
      else if (target) {
        const verdict = walk(target, depth + 1);
        if (verdict !== 'RETURN') return verdict;
      }
    }
    return 'RETURN';
  };
  const v = walk(start, 0);
  return v === 'RETURN' ? 'CONTINUE' : v;
}
