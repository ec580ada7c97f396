import { Inject, Injectable, type OnApplicationBootstrap, type OnApplicationShutdown } from '@nestjs/common';
import isEqual from 'fast-deep-equal';
import { EventLog } from '@keelson/eventlog';
import { EventRecorder, apiEventSink } from '@keelson/events';
import { nginxLayout, serves, type EndpointSlice, type Ingress, type IngressClass, type Service } from '@keelson/ingress';
import { ApiClient, Informer, type InformerEvent } from '@keelson/informer';
import { nginxNamespace, publishedAddress, type IngressControllerConfig } from './config';
import { ensureIngressClass } from './ingress-class-registration';
import { IngressSync } from './ingress-sync';
import { NginxProcess } from './nginx-process';
import { COMPONENT, IngressReporter } from './reporter';
import { SecretReader } from './secret-reader';

// Wiring only: informers on Ingresses, IngressClasses, Services, EndpointSlices and Secrets; any
// change (re)arms a short timer, and when it fires one sync runs (never two at once; changes
// during a sync arm the timer again). So a burst of changes — a Deployment rolling, a kubectl
// apply of many objects — costs one nginx reload, and a change that alters nothing in the
// rendered text costs none.

export const CONFIG = Symbol('IngressControllerConfig');
const RETRY_MS = 5_000;

@Injectable()
export class IngressControllerService implements OnApplicationBootstrap, OnApplicationShutdown {
  nginx?: NginxProcess;
  sync?: IngressSync;
  private log?: EventLog;
  private api?: ApiClient;
  private recorder?: EventRecorder;
  private informers: Record<'ingresses' | 'classes' | 'services' | 'slices' | 'secrets', Informer> | undefined;
  private timer?: NodeJS.Timeout;
  private running?: Promise<void>;
  private stopped = false;
  private readonly say = (line: string) => console.warn(line);

  constructor(@Inject(CONFIG) readonly config: IngressControllerConfig) {}

  async onApplicationBootstrap(): Promise<void> {
    try {
      await this.start();
    } catch (e) {
      await this.onApplicationShutdown(); // a half-started controller must not keep nginx and consumers
      throw e;
    }
  }

  private async start(): Promise<void> {
    const c = this.config;
    this.log = await EventLog.connect({ servers: c.natsUrl, stream: c.stream, prefix: c.subjectPrefix, name: 'ingress-controller' });
    this.api = await ApiClient.connect(c.natsUrl, 'ingress-controller');
    this.recorder = new EventRecorder(apiEventSink(this.api), { component: COMPONENT }, { warn: this.say });
    const informer = (group: string, plural: string) => new Informer(this.log!, group, plural, undefined, { stripManagedFields: true }).on(() => this.schedule());
    this.informers = {
      ingresses: informer('networking.k8s.io', 'ingresses'),
      classes: informer('networking.k8s.io', 'ingressclasses'),
      services: informer('', 'services'),
      slices: informer('discovery.k8s.io', 'endpointslices'),
      secrets: informer('', 'secrets'),
    };
    const reporter = new IngressReporter(this.api, this.recorder, this.say);
    this.informers.ingresses.on((e) => this.announce(e, reporter));
    this.nginx = new NginxProcess(nginxLayout(c.stateDir), { binary: c.nginxBinary, netns: nginxNamespace(c), log: this.say, onExit: () => this.schedule(RETRY_MS) });
    await this.nginx.prepare();
    this.sync = new IngressSync(this.nginx, new SecretReader(this.api, this.informers.secrets), reporter, {
      controller: c.controllerName,
      allowSnippets: c.allowSnippets,
      render: { httpPort: c.httpPort, httpsPort: c.httpsPort, listenAddress: c.listenAddress, workerShutdownTimeoutSeconds: c.workerShutdownTimeoutSeconds },
      publishAddress: publishedAddress(c),
      log: this.say,
    });
    const all = Object.values(this.informers);
    await Promise.all(all.map((i) => i.start()));
    await Promise.all(all.map((i) => i.synced));
    if (c.ingressClass) await ensureIngressClass(this.api, this.informers.classes.list() as IngressClass[], c.ingressClass, c.controllerName, this.say);
    clearTimeout(this.timer); // the first sync below covers what the informers delivered
    this.timer = undefined;
    await this.runSync(); // nginx is up (or the start fails) before the app counts as started
    if (!this.nginx.running) throw new Error('ingress-controller: nginx is not running');
  }

  /** ingress-nginx's "Scheduled for sync" on an Ingress it serves whose spec or metadata changed (not its status). */
  private announce(e: InformerEvent, reporter: IngressReporter): void {
    if (e.type === 'delete') return;
    const ing = e.object as Ingress;
    const old = e.old as Ingress | undefined;
    if (old && isEqual(old.spec, ing.spec) && isEqual(old.metadata.annotations, ing.metadata.annotations) && isEqual(old.metadata.labels, ing.metadata.labels)) return;
    if (serves(ing, this.informers!.classes.list() as IngressClass[], this.config.controllerName)) reporter.scheduledForSync(ing, e.seq);
  }

  /** Arms the timer unless it is armed: the sync then sees every change made until it fires. */
  private schedule(delayMs = this.config.debounceMs): void {
    if (this.stopped || this.timer || !this.sync) return;
    this.timer = setTimeout(() => {
      this.timer = undefined;
      void this.runSync().catch((e) => {
        this.say(`ingress-controller: sync failed, retrying in ${RETRY_MS / 1000} s: ${(e as Error).message}`);
        this.schedule(RETRY_MS);
      });
    }, delayMs);
  }

  private async runSync(): Promise<void> {
    while (this.running) await this.running; // one at a time; this one then reads the newest state
    if (this.stopped) return;
    const inf = this.informers!;
    this.running = this.sync!.run({
      ingresses: inf.ingresses.list() as Ingress[],
      ingressClasses: inf.classes.list() as IngressClass[],
      services: inf.services.list() as Service[],
      endpointSlices: inf.slices.list() as EndpointSlice[],
    }).finally(() => (this.running = undefined));
    await this.running;
  }

  async onApplicationShutdown(): Promise<void> {
    this.stopped = true;
    clearTimeout(this.timer);
    await this.running?.catch(() => undefined);
    await this.nginx?.stop();
    await Promise.all(Object.values(this.informers ?? {}).map((i) => i.stop()));
    await this.recorder?.flush();
    await this.api?.close();
    await this.log?.close();
    this.informers = this.api = this.log = this.recorder = undefined;
  }
}
