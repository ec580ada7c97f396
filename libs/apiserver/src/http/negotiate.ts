import { Errors } from '@keelson/apimachinery';

// Content negotiation for responses. kubectl get asks for
//   application/json;as=Table;v=v1;g=meta.k8s.io,application/json;as=Table;v=v1beta1;g=meta.k8s.io,application/json
// and falls back to plain JSON; anything that accepts JSON gets JSON.

export interface Representation {
  table: boolean;
  /** the Table's row objects: what `includeObject` asks for (Metadata by default, as in Kubernetes) */
  includeObject: 'None' | 'Metadata' | 'Object';
  yaml: boolean;
}

export function negotiate(accept: string | undefined, query: URLSearchParams): Representation {
  const includeObject = (query.get('includeObject') ?? 'Metadata') as Representation['includeObject'];
  if (!['None', 'Metadata', 'Object'].includes(includeObject)) throw Errors.badRequest(`includeObject: Unsupported value: "${includeObject}"`);
  const ranges = (accept ?? '*/*').split(',').map((s) => s.trim()).filter(Boolean);
  for (const range of ranges) {
    const [type, ...params] = range.split(';').map((s) => s.trim());
    const p = Object.fromEntries(params.map((kv) => kv.split('=').map((s) => s.trim()) as [string, string]));
    if (type === 'application/json' && p.as === 'Table' && p.g === 'meta.k8s.io' && (p.v === 'v1' || p.v === 'v1beta1')) return { table: true, includeObject, yaml: false };
    if (p.as) continue; // another transformation (PartialObjectMetadata…) we do not serve: try the next range
    if (type === 'application/json' || type === '*/*' || type === 'application/*' || type === 'application/json-patch+json' || type === 'application/merge-patch+json') return { table: false, includeObject, yaml: false };
    if (type === 'application/yaml') return { table: false, includeObject, yaml: true };
  }
  throw Errors.notAcceptable(`only the following media types are accepted: application/json, application/yaml, application/json;as=Table;v=v1;g=meta.k8s.io`);
}
