// The node agent as a Nest application context: configuration in, one provider that starts
// the agent at bootstrap and stops it at shutdown (enableShutdownHooks maps SIGTERM/SIGINT).
import { Inject, Injectable, Module, type DynamicModule, type OnApplicationBootstrap, type OnApplicationShutdown } from '@nestjs/common';
import type { NodeAgentConfig } from './config';
import { startNodeAgent, type RunningNodeAgent } from './node-agent';

export const NODE_AGENT_CONFIG = Symbol('NODE_AGENT_CONFIG');

@Injectable()
export class NodeAgentService implements OnApplicationBootstrap, OnApplicationShutdown {
  private running?: RunningNodeAgent;

  constructor(@Inject(NODE_AGENT_CONFIG) private readonly config: NodeAgentConfig) {}

  get agent(): RunningNodeAgent | undefined {
    return this.running;
  }

  async onApplicationBootstrap(): Promise<void> {
    this.running = await startNodeAgent(this.config);
  }

  async onApplicationShutdown(): Promise<void> {
    await this.running?.close();
  }
}

@Module({})
export class NodeAgentModule {
  static forConfig(config: NodeAgentConfig): DynamicModule {
    return { module: NodeAgentModule, providers: [{ provide: NODE_AGENT_CONFIG, useValue: config }, NodeAgentService], exports: [NodeAgentService] };
  }
}
