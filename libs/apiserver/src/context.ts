// Per-request options that change how a write is done, as kube-apiserver reads them from the
// query string (dryRun, fieldManager, fieldValidation, force) and the caller's identity.

export type FieldValidation = 'Strict' | 'Warn' | 'Ignore';

export interface RequestContext {
  /** who asks: "user:admin", "controller:replicaset", "node:keelson-node-1" */
  readonly actor: string;
  /** managedFields manager name: the fieldManager parameter or the user agent's first word */
  readonly fieldManager: string;
  readonly dryRun: boolean;
  readonly fieldValidation: FieldValidation;
  /** server-side apply: take ownership of conflicting fields */
  readonly force: boolean;
  /** a server-side apply, which keeps managedFields itself */
  readonly applied?: boolean;
  /** the sequence of the event the caller reacts to (controllers pass it) */
  readonly cause?: number;
  readonly correlation?: string;
  /** collected `Warning` headers */
  readonly warnings: string[];
}

export function defaultContext(overrides: Partial<RequestContext> = {}): RequestContext {
  return { actor: 'user:admin', fieldManager: 'unknown', dryRun: false, fieldValidation: 'Strict', force: false, warnings: [], ...overrides };
}

/** Kubernetes derives a default manager from the user agent: "kubectl/v1.32.0 (linux/amd64) ..." → "kubectl". */
export function managerFromUserAgent(ua: string | undefined): string {
  if (!ua) return 'unknown';
  return ua.split('/')[0].trim().slice(0, 128) || 'unknown';
}
