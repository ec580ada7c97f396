// A few Keelson nodes on this machine with the overlay between them, for the e2e spec and
// tools/bench/overlay.ts (not part of the library's public face). Each node is a namespace
// `keelson-node-N` (libs/runtime), with flannel.1, flannel's masquerade rules and one "pod": a
// plain network namespace `keelson-ovl-pod-N` wired into cni0 by the real CNI bridge plugin run
// inside the node namespace — exactly the agent's path, minus Docker. Needs root.
import { execFile, spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { Cni, ensureNodeNamespace, removeNodeNamespace, removeUnderlay, type NodeNamespace } from '@keelson/runtime';
import { vtepMacFor } from '../annotations';
import { reconcilePodCIDRs } from '../reconcile-pod-cidrs';
import { ensureMasquerade, removeMasquerade } from '../masquerade';
import type { Peer } from '../peers';
import { DEFAULT_VTEP_MTU, ensureVtep, reconcilePeers, removeVtep } from '../vxlan';

const run = promisify(execFile);

export interface LabPod {
  /** The pod's network namespace name (for `ip netns exec`). */
  readonly ns: string;
  readonly ip: string;
}

export interface LabNode {
  readonly n: number;
  readonly name: string;
  readonly namespace: NodeNamespace;
  readonly podCIDR: string;
  readonly vtepMac: string;
  readonly pod: LabPod;
}

export interface OverlayLab {
  readonly nodes: readonly LabNode[];
  /** Every node as a peer, as the agents would read them from the Nodes' annotations. */
  peers(): Peer[];
  /** Programs every node's peers (all the others). */
  syncPeers(): Promise<void>;
  /** Runs a command in a namespace; resolves stdout. */
  exec(ns: string, argv: readonly string[], timeoutMs?: number): Promise<string>;
  /** Starts a long-running command in a namespace; it is killed by stop(). */
  spawn(ns: string, argv: readonly string[]): ChildProcess;
  stop(): Promise<void>;
}

export const labPodNamespace = (n: number) => `keelson-ovl-pod-${n}`;
const CONTAINER_ID = (n: number) => `keelson-ovl-pod-${n}`;

export async function startOverlayLab(nodeNumbers: readonly number[]): Promise<OverlayLab> {
  const stateDir = mkdtempSync(join(tmpdir(), 'keelson-overlay-lab-'));
  const nodes: LabNode[] = [];
  const cnis = new Map<number, Cni>();
  const children: ChildProcess[] = [];
  /** The node numbers whose namespaces this lab created: the only ones stop() removes. */
  const owned: number[] = [];

  const exec = async (ns: string, argv: readonly string[], timeoutMs = 30_000) => (await run('ip', ['netns', 'exec', ns, ...argv], { timeout: timeoutMs })).stdout;
  const names = nodeNumbers.map((n) => `keelson-node-${n}`);
  const cidrs = new Map(reconcilePodCIDRs(names.map((name) => ({ name }))).map((a) => [a.patchNode, a.podCIDR]));

  const lab: OverlayLab = {
    nodes,
    peers: () => nodes.map((node) => ({ name: node.name, podCIDR: node.podCIDR, nodeAddress: node.namespace.address, vtepMac: node.vtepMac })),
    async syncPeers() {
      for (const node of nodes) await reconcilePeers(node.namespace.name, { name: node.name, podCIDR: node.podCIDR }, lab.peers());
    },
    exec,
    spawn(ns, argv) {
      const child = spawn('ip', ['netns', 'exec', ns, ...argv], { stdio: 'ignore' });
      children.push(child);
      return child;
    },
    async stop() {
      for (const child of children) if (child.exitCode === null && child.pid) child.kill('SIGKILL');
      for (const n of owned) {
        const nodeNs = `keelson-node-${n}`;
        await cnis.get(n)?.del(CONTAINER_ID(n), `/run/netns/${labPodNamespace(n)}`).catch(() => undefined);
        await run('ip', ['netns', 'del', labPodNamespace(n)]).catch(() => undefined);
        await removeMasquerade(nodeNs).catch(() => undefined);
        await removeVtep(nodeNs).catch(() => undefined);
        await removeNodeNamespace(n).catch(() => undefined);
      }
      await removeUnderlay().catch(() => undefined);
      rmSync(stateDir, { recursive: true, force: true });
    },
  };

  // Node namespaces are shared by name across suites and benches: one that exists is someone
  // else's (or a leftover to look at), and must be neither adopted nor deleted by stop().
  const present = (await run('ip', ['netns', 'list'])).stdout.split('\n').map((l) => l.split(' ')[0]);
  const taken = nodeNumbers.flatMap((n) => [`keelson-node-${n}`, labPodNamespace(n)]).filter((ns) => present.includes(ns));
  if (taken.length) throw new Error(`network namespaces already in use: ${taken.join(', ')}; pick other node numbers`);
  try {
    for (const n of nodeNumbers) {
      const name = `keelson-node-${n}`;
      owned.push(n);
      const namespace = await ensureNodeNamespace(n);
      const podCIDR = cidrs.get(name)!;
      const vtep = await ensureVtep(namespace.name, { localAddress: namespace.address, podCIDR, nodeName: name, underlayDevice: namespace.interface });
      await ensureMasquerade(namespace.name);
      // flannel's rules masquerade; the bridge plugin's own ipMasq would also hide pod-to-pod sources.
      const cni = new Cni({ podCIDR, stateDir: join(stateDir, name), nodeNamespace: namespace.name, ipMasq: false, mtu: DEFAULT_VTEP_MTU });
      cnis.set(n, cni);
      const podNs = labPodNamespace(n);
      await run('ip', ['netns', 'add', podNs]);
      const { ip } = await cni.add(CONTAINER_ID(n), `/run/netns/${podNs}`);
      nodes.push({ n, name, namespace, podCIDR, vtepMac: vtep.mac, pod: { ns: podNs, ip: ip! } });
    }
    await lab.syncPeers();
    return lab;
  } catch (e) {
    await lab.stop();
    throw e;
  }
}
