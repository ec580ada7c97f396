// Kubernetes' decode errors, from the one structural pass in structural.ts: a wrong JSON type is
// a 400 "cannot unmarshal", and with fieldValidation=Strict an unknown field is a 400
// "strict decoding error".
import { Errors, KubeObject, StatusError } from '@keelson/apimachinery';
import type { ApiResource } from '@keelson/resources';
import { QUANTITY_PATTERN_MESSAGE } from './quantity';
import { StructuralReport, checkStructure, versionOf } from './structural';

const cannotHandle = (resource: ApiResource, version: string, detail: string) =>
  Errors.badRequest(`${resource.kind} in version "${version}" cannot be handled as a ${resource.kind}: ${detail}`);

/** Paths of fields the kind's schema does not have, as Kubernetes prints them: `spec.template.spec.containers[0].imagez`. */
export function unknownFields(resource: ApiResource, o: KubeObject): string[] {
  return checkStructure(resource, o).unknownFields;
}

/** The 400 for a report's type error, if it has one. */
export function typeErrorOf(resource: ApiResource, report: StructuralReport): StatusError | undefined {
  const e = report.typeError;
  if (!e) return undefined;
  // Quantity's own unmarshaler rejects what is neither string nor number, in its own words.
  if (e.quantity) return cannotHandle(resource, report.version, QUANTITY_PATTERN_MESSAGE);
  return cannotHandle(resource, report.version, `json: cannot unmarshal ${e.value} into Go struct field ${resource.kind}.${e.field} of type ${e.goType}`);
}

/**
 * The first JSON type error, as kube-apiserver reports it (400 BadRequest):
 * `Deployment in version "v1" cannot be handled as a Deployment: json: cannot unmarshal
 * string into Go struct field Deployment.spec.replicas of type int32`. Go names the
 * innermost struct; this names the kind. Missing required fields are left to validation (422).
 */
export function decodeError(resource: ApiResource, o: KubeObject): StatusError | undefined {
  return typeErrorOf(resource, checkStructure(resource, o));
}

/** fieldValidation=Strict: `strict decoding error: unknown field "spec.containerz"` (400 BadRequest). */
export function strictDecodingError(resource: ApiResource, o: KubeObject, fields: readonly string[]): StatusError {
  const list = fields.map((f) => `unknown field "${f}"`).join(', ');
  return cannotHandle(resource, versionOf(resource, o), `strict decoding error: ${list}`);
}
