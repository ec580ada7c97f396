export { startNats, natsConfig, findNatsServer, type NatsOptions, type RunningSubstrate } from './nats';
export { startPostgres, POSTGRES_SETTINGS, PG_SUPERUSER, type PostgresOptions } from './postgres';
export { findPostgresBin } from './postgres-host';
export { usesHugePages } from './huge-pages';
export { freePort, assertPortFree, LOOPBACK } from './ports';
export { kubeconfigYaml, writeKubeconfig, DEFAULT_API_SERVER, type KubeconfigOptions } from './kubeconfig';

/**
 * Ports of the local default (`npm start`), off the well-known 4222/5432 so a system
 * nats-server or the Debian Postgres cluster, should they run, are never in the way.
 */
export const DEFAULT_PORTS = { nats: 14222, natsMonitor: 18222, postgres: 15432 } as const;
export { runService, fromCommandLine } from './run-service';
export { startAppContext } from './app-context';
