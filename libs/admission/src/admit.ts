// The whole admission step the API server runs on create and update, in Kubernetes' order:
// decode (type errors, 400), strict field check when asked (400), defaults, validation (422).
import { Errors, KubeObject } from '@keelson/apimachinery';
import type { ApiResource } from '@keelson/resources';
import { defaultObject } from './defaults';
import { validateObject } from './validation';
import { decodeError, strictDecodingError, unknownFields } from './schema';

export interface AdmitOptions {
  /** The stored object, on update. */
  readonly old?: KubeObject;
  /** `?fieldValidation=Strict` (kubectl --validate=strict, the default since 1.25). */
  readonly strict?: boolean;
}

/** Returns the defaulted object to store, or throws a StatusError. */
export function admit(resource: ApiResource, input: KubeObject, opts: AdmitOptions = {}): KubeObject {
  const typeError = decodeError(resource, input);
  if (typeError) throw typeError;
  if (opts.strict) {
    const unknown = unknownFields(resource, input);
    if (unknown.length) throw strictDecodingError(resource, input, unknown);
  }
  const obj = defaultObject(resource, input);
  const causes = validateObject(resource, obj, opts.old);
  if (causes.length) throw Errors.invalid(resource.kind, resource.group, String(obj.metadata?.name ?? obj.metadata?.generateName ?? ''), causes);
  return obj;
}
