import { Inject, Module, type DynamicModule, type OnApplicationBootstrap, type OnApplicationShutdown } from '@nestjs/common';
import type { DataSource } from 'typeorm';
import { StatusError } from '@keelson/apimachinery';
import { Api, defaultContext, InformerCache, NamespaceCache, ObjectStore, resolveRequest, WatchCache } from '@keelson/apiserver';
import { EventLog, SecretBox } from '@keelson/eventlog';
import { ObjectReader, openProjectionDb, Projector } from '@keelson/projection';
import type { ApiServerConfig } from './config';
import { InternalApiController } from './internal.controller';

export const CONFIG = Symbol('ApiServerConfig');
const DB = Symbol('ProjectionDb');

/** Namespaces every cluster has, as kube-apiserver's system namespaces controller ensures. */
const SYSTEM_NAMESPACES = ['default', 'kube-system', 'kube-public', 'kube-node-lease'];

const ignoreExisting = (e: unknown) => {
  if (!(e instanceof StatusError && e.reason === 'AlreadyExists')) throw e;
};

class Lifecycle implements OnApplicationBootstrap, OnApplicationShutdown {
  constructor(
    @Inject(CONFIG) private readonly config: ApiServerConfig,
    private readonly api: Api,
    private readonly log: EventLog,
    private readonly projector: Projector,
    @Inject(DB) private readonly db: DataSource,
    private readonly store: ObjectStore,
  ) {}

  async onApplicationBootstrap(): Promise<void> {
    const ctx = defaultContext({ actor: 'system:apiserver', fieldManager: 'kube-apiserver' });
    for (const name of SYSTEM_NAMESPACES) {
      const rr = resolveRequest('POST', '/api/v1/namespaces', new URLSearchParams())!;
      await this.api.handle(rr, { query: new URLSearchParams(), body: { apiVersion: 'v1', kind: 'Namespace', metadata: { name } } }, ctx).catch(ignoreExisting);
    }
    // The `kubernetes` Service, at the first address of the service range, as every cluster has.
    const svc = resolveRequest('POST', '/api/v1/namespaces/default/services', new URLSearchParams())!;
    const kubernetes = { apiVersion: 'v1', kind: 'Service', metadata: { name: 'kubernetes', labels: { component: 'apiserver', provider: 'kubernetes' } }, spec: { clusterIP: '10.96.0.1', ports: [{ name: 'https', port: 443, protocol: 'TCP', targetPort: this.config.port }] } };
    const existing = await this.api.store.current(svc.resource, 'default', 'kubernetes');
    if (!existing.object) await this.api.handle(svc, { query: new URLSearchParams(), body: kubernetes }, ctx).catch(ignoreExisting);
    if (this.config.metricResolutionSeconds > 0) this.api.metrics.start(this.config.metricResolutionSeconds * 1000);
  }

  async onApplicationShutdown(): Promise<void> {
    await this.api.metrics.stop();
    await this.store.namespaces?.stop();
    await this.store.storageClasses?.stop();
    this.store.watchCache?.stop();
    await this.projector.stop();
    await this.log.close();
    await this.db.destroy().catch(() => undefined);
  }
}

@Module({})
export class ApiServerModule {
  static forConfig(config: ApiServerConfig): DynamicModule {
    return {
      module: ApiServerModule,
      controllers: [InternalApiController],
      providers: [
        { provide: CONFIG, useValue: config },
        { provide: EventLog, useFactory: () => EventLog.connect({ servers: config.natsUrl, stream: config.stream, prefix: config.subjectPrefix, name: 'apiserver' }) },
        { provide: DB, useFactory: () => openProjectionDb(config.pgUrl, config.schema) },
        {
          provide: Projector,
          inject: [EventLog, DB],
          useFactory: async (log: EventLog, db: DataSource) => {
            const p = new Projector(log, db);
            if (config.projector) await p.start();
            return p;
          },
        },
        {
          provide: ObjectStore,
          inject: [EventLog, DB, Projector],
          useFactory: async (log: EventLog, db: DataSource, projector: Projector) => {
            const store = new ObjectStore(log, new ObjectReader(db), projector, SecretBox.fromKeyFile(config.secretKeyFile));
            store.namespaces = new NamespaceCache(log);
            store.watchCache = new WatchCache(log);
            store.storageClasses = new InformerCache(log, 'storage.k8s.io', 'storageclasses');
            await Promise.all([store.namespaces.start(), store.storageClasses.start()]);
            return store;
          },
        },
        { provide: Api, inject: [ObjectStore], useFactory: (store: ObjectStore) => new Api(store) },
        Lifecycle,
      ],
    };
  }
}
