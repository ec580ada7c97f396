// metrics.k8s.io/v1beta1, served by the apiserver itself from memory, doing metrics-server's
// job: every `resolution` it scrapes each node agent's /metrics/resource (found as the logs
// proxy finds an agent), keeps that node's last two scrapes, and answers NodeMetrics and
// PodMetrics from them. Nothing goes to the log: usage is not an API object, has no history
// worth keeping, and a restarted apiserver has figures again after two scrapes.
import { request } from 'node:http';
import { Errors, type KubeObject } from '@keelson/apimachinery';
import { findByPlural } from '@keelson/resources';
import { list } from '../handlers/read';
import { kubeletAddress, type NodeShape } from '../http/proxy';
import type { ResourceRequest } from '../request-info';
import type { ObjectStore } from '../store';
import { parsePrometheusText } from './prometheus-text';
import { decodeResourceMetrics, goSeconds, podUsage, usageBetween, usageQuantities, type NodeScrape, type PodUsage, type Usage } from './usage';

/** metrics-server scrapes every 15 s by default; a small cluster on one machine can afford 5 s. */
export const DEFAULT_METRIC_RESOLUTION_MS = 5_000;
const SCRAPE_TIMEOUT_MS = 4_000;
const API_VERSION = 'metrics.k8s.io/v1beta1';

const NODES = findByPlural('', 'v1', 'nodes')!;
const PODS = findByPlural('', 'v1', 'pods')!;

interface Scraped {
  readonly at: number;
  readonly scrape: NodeScrape;
}

export class MetricsServer {
  private readonly nodes = new Map<string, { prev?: Scraped; cur: Scraped }>();
  private timer?: NodeJS.Timeout;
  private scraping?: Promise<void>;

  constructor(private readonly store: ObjectStore) {}

  start(resolutionMs = DEFAULT_METRIC_RESOLUTION_MS): void {
    if (this.timer) return;
    this.timer = setInterval(() => void this.scrapeAll(), resolutionMs);
    void this.scrapeAll();
  }

  async stop(): Promise<void> {
    clearInterval(this.timer);
    this.timer = undefined;
    await this.scraping;
  }

  /** One round over every node; a round still running is not doubled. */
  scrapeAll(): Promise<void> {
    this.scraping ??= this.scrapeRound().finally(() => (this.scraping = undefined));
    return this.scraping;
  }

  private async scrapeRound(): Promise<void> {
    const nodes = (await this.store.list(NODES, {}, false).catch(() => ({ items: [] as KubeObject[] }))).items;
    const names = new Set(nodes.map((n) => n.metadata.name!));
    for (const name of this.nodes.keys()) if (!names.has(name)) this.nodes.delete(name);
    await Promise.all(
      nodes.map(async (node) => {
        const { host, port } = kubeletAddress(node as NodeShape);
        if (!host || !port) return;
        const text = await fetchText(host, port, '/metrics/resource').catch(() => undefined);
        if (text === undefined) return; // an unreachable node keeps its last figures until it is deleted
        const at = Date.now();
        const name = node.metadata.name!;
        this.nodes.set(name, { prev: this.nodes.get(name)?.cur, cur: { at, scrape: decodeResourceMetrics(parsePrometheusText(text), at) } });
      }),
    );
  }

  nodeUsage(name: string): Usage | undefined {
    const s = this.nodes.get(name);
    return s?.cur.scrape.node && usageBetween(s.prev?.scrape.node, s.cur.scrape.node);
  }

  podUsage(nodeName: string | undefined, namespace: string, name: string): PodUsage | undefined {
    const key = `${namespace}/${name}`;
    for (const [node, s] of this.nodes) {
      if (nodeName && node !== nodeName) continue;
      const cur = s.cur.scrape.pods.get(key);
      if (cur) return podUsage(s.prev?.scrape.pods.get(key), cur, s.prev?.at);
    }
    return undefined;
  }

  /** GET and LIST of nodes and pods in metrics.k8s.io; label and field selectors select the nodes and pods. */
  async handle(req: ResourceRequest, query: URLSearchParams): Promise<KubeObject> {
    if (req.verb !== 'get' && req.verb !== 'list') throw Errors.methodNotAllowed('the server does not allow this method on the requested resource');
    const isPods = req.resource.kind === 'PodMetrics';
    const selection = new URLSearchParams({ resourceVersion: '0' });
    for (const k of ['labelSelector', 'fieldSelector']) if (query.get(k)) selection.set(k, query.get(k)!);
    if (req.name) selection.set('fieldSelector', [selection.get('fieldSelector'), `metadata.name=${req.name}`].filter(Boolean).join(','));
    const core: ResourceRequest = { verb: 'list', group: '', version: 'v1', resource: isPods ? PODS : NODES, namespace: req.namespace };
    const objects = (await list(this.store, core, selection)).items;
    const items = objects.map((o) => (isPods ? this.podMetrics(o) : this.nodeMetrics(o))).filter((x): x is KubeObject => !!x);
    if (req.name) {
      if (!items[0]) throw Errors.notFound(isPods ? 'podmetrics' : 'nodemetrics', 'metrics.k8s.io', req.name);
      return items[0];
    }
    return { apiVersion: API_VERSION, kind: `${req.resource.kind}List`, metadata: {}, items } as KubeObject;
  }

  private nodeMetrics(node: KubeObject): KubeObject | undefined {
    const u = this.nodeUsage(node.metadata.name!);
    if (!u) return undefined;
    return { apiVersion: API_VERSION, kind: 'NodeMetrics', metadata: meta(node), timestamp: rfc3339(u.timestamp), window: goSeconds(u.window), usage: usageQuantities(u.cpu, u.memory) } as KubeObject;
  }

  private podMetrics(pod: KubeObject): KubeObject | undefined {
    const nodeName = (pod as { spec?: { nodeName?: string } }).spec?.nodeName;
    if (!nodeName) return undefined;
    const u = this.podUsage(nodeName, pod.metadata.namespace!, pod.metadata.name!);
    if (!u) return undefined;
    const containers = u.containers.map((c) => ({ name: c.name, usage: usageQuantities(c.cpu, c.memory) }));
    return { apiVersion: API_VERSION, kind: 'PodMetrics', metadata: meta(pod), timestamp: rfc3339(u.timestamp), window: goSeconds(u.window), containers } as KubeObject;
  }
}

/** metrics-server copies the object's name, namespace and labels, and stamps creation with now. */
function meta(o: KubeObject): KubeObject['metadata'] {
  const { name, namespace, labels } = o.metadata;
  return { name, ...(namespace ? { namespace } : {}), ...(labels ? { labels } : {}), creationTimestamp: rfc3339(Date.now()) };
}

const rfc3339 = (ms: number) => new Date(ms).toISOString().replace(/\.\d{3}Z$/, 'Z');

function fetchText(host: string, port: number, path: string): Promise<string> {
  return new Promise((resolve, reject) => {
    const req = request({ host, port, path, method: 'GET', agent: false, timeout: SCRAPE_TIMEOUT_MS }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (c: Buffer) => chunks.push(c));
      res.on('end', () => (res.statusCode === 200 ? resolve(Buffer.concat(chunks).toString()) : reject(new Error(`${host}:${port}${path}: ${res.statusCode}`))));
      res.on('error', reject);
    });
    req.on('timeout', () => req.destroy(new Error(`${host}:${port}${path}: timed out`)));
    req.on('error', reject);
    req.end();
  });
}
