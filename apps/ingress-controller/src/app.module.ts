import { Module, type DynamicModule } from '@nestjs/common';
import type { IngressControllerConfig } from './config';
import { CONFIG, IngressControllerService } from './ingress-controller.service';

@Module({})
export class IngressControllerModule {
  static forConfig(config: IngressControllerConfig): DynamicModule {
    return { module: IngressControllerModule, providers: [{ provide: CONFIG, useValue: config }, IngressControllerService] };
  }
}
