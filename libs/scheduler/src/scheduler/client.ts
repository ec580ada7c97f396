import type { KubeObject } from '@keelson/apimachinery';

// What the scheduler needs of an API client (libs/informer's ApiClient fits): specs pass a
// recording fake and compare the calls.

export interface WriteOptions {
  cause?: number;
  patchType?: 'json' | 'merge' | 'strategic' | 'apply';
}

export interface SchedulerClient {
  create(path: string, body: unknown, opts?: WriteOptions): Promise<KubeObject>;
  patch(path: string, body: unknown, opts?: WriteOptions): Promise<KubeObject>;
  delete(path: string, body?: unknown, opts?: WriteOptions): Promise<KubeObject>;
}

/** The change an informer saw; structurally libs/informer's InformerEvent. */
export interface ObjectEvent {
  type: 'add' | 'update' | 'delete';
  key: string;
  object: KubeObject;
  old?: KubeObject;
  seq: number;
  /** the log entry's type, e.g. "Created" */
  entryType?: string;
}

export const podPath = (namespace: string | undefined, name: string | undefined, sub?: string) =>
  `/api/v1/namespaces/${namespace ?? 'default'}/pods/${name ?? ''}${sub ? `/${sub}` : ''}`;
export const eventsPath = (namespace: string | undefined) => `/api/v1/namespaces/${namespace ?? 'default'}/events`;
