import { Module, type DynamicModule } from '@nestjs/common';
import type { ControllerManagerAppConfig } from './config';
import { CONFIG, ControllerManagerService } from './controller-manager.service';

@Module({})
export class ControllerManagerModule {
  static forConfig(config: ControllerManagerAppConfig): DynamicModule {
    return { module: ControllerManagerModule, providers: [{ provide: CONFIG, useValue: config }, ControllerManagerService] };
  }
}
