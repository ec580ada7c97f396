// One sync: the informers' current objects → the load balancer → nginx.conf text; if the text
// differs from what nginx runs, certificates are written, the text is tested and, only if nginx
// accepts it, applied. A refused text is reported once and never applied; nginx keeps serving
// the last good configuration, as ingress-nginx does. Then the served Ingresses' status.
import {
  buildLoadBalancer,
  ingressAtLine,
  keyOf,
  parseNginxErrors,
  referencedSecrets,
  renderNginxConf,
  statusUpdates,
  type Certificate,
  type ClusterState,
  type Ingress,
  type LoadBalancer,
  type RenderOptions,
} from '@keelson/ingress';
import { removeCertificatesExcept, writeCertificates } from './certificate-files';
import type { NginxProcess } from './nginx-process';
import type { IngressReporter } from './reporter';
import type { SecretReader } from './secret-reader';

/** What the informers hold; the TLS Secrets are read through the API (the log keeps them sealed). */
export type ClusterSnapshot = Omit<ClusterState, 'secrets'>;

export interface IngressSyncOptions {
  readonly controller: string;
  readonly allowSnippets: boolean;
  readonly render: RenderOptions;
  /** status.loadBalancer.ingress[].ip; no status is written without it */
  readonly publishAddress?: string;
  readonly log: (line: string) => void;
}

const NOTHING: ClusterState = { ingresses: [], ingressClasses: [], services: [], endpointSlices: [], secrets: [] };

export class IngressSync {
  /** the text nginx runs, and what it serves */
  private applied?: { conf: string; served: ReadonlySet<string>; certificates: readonly Certificate[] };
  /** the last text nginx refused: not tried again until something changes */
  private rejected?: string;

  constructor(
    private readonly nginx: NginxProcess,
    private readonly secrets: SecretReader,
    private readonly reporter: IngressReporter,
    private readonly o: IngressSyncOptions,
  ) {}

  /** The configuration nginx runs now, if any. */
  get conf(): string | undefined {
    return this.applied?.conf;
  }

  async run(snapshot: ClusterSnapshot): Promise<void> {
    const secrets = await this.secrets.read(referencedSecrets(snapshot, this.o.controller));
    const lb = buildLoadBalancer({ ...snapshot, secrets }, { controller: this.o.controller, allowSnippets: this.o.allowSnippets });
    const conf = renderNginxConf(lb, this.nginx.layout, this.o.render);
    const byKey = new Map(snapshot.ingresses.map((i) => [keyOf(i), i]));
    this.reporter.warnings(lb.warnings, byKey);
    if (conf !== this.applied?.conf || !this.nginx.running) await this.apply(conf, lb, byKey);
    if (this.o.publishAddress && this.applied) await this.reporter.statuses(statusUpdates(snapshot.ingresses, this.applied.served, [{ ip: this.o.publishAddress }]));
  }

  private async apply(conf: string, lb: LoadBalancer, byKey: ReadonlyMap<string, Ingress>): Promise<void> {
    if (conf !== this.rejected) {
      writeCertificates(this.nginx.layout.certDir, lb.certificates);
      const test = await this.nginx.test(conf);
      if (test.ok) {
        const wasRunning = this.nginx.running;
        try {
          await this.nginx.apply();
        } catch (e) {
          if (!wasRunning || !this.nginx.running) throw e;
          // Tested fine but the master would not take it (an address it cannot bind, say).
          return this.refuse(conf, (e as Error).message, lb, byKey);
        }
        this.applied = { conf, served: new Set(lb.served), certificates: lb.certificates };
        this.rejected = undefined;
        removeCertificatesExcept(this.nginx.layout.certDir, lb.certificates);
        this.o.log(`ingress-controller: nginx ${wasRunning ? 'reloaded' : 'started'}: ${lb.servers.length} hosts, ${lb.upstreams.length} upstreams, ${lb.served.length} ingresses`);
        return;
      }
      this.refuse(conf, test.output, lb, byKey);
    }
    // Refused, and nginx is not running (the first configuration, or nginx died): start it on
    // the last good text, or on one that serves nothing, rather than leave the ports closed.
    if (!this.nginx.running) await this.startFallback();
  }

  private refuse(conf: string, output: string, lb: LoadBalancer, byKey: ReadonlyMap<string, Ingress>): void {
    this.rejected = conf;
    const errors = parseNginxErrors(output);
    const culprits = new Set(errors.flatMap((e) => (e.line ? [ingressAtLine(conf, e.line)] : [])).filter((k): k is string => !!k));
    const blamed = (culprits.size > 0 ? [...culprits] : lb.served).flatMap((k) => byKey.get(k) ?? []);
    this.reporter.configRejected(blamed, errors.length > 0 ? errors.map((e) => e.message).join('; ') : output);
    removeCertificatesExcept(this.nginx.layout.certDir, this.applied?.certificates ?? []);
  }

  private async startFallback(): Promise<void> {
    const lb = buildLoadBalancer(NOTHING, { controller: this.o.controller });
    const conf = this.applied?.conf ?? renderNginxConf(lb, this.nginx.layout, this.o.render);
    if (this.applied) writeCertificates(this.nginx.layout.certDir, this.applied.certificates);
    const test = await this.nginx.test(conf);
    if (!test.ok) throw new Error(`nginx refuses even the fallback configuration: ${test.output}`);
    await this.nginx.apply();
    this.applied ??= { conf, served: new Set(), certificates: [] };
    this.o.log('ingress-controller: nginx started on the last good configuration');
  }
}
