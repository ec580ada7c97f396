import type { KubeObject } from '@keelson/apimachinery';
import { admit as admitObject, unknownFields } from '@keelson/admission';
import type { ApiResource } from '@keelson/resources';
import type { RequestContext } from './context';

/** Decode checks, defaults and validation, with `fieldValidation` deciding what unknown fields do. */
export function admit(r: ApiResource, obj: KubeObject, old: KubeObject | undefined, ctx: RequestContext): KubeObject {
  if (ctx.fieldValidation === 'Warn') for (const f of unknownFields(r, obj)) ctx.warnings.push(`unknown field "${f}"`);
  return admitObject(r, obj, { old, strict: ctx.fieldValidation === 'Strict' });
}
