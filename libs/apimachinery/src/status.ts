// Errors that reach a user are Kubernetes `Status` objects (meta/v1), with a reason and,
// for invalid input, the causes naming the failing fields. One class carries them from
// wherever they are raised to the HTTP and NATS front doors.

export type StatusReason =
  | 'BadRequest'
  | 'Unauthorized'
  | 'Forbidden'
  | 'NotFound'
  | 'AlreadyExists'
  | 'Conflict'
  | 'Gone'
  | 'Invalid'
  | 'MethodNotAllowed'
  | 'NotAcceptable'
  | 'UnsupportedMediaType'
  | 'RequestEntityTooLarge'
  | 'Timeout'
  | 'TooManyRequests'
  | 'InternalError'
  | 'ServiceUnavailable'
  | 'Expired';

export interface StatusCause {
  readonly reason?: string; // FieldValueRequired, FieldValueInvalid, FieldValueNotSupported, FieldValueDuplicate, FieldValueForbidden, FieldValueTooLong
  readonly message: string;
  readonly field?: string; // e.g. "spec.containers[0].image"
}

export interface StatusDetails {
  readonly name?: string;
  readonly group?: string;
  readonly kind?: string;
  readonly uid?: string;
  readonly causes?: readonly StatusCause[];
  readonly retryAfterSeconds?: number;
}

export interface Status {
  readonly kind: 'Status';
  readonly apiVersion: 'v1';
  readonly metadata: Record<string, unknown>;
  readonly status: 'Success' | 'Failure';
  readonly message?: string;
  readonly reason?: StatusReason;
  readonly details?: StatusDetails;
  readonly code: number;
}

export class StatusError extends Error {
  constructor(
    readonly code: number,
    readonly reason: StatusReason,
    message: string,
    readonly details?: StatusDetails,
  ) {
    super(message);
    this.name = 'StatusError';
  }

  toStatus(): Status {
    return {
      kind: 'Status',
      apiVersion: 'v1',
      metadata: {},
      status: 'Failure',
      message: this.message,
      reason: this.reason,
      ...(this.details ? { details: this.details } : {}),
      code: this.code,
    };
  }

  /** The same error with another message (Kubernetes words some NotFound errors differently). */
  withMessage(message: string): StatusError {
    return new StatusError(this.code, this.reason, message, this.details);
  }

  static isStatusError(e: unknown): e is StatusError {
    return e instanceof StatusError;
  }

  /** Rebuilds an error from a Status received over the wire (NATS replies, HTTP clients). */
  static fromStatus(s: Status): StatusError {
    return new StatusError(s.code, s.reason ?? 'InternalError', s.message ?? '', s.details);
  }
}

/** "pods" + "apps" → "pods.apps"; core group stays bare, as Kubernetes prints it. */
export function qualifiedResource(resource: string, group = ''): string {
  return group ? `${resource}.${group}` : resource;
}

export const Errors = {
  notFound: (resource: string, group: string, name: string) =>
    new StatusError(404, 'NotFound', `${qualifiedResource(resource, group)} "${name}" not found`, { name, group, kind: resource }),
  alreadyExists: (resource: string, group: string, name: string) =>
    new StatusError(409, 'AlreadyExists', `${qualifiedResource(resource, group)} "${name}" already exists`, { name, group, kind: resource }),
  conflict: (resource: string, group: string, name: string, why = 'the object has been modified; please apply your changes to the latest version and try again') =>
    new StatusError(409, 'Conflict', `Operation cannot be fulfilled on ${qualifiedResource(resource, group)} "${name}": ${why}`, { name, group, kind: resource }),
  /** 422, with one cause per failing field: `Kind "name" is invalid: field: message, ...` */
  invalid: (kind: string, group: string, name: string, causes: readonly StatusCause[]) =>
    new StatusError(
      422,
      'Invalid',
      `${group ? `${kind}.${group}` : kind} "${name}" is invalid: ${causes.map((c) => (c.field ? `${c.field}: ${c.message}` : c.message)).join(', ')}`,
      { name, group, kind, causes },
    ),
  badRequest: (message: string) => new StatusError(400, 'BadRequest', message),
  gone: (message: string) => new StatusError(410, 'Expired', message),
  methodNotAllowed: (message: string) => new StatusError(405, 'MethodNotAllowed', message),
  notAcceptable: (message: string) => new StatusError(406, 'NotAcceptable', message),
  unsupportedMediaType: (contentType: string) =>
    new StatusError(415, 'UnsupportedMediaType', `the body of the request was in an unknown format - accepted media types include: application/json, application/yaml, application/vnd.kubernetes.protobuf`.replace('unknown format', `unknown format (${contentType})`)),
  forbidden: (resource: string, group: string, name: string, why: string) =>
    new StatusError(403, 'Forbidden', `${qualifiedResource(resource, group)} "${name}" is forbidden: ${why}`, { name, group, kind: resource }),
  internal: (message: string) => new StatusError(500, 'InternalError', `Internal error occurred: ${message}`),
  timeout: (message: string) => new StatusError(504, 'Timeout', message),
  unavailable: (message: string) => new StatusError(503, 'ServiceUnavailable', message),
};

/** A field cause in Kubernetes' words. */
export const Cause = {
  required: (field: string, detail = 'Required value') => ({ reason: 'FieldValueRequired', field, message: detail }) as const,
  invalid: (field: string, value: unknown, detail: string) =>
    ({ reason: 'FieldValueInvalid', field, message: `Invalid value: ${JSON.stringify(value)}: ${detail}` }) as const,
  notSupported: (field: string, value: unknown, allowed: readonly string[]) =>
    ({ reason: 'FieldValueNotSupported', field, message: `Unsupported value: ${JSON.stringify(value)}: supported values: ${allowed.map((a) => `"${a}"`).join(', ')}` }) as const,
  duplicate: (field: string, value: unknown) => ({ reason: 'FieldValueDuplicate', field, message: `Duplicate value: ${JSON.stringify(value)}` }) as const,
  forbidden: (field: string, detail: string) => ({ reason: 'FieldValueForbidden', field, message: `Forbidden: ${detail}` }) as const,
};
