// The apiserver's settings. One source, as ARCHITECTURE.md asks: flags > environment > defaults
// (the CLI parses flags and passes them in; the environment fills the rest here).

export interface ApiServerConfig {
  natsUrl: string;
  pgUrl: string;
  /** AES-256-GCM key for Secrets; created on first start */
  secretKeyFile: string;
  host: string;
  port: number;
  /** Postgres schema of the live projection */
  schema: string;
  stream?: string;
  subjectPrefix?: string;
  /** run the projector in this process (the local default) */
  projector: boolean;
  /** answer keelson.api.* over NATS (off for test servers sharing one NATS, whose subjects would collide) */
  internalApi: boolean;
  /** how often node agents are scraped for metrics.k8s.io (metrics-server's --metric-resolution); 0 = never */
  metricResolutionSeconds: number;
}

export function apiServerConfig(overrides: Partial<ApiServerConfig> = {}, env = process.env): ApiServerConfig {
  return {
    natsUrl: env.KEELSON_NATS_URL ?? 'nats://127.0.0.1:14222',
    pgUrl: env.KEELSON_PG_URL ?? 'postgres://keelson@127.0.0.1:15432/keelson',
    secretKeyFile: env.KEELSON_SECRET_KEY_FILE ?? '.keelson/secret-encryption.key',
    host: env.KEELSON_API_HOST ?? '127.0.0.1',
    port: Number(env.KEELSON_API_PORT ?? 6443),
    schema: env.KEELSON_PG_SCHEMA ?? 'keelson',
    stream: env.KEELSON_STREAM,
    subjectPrefix: env.KEELSON_SUBJECT_PREFIX,
    projector: (env.KEELSON_PROJECTOR ?? 'true') !== 'false',
    internalApi: (env.KEELSON_INTERNAL_API ?? 'true') !== 'false',
    metricResolutionSeconds: Number(env.KEELSON_METRIC_RESOLUTION ?? 5),
    ...Object.fromEntries(Object.entries(overrides).filter(([, v]) => v !== undefined)),
  };
}
