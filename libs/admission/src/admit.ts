// The whole admission step the API server runs on create and update, in Kubernetes' order:
// decode (type errors, 400), strict field check when asked (400), defaults, validation (422).
import { Errors, KubeObject } from '@keelson/apimachinery';
import type { ApiResource } from '@keelson/resources';
import { defaultObject } from './defaults';
import { validateObject } from './validation';
import { strictDecodingError, typeErrorOf } from './schema';
import { checkStructure } from './structural';

export interface AdmitOptions {
  /** The stored object, on update. */
  readonly old?: KubeObject;
  /** `?fieldValidation=Strict` (kubectl --validate=strict, the default since 1.25). */
  readonly strict?: boolean;
  /**
   * `?fieldValidation=Warn`: each unknown field is pushed here as `unknown field "spec.x"`, from
   * the same pass that finds type errors (so the caller need not call unknownFields first).
   */
  readonly warnings?: string[];
}

/** Returns the defaulted object to store, or throws a StatusError. */
export function admit(resource: ApiResource, input: KubeObject, opts: AdmitOptions = {}): KubeObject {
  const structure = checkStructure(resource, input);
  const typeError = typeErrorOf(resource, structure);
  if (typeError) throw typeError;
  if (opts.strict && structure.unknownFields.length) throw strictDecodingError(resource, input, structure.unknownFields);
  if (opts.warnings) for (const f of structure.unknownFields) opts.warnings.push(`unknown field "${f}"`);
  const obj = defaultObject(resource, input);
  const causes = validateObject(resource, obj, opts.old);
  if (causes.length) throw Errors.invalid(resource.kind, resource.group, String(obj.metadata?.name ?? obj.metadata?.generateName ?? ''), causes);
  return obj;
}
