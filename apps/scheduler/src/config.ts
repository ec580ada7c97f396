import { readFileSync } from 'node:fs';
import { hostname } from 'node:os';
import { loadSchedulerConfiguration, type SchedulerConfiguration } from '@keelson/scheduler';

// The scheduler's settings: flags > environment > defaults, as the apiserver's. The scheduling
// policy itself (profiles, plugins, weights) is the KubeSchedulerConfiguration file named by
// --config / KEELSON_SCHEDULER_CONFIG; without one, Kubernetes' default profile.

export interface SchedulerAppConfig {
  natsUrl: string;
  stream?: string;
  subjectPrefix?: string;
  /** path of a KubeSchedulerConfiguration file (YAML) */
  configFile?: string;
  /** this replica's name in the lease */
  identity: string;
  leaseMs: number;
  renewMs: number;
  maxBindsInFlight: number;
  /** Event writes per second and their burst, as kube-scheduler's --kube-api-qps / --kube-api-burst */
  eventsQps: number;
  eventsBurst: number;
}

export function schedulerAppConfig(overrides: Partial<SchedulerAppConfig> = {}, env = process.env): SchedulerAppConfig {
  return {
    natsUrl: env.KEELSON_NATS_URL ?? 'nats://127.0.0.1:14222',
    stream: env.KEELSON_STREAM,
    subjectPrefix: env.KEELSON_SUBJECT_PREFIX,
    configFile: env.KEELSON_SCHEDULER_CONFIG,
    identity: env.KEELSON_SCHEDULER_ID ?? `${hostname()}_${process.pid}`,
    leaseMs: Number(env.KEELSON_SCHEDULER_LEASE_MS ?? 15_000),
    renewMs: Number(env.KEELSON_SCHEDULER_RENEW_MS ?? 5_000),
    maxBindsInFlight: Number(env.KEELSON_SCHEDULER_MAX_BINDS ?? 256),
    eventsQps: Number(env.KEELSON_SCHEDULER_EVENTS_QPS ?? 50),
    eventsBurst: Number(env.KEELSON_SCHEDULER_EVENTS_BURST ?? 100),
    ...Object.fromEntries(Object.entries(overrides).filter(([, v]) => v !== undefined)),
  };
}

/** The profiles from the configuration file; throws ConfigurationError naming every bad field. */
export function readSchedulingPolicy(config: SchedulerAppConfig): SchedulerConfiguration {
  return loadSchedulerConfiguration(config.configFile ? readFileSync(config.configFile, 'utf8') : undefined);
}
