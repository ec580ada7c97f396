import 'reflect-metadata';
import { startAppContext } from '@keelson/local';
import type { INestApplicationContext } from '@nestjs/common';
import type { ClusterIndex } from '@keelson/dns';
import { DnsModule } from './app.module';
import type { DnsAppConfig, Listen } from './config';
import { DnsService } from './dns.service';

export interface RunningDns {
  app: INestApplicationContext;
  index: ClusterIndex;
  /** where it answers, ports resolved */
  listening: Listen[];
  close(): Promise<void>;
}

/** Starts the cluster DNS server: informers synced, sockets bound, kube-dns Service registered. No HTTP. */
export async function startDns(config: DnsAppConfig): Promise<RunningDns> {
  const app = await startAppContext(DnsModule.forConfig(config));
  const service = app.get(DnsService);
  return { app, index: service.index, listening: service.bound, close: () => app.close() };
}
