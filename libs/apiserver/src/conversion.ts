// Objects are stored in one version (the preferred) and converted on the way in and out, as
// kube-apiserver converts through its internal version. Most kinds here have one schema in
// every served version, so only apiVersion changes; autoscaling/v1 HorizontalPodAutoscaler is
// the exception (`kubectl autoscale` writes it, even in kubectl 1.32).
import type { KubeObject } from '@keelson/apimachinery';
import { apiVersionOf, storageVersion, type ApiResource } from '@keelson/resources';
import { hpaV1ToV2, hpaV2ToV1 } from './conversion/hpa-v1';

interface Converter {
  toStorage(obj: KubeObject): KubeObject;
  fromStorage(obj: KubeObject): KubeObject;
}

const CONVERTERS: Record<string, Converter> = {
  'autoscaling/v1/HorizontalPodAutoscaler': { toStorage: hpaV1ToV2, fromStorage: hpaV2ToV1 },
};

const converterFor = (r: ApiResource, version: string) => (version === storageVersion(r) ? undefined : CONVERTERS[`${apiVersionOf(r.group, version)}/${r.kind}`]);

/** A body written in `version` as the storage version holds it (apiVersion included). */
export function toStorage(r: ApiResource, version: string, obj: KubeObject): KubeObject {
  const out = converterFor(r, version)?.toStorage(obj) ?? obj;
  return { ...out, apiVersion: apiVersionOf(r.group, storageVersion(r)) };
}

/** A stored object as `version` presents it. */
export function fromStorage(r: ApiResource, version: string, obj: KubeObject): KubeObject {
  const apiVersion = apiVersionOf(r.group, version);
  const out = converterFor(r, version)?.fromStorage(obj) ?? obj;
  return out.apiVersion === apiVersion ? out : { ...out, apiVersion };
}
