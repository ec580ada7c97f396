// application/json-patch+json (RFC 6902), via fast-json-patch, with kube-apiserver's
// answers: a body that is not a well-formed operation list is 400, more than 10000
// operations is 413, an operation that does not apply (failed `test`, missing path) is 422.

import { applyPatch, JsonPatchError, Operation, validate } from 'fast-json-patch';
import { KubeObject, StatusError } from '@keelson/apimachinery';
import { badPatch, patchDoesNotApply } from './errors';
import { clone } from './json';

/** kube-apiserver's maxJSONPatchOperations. */
export const MAX_JSON_PATCH_OPERATIONS = 10000;

export function applyJsonPatch(obj: KubeObject, patchBody: unknown): KubeObject {
  const ops = decode(patchBody);
  try {
    return applyPatch(clone(obj), ops, true, true).newDocument;
  } catch (e) {
    if (e instanceof JsonPatchError) throw patchDoesNotApply(describe(e));
    throw e;
  }
}

function decode(patchBody: unknown): Operation[] {
  if (!Array.isArray(patchBody)) throw badPatch('json: cannot unmarshal object into Go value of type jsonpatch.Patch');
  // Structure only: with no document, fast-json-patch checks op names, paths and values.
  const err = validate(patchBody as Operation[]);
  if (err) throw badPatch(`invalid JSON patch operation ${err.index ?? 0}: ${err.message}`);
  if (patchBody.length > MAX_JSON_PATCH_OPERATIONS) {
    throw new StatusError(413, 'RequestEntityTooLarge', `Request entity too large: The allowed maximum operations in a JSON patch is ${MAX_JSON_PATCH_OPERATIONS}, got ${patchBody.length}`);
  }
  return patchBody as Operation[];
}

/** Messages in the words of evanphx/json-patch, which kube-apiserver uses. */
function describe(e: InstanceType<typeof JsonPatchError>): string {
  const op = (e.operation ?? {}) as { op?: string; path?: string; from?: string };
  switch (e.name) {
    case 'TEST_OPERATION_FAILED':
      return `testing value ${op.path} failed: test failed`;
    case 'OPERATION_FROM_UNRESOLVABLE':
      return `${op.op} operation does not apply: doc is missing from path: "${op.from}": missing value`;
    case 'OPERATION_PATH_UNRESOLVABLE':
    case 'OPERATION_PATH_CANNOT_ADD':
      return `${op.op} operation does not apply: doc is missing path: "${op.path}": missing value`;
    case 'OPERATION_VALUE_OUT_OF_BOUNDS':
    case 'OPERATION_PATH_ILLEGAL_ARRAY_INDEX':
      return `${op.op} operation does not apply: unable to access invalid index: "${op.path}": invalid index referenced`;
    default:
      return `${op.op ?? 'patch'} operation does not apply: ${e.message}`;
  }
}
