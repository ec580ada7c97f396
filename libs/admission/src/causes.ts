// Field causes that Cause.* in @keelson/apimachinery does not carry, and the small helpers
// every validator uses to read untyped JSON.
import { Cause as BaseCause, StatusCause } from '@keelson/apimachinery';

/** Cause.* with `required(field, detail)` printing "Required value: detail" as field.Required does. */
export const Cause = {
  ...BaseCause,
  required: (field: string, detail?: string) => BaseCause.required(field, detail ? `Required value: ${detail}` : 'Required value'),
};
export type Causes = StatusCause[];

export const notFound = (field: string, value: unknown): StatusCause => ({ reason: 'FieldValueNotFound', field, message: `Not found: ${JSON.stringify(value)}` });
export const tooLong = (field: string, max: number): StatusCause => ({ reason: 'FieldValueTooLong', field, message: `Too long: must have at most ${max} bytes` });
export const tooMany = (field: string, actual: number, max: number): StatusCause => ({ reason: 'FieldValueTooMany', field, message: `Too many: ${actual}: must have at most ${max} items` });
export const immutable = (field: string, value: unknown): StatusCause => Cause.invalid(field, value, 'field is immutable');

/** One Invalid cause per detail string (name checks return several). */
export const invalidEach = (field: string, value: unknown, details: readonly string[]): StatusCause[] => details.map((d) => Cause.invalid(field, value, d));

export type Json = Record<string, unknown>;
export const obj = (v: unknown): Json | undefined => (typeof v === 'object' && v !== null && !Array.isArray(v) ? (v as Json) : undefined);
export const arr = (v: unknown): unknown[] => (Array.isArray(v) ? v : []);
export const str = (v: unknown): string | undefined => (typeof v === 'string' ? v : undefined);
export const num = (v: unknown): number | undefined => (typeof v === 'number' ? v : undefined);

export function nonNegative(field: string, v: unknown): StatusCause[] {
  return typeof v === 'number' && v < 0 ? [Cause.invalid(field, v, 'must be greater than or equal to 0')] : [];
}

export function oneOf(field: string, v: unknown, allowed: readonly string[], required = false): StatusCause[] {
  if (v === undefined || v === '') return required ? [Cause.required(field)] : [];
  return allowed.includes(v as string) ? [] : [Cause.notSupported(field, v, allowed)];
}

/** Structural equality of JSON values, for immutability checks. */
export function deepEqual(a: unknown, b: unknown): boolean {
  if (a === b) return true;
  if (typeof a !== 'object' || typeof b !== 'object' || a === null || b === null) return false;
  if (Array.isArray(a) !== Array.isArray(b)) return false;
  const ka = Object.keys(a as Json).filter((k) => (a as Json)[k] !== undefined);
  const kb = Object.keys(b as Json).filter((k) => (b as Json)[k] !== undefined);
  return ka.length === kb.length && ka.every((k) => deepEqual((a as Json)[k], (b as Json)[k]));
}
