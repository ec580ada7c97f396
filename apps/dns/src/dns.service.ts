import { Inject, Injectable, type OnApplicationBootstrap, type OnApplicationShutdown } from '@nestjs/common';
import { ClusterIndex, type ZoneOptions } from '@keelson/dns';
import { EventLog } from '@keelson/eventlog';
import { ApiClient, Informer, type InformerEvent } from '@keelson/informer';
import type { KubeObject } from '@keelson/apimachinery';
import type { DnsAppConfig, Listen } from './config';
import { DnsServer } from './dns-server';
import { registerKubeDns } from './kube-dns-registration';

// Wiring only: informers on Services, EndpointSlices and Pods feed the index; the server answers
// from it once every informer has delivered its current state (before that, a missing name
// would be a wrong NXDOMAIN); then the kube-dns Service is made to point here.

export const CONFIG = Symbol('DnsAppConfig');

@Injectable()
export class DnsService implements OnApplicationBootstrap, OnApplicationShutdown {
  readonly index = new ClusterIndex();
  server?: DnsServer;
  private log?: EventLog;
  private api?: ApiClient;
  private informers: Informer[] = [];

  constructor(@Inject(CONFIG) private readonly config: DnsAppConfig) {}

  async onApplicationBootstrap(): Promise<void> {
    try {
      await this.start();
    } catch (e) {
      await this.onApplicationShutdown(); // a half-started server must not keep its sockets and consumers
      throw e;
    }
  }

  private async start(): Promise<void> {
    const c = this.config;
    this.log = await EventLog.connect({ servers: c.natsUrl, stream: c.stream, prefix: c.subjectPrefix, name: 'dns' });
    const feed = (set: (o: KubeObject) => void, remove: (o: KubeObject) => void) => (e: InformerEvent) => (e.type === 'delete' ? remove(e.old ?? e.object) : set(e.object));
    const i = this.index;
    this.informers = [
      new Informer(this.log, '', 'services').on(feed((o) => i.setService(o), (o) => i.removeService(o))),
      new Informer(this.log, 'discovery.k8s.io', 'endpointslices').on(feed((o) => i.setSlice(o), (o) => i.removeSlice(o))),
      new Informer(this.log, '', 'pods').on(feed((o) => i.setPod(o), (o) => i.removePod(o))),
    ];
    await Promise.all(this.informers.map((inf) => inf.start()));
    await Promise.all(this.informers.map((inf) => inf.synced));
    const zone: ZoneOptions = { zone: c.zone, dnsIP: c.clusterIP, ttl: c.ttl, reverseCIDRs: c.reverseCIDRs };
    this.server = new DnsServer(this.index, zone);
    await this.server.listen(c.listen);
    if (c.publish) {
      this.api = await ApiClient.connect(c.natsUrl, 'dns');
      await registerKubeDns(this.api, { clusterIP: c.clusterIP, address: c.publish.host, port: c.publish.port }, (m) => console.warn(m));
    }
  }

  get bound(): Listen[] {
    return this.server?.bound ?? [];
  }

  async onApplicationShutdown(): Promise<void> {
    await this.server?.close();
    await Promise.all(this.informers.map((inf) => inf.stop()));
    await this.api?.close();
    await this.log?.close();
    this.server = this.api = this.log = undefined;
    this.informers = [];
  }
}
