import type { KubeObject } from '@keelson/apimachinery';
import type { CallOptions, InformerEvent } from '@keelson/informer';

// What the scheduler needs of an API client (libs/informer's ApiClient fits): specs pass a
// recording fake and compare the calls.

export type WriteOptions = CallOptions;

export interface SchedulerClient {
  create(path: string, body: unknown, opts?: WriteOptions): Promise<KubeObject>;
  patch(path: string, body: unknown, opts?: WriteOptions): Promise<KubeObject>;
  delete(path: string, body?: unknown, opts?: WriteOptions): Promise<KubeObject>;
}

/** The change an informer saw (entryType optional, so specs can leave it out). */
export type ObjectEvent = Omit<InformerEvent, 'entryType'> & Partial<Pick<InformerEvent, 'entryType'>>;

export const podPath = (namespace: string | undefined, name: string | undefined, sub?: string) =>
  `/api/v1/namespaces/${namespace ?? 'default'}/pods/${name ?? ''}${sub ? `/${sub}` : ''}`;
export const eventsPath = (namespace: string | undefined) => `/api/v1/namespaces/${namespace ?? 'default'}/events`;
