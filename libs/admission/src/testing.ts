// Builders shared by the specs: minimal valid objects, as the server would see them.
import type { KubeObject } from '@keelson/apimachinery';
import { ApiResource, RESOURCES } from '@keelson/resources';

export const resource = (kind: string): ApiResource => RESOURCES.find((r) => r.kind === kind)!;

export const podSpec = (extra: Record<string, unknown> = {}) => ({ containers: [{ name: 'nginx', image: 'nginx:1.7.9' }], ...extra });

export const template = (labels: Record<string, string> = { app: 'nginx' }, spec: Record<string, unknown> = {}) => ({ metadata: { labels }, spec: podSpec(spec) });

export function object(kind: string, body: Record<string, unknown> = {}, meta: Record<string, unknown> = {}): KubeObject {
  const r = resource(kind);
  const apiVersion = r.group ? `${r.group}/${r.versions[0]}` : r.versions[0];
  return { apiVersion, kind, metadata: { name: 'x', ...(r.namespaced ? { namespace: 'default' } : {}), ...meta }, ...body };
}

// Reads a path like "spec.template.spec.containers.0.image" from a defaulted object.
export const at = (o: unknown, path: string): unknown => path.split('.').reduce<unknown>((v, k) => (v as Record<string, unknown> | undefined)?.[k], o);
