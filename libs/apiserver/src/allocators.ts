import { randomInt } from 'node:crypto';
import { Cause, Errors, intToIp, ipToInt, type KubeObject } from '@keelson/apimachinery';
import { WrongLastSequence, type EventLog } from '@keelson/eventlog';

// ClusterIPs (10.96.0.0/12) and NodePorts (30000–32767), allocated through the log itself:
// each address is an entry on its own subject (`…ipallocations_keelson_io._.10~96~0~10`), taken
// by a conditional append that expects the subject empty or ending in a tombstone. Two
// apiservers racing for one address cannot both win, and a released address is a tombstone.

export const SERVICE_CIDR = { base: ipToInt('10.96.0.0'), size: 1 << 20 }; // 10.96.0.0/12
export const NODE_PORT_RANGE = { first: 30000, last: 32767 };
export const KUBERNETES_SERVICE_IP = '10.96.0.1';
export const DNS_SERVICE_IP = '10.96.0.10';

interface Pool {
  group: string;
  plural: string;
  /** random candidate */
  pick(): string;
  valid(v: string): boolean;
  describe: string;
}

const IP_POOL: Pool = {
  group: 'keelson.io',
  plural: 'ipallocations',
  // .0 is the network, .1 is the kubernetes service, .10 the DNS service: handed out only when asked for by name
  pick: () => intToIp(SERVICE_CIDR.base + randomInt(11, SERVICE_CIDR.size - 1)),
  valid: (ip) => {
    const n = ipToInt(ip);
    return !Number.isNaN(n) && n > SERVICE_CIDR.base && n < SERVICE_CIDR.base + SERVICE_CIDR.size - 1;
  },
  describe: 'the valid IPs are 10.96.0.0/12',
};

const PORT_POOL: Pool = {
  group: 'keelson.io',
  plural: 'nodeportallocations',
  pick: () => String(randomInt(NODE_PORT_RANGE.first, NODE_PORT_RANGE.last + 1)),
  valid: (p) => Number(p) >= NODE_PORT_RANGE.first && Number(p) <= NODE_PORT_RANGE.last,
  describe: `provided port is not in the valid range. The range of valid ports is ${NODE_PORT_RANGE.first}-${NODE_PORT_RANGE.last}`,
};

export class Allocators {
  constructor(private readonly log: EventLog) {}

  /** Fills spec.clusterIP(s) and nodePorts of a new Service, or throws 422 when a requested one is taken. */
  async allocateForService(svc: KubeObject, owner: string, actor: string): Promise<KubeObject> {
    const spec = { ...((svc.spec ?? {}) as ServiceSpec) };
    const taken: [Pool, string][] = [];
    try {
      if (spec.type !== 'ExternalName' && spec.clusterIP !== 'None') {
        const ip = spec.clusterIP ? await this.claim(IP_POOL, spec.clusterIP, owner, actor, 'spec.clusterIP') : await this.claimAny(IP_POOL, owner, actor);
        taken.push([IP_POOL, ip]);
        spec.clusterIP = ip;
        spec.clusterIPs = [ip];
      } else if (spec.clusterIP === 'None') {
        spec.clusterIPs = ['None'];
      }
      if (spec.type === 'NodePort' || spec.type === 'LoadBalancer') {
        const ports = [];
        for (const [i, p] of (spec.ports ?? []).entries()) {
          const port = p.nodePort ? await this.claim(PORT_POOL, String(p.nodePort), owner, actor, `spec.ports[${i}].nodePort`) : await this.claimAny(PORT_POOL, owner, actor);
          taken.push([PORT_POOL, port]);
          ports.push({ ...p, nodePort: Number(port) });
        }
        spec.ports = ports;
      }
    } catch (e) {
      await this.releaseAll(taken, actor);
      throw e;
    }
    return { ...svc, spec };
  }

  /** Returns a deleted Service's addresses to the pools. */
  async releaseForService(svc: KubeObject, actor: string): Promise<void> {
    const spec = (svc.spec ?? {}) as ServiceSpec;
    const taken: [Pool, string][] = [];
    if (spec.clusterIP && spec.clusterIP !== 'None') taken.push([IP_POOL, spec.clusterIP]);
    for (const p of spec.ports ?? []) if (p.nodePort) taken.push([PORT_POOL, String(p.nodePort)]);
    await this.releaseAll(taken, actor);
  }

  private async claimAny(pool: Pool, owner: string, actor: string): Promise<string> {
    for (let i = 0; i < 64; i++) {
      const candidate = pool.pick();
      if (await this.tryClaim(pool, candidate, owner, actor)) return candidate;
    }
    throw Errors.internal(`range is full: no free ${pool.plural === 'ipallocations' ? 'ClusterIP' : 'NodePort'} found`);
  }

  private async claim(pool: Pool, value: string, owner: string, actor: string, field: string): Promise<string> {
    if (!pool.valid(value) && !(pool === IP_POOL && (value === KUBERNETES_SERVICE_IP || value === DNS_SERVICE_IP))) {
      throw Errors.invalid('Service', '', owner.split('/')[1] ?? owner, [Cause.invalid(field, pool === PORT_POOL ? Number(value) : value, pool.describe)]);
    }
    if (!(await this.tryClaim(pool, value, owner, actor))) {
      throw Errors.invalid('Service', '', owner.split('/')[1] ?? owner, [Cause.invalid(field, pool === PORT_POOL ? Number(value) : value, 'provided IP is already allocated'.replace('IP', pool === PORT_POOL ? 'port' : 'IP'))]);
    }
    return value;
  }

  private async tryClaim(pool: Pool, value: string, owner: string, actor: string): Promise<boolean> {
    const key = { group: pool.group, plural: pool.plural, name: value };
    const last = await this.log.last(key);
    if (last && last.type !== 'Deleted') return false;
    try {
      await this.log.append({
        key,
        expectedSeq: last?.seq ?? 0,
        envelope: { type: 'Created', actor, time: new Date().toISOString(), object: { apiVersion: 'keelson.io/v1', kind: pool.plural === 'ipallocations' ? 'IPAllocation' : 'NodePortAllocation', metadata: { name: value }, owner } },
      });
      return true;
    } catch (e) {
      if (e instanceof WrongLastSequence) return false;
      throw e;
    }
  }

  private async releaseAll(taken: [Pool, string][], actor: string): Promise<void> {
    for (const [pool, value] of taken) {
      const key = { group: pool.group, plural: pool.plural, name: value };
      const last = await this.log.last(key);
      if (!last || last.type === 'Deleted') continue;
      await this.log.append({ key, expectedSeq: last.seq, envelope: { type: 'Deleted', actor, time: new Date().toISOString(), object: last.object } }).catch(() => undefined);
    }
  }
}

interface ServiceSpec {
  type?: string;
  clusterIP?: string;
  clusterIPs?: string[];
  ports?: { port: number; nodePort?: number; [k: string]: unknown }[];
}

