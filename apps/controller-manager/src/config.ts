import { hostname } from 'node:os';
import { CONTROLLERS, type ControllerName } from '@keelson/controllers';

// The controller-manager's settings: flags > environment > defaults, as the scheduler's.

export interface ControllerManagerAppConfig {
  natsUrl: string;
  stream?: string;
  subjectPrefix?: string;
  /** this replica's name in the lease */
  identity: string;
  leaseMs: number;
  renewMs: number;
  /** which controllers run (kube-controller-manager's --controllers); default all */
  controllers: ControllerName[];
}

export function controllerManagerConfig(overrides: Partial<ControllerManagerAppConfig> = {}, env = process.env): ControllerManagerAppConfig {
  return {
    natsUrl: env.KEELSON_NATS_URL ?? 'nats://127.0.0.1:14222',
    stream: env.KEELSON_STREAM,
    subjectPrefix: env.KEELSON_SUBJECT_PREFIX,
    identity: env.KEELSON_CONTROLLER_MANAGER_ID ?? `${hostname()}_${process.pid}`,
    leaseMs: Number(env.KEELSON_CONTROLLER_MANAGER_LEASE_MS ?? 15_000),
    renewMs: Number(env.KEELSON_CONTROLLER_MANAGER_RENEW_MS ?? 5_000),
    controllers: parseControllers(env.KEELSON_CONTROLLERS),
    ...Object.fromEntries(Object.entries(overrides).filter(([, v]) => v !== undefined)),
  };
}

/** "replicaset,deployment" → those; unset or "*" → all; unknown names are an error. */
export function parseControllers(value: string | undefined): ControllerName[] {
  const all = CONTROLLERS.map((c) => c.name) as ControllerName[];
  if (!value || value.trim() === '*') return all;
  const names = value.split(',').map((s) => s.trim()).filter(Boolean);
  const unknown = names.filter((n) => !all.includes(n as ControllerName));
  if (unknown.length) throw new Error(`unknown controllers: ${unknown.join(', ')} (known: ${all.join(', ')})`);
  return names as ControllerName[];
}
