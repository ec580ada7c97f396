import type { KubeObject } from '@keelson/apimachinery';
import { admit as admitObject } from '@keelson/admission';
import type { ApiResource } from '@keelson/resources';
import type { RequestContext } from './context';

/** Decode checks, defaults and validation in one structural pass; `fieldValidation` decides what unknown fields do. */
export function admit(r: ApiResource, obj: KubeObject, old: KubeObject | undefined, ctx: RequestContext): KubeObject {
  return admitObject(r, obj, { old, strict: ctx.fieldValidation === 'Strict', warnings: ctx.fieldValidation === 'Warn' ? ctx.warnings : undefined });
}
