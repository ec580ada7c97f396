// Runs the real CNI plugins (Debian's containernetworking-plugins) for a pod sandbox, as
// kubelet's network plugin does through libcni: loopback first, then the chained pod network
// (bridge + portmap; portmap only for a pod with hostPorts) in order for ADD, in reverse for DEL,
// each with CNI's environment and its config on stdin. ADD results are cached so DEL and CHECK get their prevResult.
import { execFile, spawn } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { intToIp, ipToInt } from '@keelson/apimachinery';
import {
  CNI_PLUGIN_DIR, LOOPBACK_CONF, cniEnv, ipamDataDir, pluginCommand, pluginsFor, pluginStdin, podIPv4, podNetworkConflist, resultCacheDir,
  type CniCommand, type CniConflist, type CniNetworkOptions, type CniPluginConf, type CniResult, type RuntimeConfig,
} from './cni-config';

export interface CniOptions extends CniNetworkOptions {
  /** The node's network namespace (`keelson-node-N`); plugins run inside it. Omit on a real node. */
  readonly nodeNamespace?: string;
  readonly pluginDir?: string;
}

export interface PodNetwork {
  readonly ip?: string;
  readonly result: CniResult;
}

/** A plugin's failure, with CNI's error code and message (spec: `{ code, msg, details }` on stdout). */
export class CniError extends Error {
  constructor(readonly plugin: string, readonly command: CniCommand, readonly code: number | undefined, msg: string) {
    super(`CNI ${plugin} ${command} failed${code !== undefined ? ` (code ${code})` : ''}: ${msg}`);
    this.name = 'CniError';
  }
}

export class Cni {
  readonly conflist: CniConflist;
  private readonly pluginDir: string;

  constructor(private readonly options: CniOptions) {
    this.conflist = podNetworkConflist(options);
    this.pluginDir = options.pluginDir ?? CNI_PLUGIN_DIR;
  }

  /** Wires the sandbox whose network namespace is `netns` (`/proc/<pause pid>/ns/net`). */
  async add(containerId: string, netns: string, runtime: RuntimeConfig = {}): Promise<PodNetwork> {
    // loopback only brings up `lo` inside the pod's namespace: it is a network of its own, so it
    // runs beside the chain (which only touches eth0 and the node's bridge) rather than before it,
    // and needs no trip into the node's namespace.
    const loopback = this.exec(LOOPBACK_CONF, 'ADD', containerId, netns, { ...LOOPBACK_CONF }, false);
    let prev: unknown;
    try {
      for (const plugin of pluginsFor(this.conflist, runtime)) {
        prev = await this.exec(plugin, 'ADD', containerId, netns, pluginStdin(this.conflist, plugin, runtime, prev));
      }
    } finally {
      await loopback.catch(() => undefined);
    }
    await loopback;
    const result = prev as CniResult;
    mkdirSync(resultCacheDir(this.options.stateDir), { recursive: true });
    writeFileSync(this.cachePath(containerId), JSON.stringify({ result, runtime }));
    return { ip: podIPv4(result), result };
  }

  /**
   * Unwires it and releases its IP. Idempotent: a second DEL, or one after the pause process is
   * gone (CNI_NETNS then empty, so the plugins only release what they hold on the node), succeeds.
   */
  async del(containerId: string, netns?: string): Promise<void> {
    const cached = this.cached(containerId);
    const ns = netns && existsSync(netns) ? netns : '';
    // Without a cached ADD the mappings are unknown: every plugin runs, as libcni would.
    const plugins = cached ? pluginsFor(this.conflist, cached.runtime) : this.conflist.plugins;
    for (const plugin of [...plugins].reverse()) {
      await this.exec(plugin, 'DEL', containerId, ns, pluginStdin(this.conflist, plugin, cached?.runtime ?? {}, cached?.result));
    }
    if (ns) await this.exec(LOOPBACK_CONF, 'DEL', containerId, ns, { ...LOOPBACK_CONF }, false);
    rmSync(this.cachePath(containerId), { force: true });
  }

  /** Asks each plugin whether the sandbox is still wired as ADD left it; rejects with CniError if not. */
  async check(containerId: string, netns: string): Promise<void> {
    const cached = this.cached(containerId);
    if (!cached) throw new CniError(this.conflist.name, 'CHECK', undefined, `no cached ADD result for ${containerId}`);
    for (const plugin of pluginsFor(this.conflist, cached.runtime)) {
      await this.exec(plugin, 'CHECK', containerId, netns, pluginStdin(this.conflist, plugin, cached.runtime, cached.result));
    }
  }

  /**
   * The bridge plugin refuses a bridge that already holds another subnet's gateway ("cni0
   * already has an IP address different from …"), which is what a node finds when its podCIDR
   * changed while its namespace survived (a cluster re-created on the same machine). Kubernetes
   * leaves that to the operator (`ip link del cni0`); the agent does it at start, before any
   * pod is wired, and forgets the old range's IP allocations with it. Returns whether it did.
   */
  async resetStaleBridge(): Promise<boolean> {
    const bridge = this.conflist.plugins[0].bridge as string;
    const ip = (...args: string[]) => runIp(this.options.nodeNamespace, args);
    let addrs: { addr_info?: { family: string; local: string; prefixlen: number }[] }[];
    try {
      addrs = JSON.parse(await ip('-j', 'addr', 'show', 'dev', bridge));
    } catch {
      return false; // no bridge yet: the first ADD makes it
    }
    const want = gatewayOf(this.options.podCIDR);
    const have = (addrs[0]?.addr_info ?? []).filter((a) => a.family === 'inet').map((a) => `${a.local}/${a.prefixlen}`);
    if (have.length === 0 || have.includes(want)) return false;
    await ip('link', 'del', bridge);
    rmSync(join(ipamDataDir(this.options.stateDir), this.conflist.name), { recursive: true, force: true });
    return true;
  }

  /** The pod IP ADD assigned, from the cache (what the agent reads back after a restart). */
  podIP(containerId: string): string | undefined {
    const cached = this.cached(containerId);
    return cached ? podIPv4(cached.result) : undefined;
  }

  private cachePath(containerId: string): string {
    return join(resultCacheDir(this.options.stateDir), `${this.conflist.name}-${containerId}-eth0`);
  }

  private cached(containerId: string): { result: CniResult; runtime: RuntimeConfig } | undefined {
    try {
      return JSON.parse(readFileSync(this.cachePath(containerId), 'utf8'));
    } catch {
      return undefined;
    }
  }

  /** Runs one plugin; `inNodeNamespace` false for plugins that only work inside the pod's namespace. */
  private exec(plugin: CniPluginConf, command: CniCommand, containerId: string, netns: string, stdin: unknown, inNodeNamespace = true): Promise<unknown> {
    const [file, args] = pluginCommand(plugin.type, inNodeNamespace ? this.options.nodeNamespace : undefined, this.pluginDir);
    const env = { ...process.env, ...cniEnv(command, containerId, netns, this.pluginDir) };
    return runPlugin(plugin.type, command, file, args, env, JSON.stringify(stdin));
  }
}

/** The bridge's gateway address on a podCIDR, as host-local picks it: the subnet's first address. */
export function gatewayOf(podCIDR: string): string {
  const [net, len] = podCIDR.split('/');
  return `${intToIp(ipToInt(net) + 1)}/${len}`;
}

function runIp(nodeNamespace: string | undefined, args: string[]): Promise<string> {
  const [file, argv] = nodeNamespace ? ['ip', ['netns', 'exec', nodeNamespace, 'ip', ...args]] : ['ip', args];
  return new Promise((resolve, reject) => {
    execFile(file, argv, (err, stdout) => (err ? reject(err) : resolve(stdout)));
  });
}

function runPlugin(type: string, command: CniCommand, file: string, args: string[], env: NodeJS.ProcessEnv, stdin: string): Promise<unknown> {
  return new Promise((resolve, reject) => {
    const child = spawn(file, args, { env, stdio: ['pipe', 'pipe', 'pipe'] });
    const out: Buffer[] = [];
    const err: Buffer[] = [];
    child.stdout.on('data', (c: Buffer) => out.push(c));
    child.stderr.on('data', (c: Buffer) => err.push(c));
    child.on('error', (e) => reject(new CniError(type, command, undefined, e.message)));
    child.on('close', (code) => {
      const stdout = Buffer.concat(out).toString('utf8').trim();
      if (code === 0) return resolve(stdout ? JSON.parse(stdout) : undefined);
      let parsed: { code?: number; msg?: string; details?: string } = {};
      try {
        parsed = JSON.parse(stdout);
      } catch {
        /* not CNI's error shape: report stderr */
      }
      const msg = [parsed.msg, parsed.details].filter(Boolean).join(': ') || Buffer.concat(err).toString('utf8').trim() || stdout || `exit ${code}`;
      reject(new CniError(type, command, parsed.code, msg));
    });
    child.stdin.end(stdin);
  });
}
