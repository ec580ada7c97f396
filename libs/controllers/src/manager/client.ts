import type { KubeObject } from '@keelson/apimachinery';
import type { CallOptions, InformerEvent } from '@keelson/informer';

// What the shells need of an API client; libs/informer's ApiClient fits, and specs pass a
// recording fake. Every write names its cause (a log sequence) and field manager.

export type WriteOptions = CallOptions;

export interface ControllerClient {
  get(path: string): Promise<KubeObject>;
  create(path: string, body: unknown, opts?: WriteOptions): Promise<KubeObject>;
  update(path: string, body: unknown, opts?: WriteOptions): Promise<KubeObject>;
  patch(path: string, body: unknown, opts?: WriteOptions): Promise<KubeObject>;
  delete(path: string, body?: unknown, opts?: WriteOptions): Promise<KubeObject>;
}

/** The change an informer saw (entryType optional, so specs can leave it out). */
export type ObjectEvent = Omit<InformerEvent, 'entryType'> & Partial<Pick<InformerEvent, 'entryType'>>;

/** What a shell reads of an informer: structurally libs/informer's Informer. */
export interface Cache {
  get(key: string): KubeObject | undefined;
  list(): KubeObject[];
}

export const keyOfObject = (o: KubeObject): string => (o.metadata.namespace ? `${o.metadata.namespace}/${o.metadata.name}` : (o.metadata.name ?? ''));

export function splitKey(key: string): { namespace: string; name: string } {
  const i = key.indexOf('/');
  return i < 0 ? { namespace: '', name: key } : { namespace: key.slice(0, i), name: key.slice(i + 1) };
}

export const isNotFound = (e: unknown) => (e as { code?: number }).code === 404;
export const isConflict = (e: unknown) => (e as { code?: number }).code === 409;
export const isAlreadyExists = (e: unknown) => (e as { reason?: string }).reason === 'AlreadyExists';

/** For deletes: already gone is as good as deleted. */
export function ignoreNotFound(e: unknown): undefined {
  if (isNotFound(e)) return undefined;
  throw e;
}
