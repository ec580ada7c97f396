import { Module, type DynamicModule } from '@nestjs/common';
import type { DnsAppConfig } from './config';
import { CONFIG, DnsService } from './dns.service';

@Module({})
export class DnsModule {
  static forConfig(config: DnsAppConfig): DynamicModule {
    return { module: DnsModule, providers: [{ provide: CONFIG, useValue: config }, DnsService] };
  }
}
