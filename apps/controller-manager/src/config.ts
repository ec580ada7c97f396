import { hostname } from 'node:os';
import { CONTROLLERS, nodelifecycle, type ControllerName } from '@keelson/controllers';

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
  /** `--node-monitor-grace-period`: a node silent this long becomes Ready=Unknown and unreachable-tainted; Kubernetes' 40 s */
  nodeMonitorGracePeriodSeconds: number;
  /**
   * `--default-toleration-seconds`: how long a pod without its own not-ready/unreachable toleration stays on
   * such a node before eviction; Kubernetes' 300 s (its apiserver's --default-{not-ready,unreachable}-toleration-seconds)
   */
  defaultTolerationSeconds: number;
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
    nodeMonitorGracePeriodSeconds: parseSeconds(env.KEELSON_NODE_MONITOR_GRACE_PERIOD ?? nodelifecycle.DEFAULT_NODE_MONITOR_GRACE_PERIOD_SECONDS, 'node-monitor-grace-period'),
    defaultTolerationSeconds: parseSeconds(env.KEELSON_DEFAULT_TOLERATION_SECONDS ?? nodelifecycle.DEFAULT_TOLERATION_SECONDS, 'default-toleration-seconds'),
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

/** A duration as Kubernetes' flags take it ("40s", "5m", "1m30s") or a plain number of seconds. */
export function parseSeconds(value: string | number, flag: string): number {
  if (typeof value === 'number' || /^\d+(\.\d+)?$/.test(value.trim())) return check(Number(value), flag);
  const parts = [...value.trim().matchAll(/(\d+(?:\.\d+)?)(h|ms|m|s)/g)];
  if (!parts.length || parts.map((p) => p[0]).join('') !== value.trim()) throw new Error(`--${flag}: not a duration: ${value} (e.g. 40s, 5m)`);
  const unit = { h: 3600, m: 60, s: 1, ms: 0.001 } as const;
  return check(parts.reduce((sum, [, n, u]) => sum + Number(n) * unit[u as keyof typeof unit], 0), flag);
}

function check(seconds: number, flag: string): number {
  if (!Number.isFinite(seconds) || seconds < 0) throw new Error(`--${flag} must be a duration of 0 or more`);
  return seconds;
}
