// How kube-apiserver's patch handler answers a patch that cannot be applied
// (staging/src/k8s.io/apiserver/pkg/endpoints/handlers/patch.go): a body that does not
// decode is 400 BadRequest; a patch that decodes but does not apply is a generic 422, whose
// message is the fixed sentence client-go uses and whose cause carries the real reason.

import { StatusError } from '@keelson/apimachinery';

export function patchDoesNotApply(why: string): StatusError {
  return new StatusError(422, 'Invalid', 'the server rejected our request due to an error in our request', {
    causes: [{ reason: 'UnexpectedServerResponse', message: why }],
  });
}

export function badPatch(why: string): StatusError {
  return new StatusError(400, 'BadRequest', why);
}

/** Errors Kubernetes returns as plain Go errors, which reach the user as 500s. */
export function patchFailed(why: string): StatusError {
  return new StatusError(500, 'InternalError', why);
}
