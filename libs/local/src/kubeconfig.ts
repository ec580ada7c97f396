import { mkdirSync, writeFileSync } from 'node:fs';
import { dirname } from 'node:path';
import { stringify } from 'yaml';

export const DEFAULT_API_SERVER = 'http://127.0.0.1:6443';

export interface KubeconfigOptions {
  /** Bearer token for user `admin`; without one kubectl sends no credentials. */
  token?: string;
  /** Default namespace of the `keelson` context. */
  namespace?: string;
}

/** A kubeconfig with one cluster `keelson`, one user `admin` and context `keelson` selected. */
export function kubeconfigYaml(server = DEFAULT_API_SERVER, opts: KubeconfigOptions = {}): string {
  const config = {
    apiVersion: 'v1',
    kind: 'Config',
    clusters: [{ name: 'keelson', cluster: { server } }],
    users: [{ name: 'admin', user: opts.token ? { token: opts.token } : {} }],
    contexts: [{ name: 'keelson', context: { cluster: 'keelson', user: 'admin', ...(opts.namespace ? { namespace: opts.namespace } : {}) } }],
    'current-context': 'keelson',
    preferences: {},
  };
  return stringify(config);
}

/** Writes the kubeconfig with mode 600 (it may hold a token), creating its directory. */
export function writeKubeconfig(path: string, server = DEFAULT_API_SERVER, opts: KubeconfigOptions = {}): void {
  mkdirSync(dirname(path), { recursive: true });
  writeFileSync(path, kubeconfigYaml(server, opts), { mode: 0o600 });
}
