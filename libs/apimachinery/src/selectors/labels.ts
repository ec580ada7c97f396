// Label selectors as the `labelSelector` query parameter carries them, parsed exactly as
// k8s.io/apimachinery/pkg/labels/selector.go does: same grammar, same order of checks,
// same error wording (kubectl shows it verbatim after "Error from server (BadRequest): ").

import { invalidFieldMessage, isQualifiedName, isValidLabelValue } from './validation';

/** `selection.Operator` values, spelled as Kubernetes spells them. */
export type LabelOperator = '=' | '==' | '!=' | 'in' | 'notin' | 'exists' | '!' | 'gt' | 'lt';

export interface LabelRequirement {
  readonly key: string;
  readonly operator: LabelOperator;
  readonly values: readonly string[];
}

/** `[]` selects everything; `null` (a nil `*LabelSelector`) selects nothing. */
export type LabelRequirements = readonly LabelRequirement[] | null;

export const BINARY_OPERATORS = ['in', 'notin', '=', '==', '!=', 'gt', 'lt'];

/** Go's `%#v` of a `[]string`, used when a whole values list is the bad value. */
const goStringSlice = (vs: readonly string[] | null) => (vs === null ? '[]string(nil)' : `[]string{${vs.map((v) => JSON.stringify(v)).join(', ')}}`);

/**
 * `labels.NewRequirement`: checks the key, the number of values for the operator and each
 * value. Returns the error text (Go's aggregate: one message, or "[a, b]") or null.
 */
export function requirementError(key: string, operator: LabelOperator, values: readonly string[] | null): string | null {
  const errs: string[] = [];
  const keyErrs = isQualifiedName(key);
  if (keyErrs.length) errs.push(invalidFieldMessage('key', key, keyErrs.join('; ')));
  const vals = values ?? [];
  const bad = (detail: string) => `values: Invalid value: ${goStringSlice(values)}: ${detail}`;
  switch (operator) {
    case 'in':
    case 'notin':
      if (vals.length === 0) errs.push(bad("for 'in', 'notin' operators, values set can't be empty"));
      break;
    case '=':
    case '==':
    case '!=':
      if (vals.length !== 1) errs.push(bad('exact-match compatibility requires one single value'));
      break;
    case 'exists':
    case '!':
      if (vals.length !== 0) errs.push(bad('values set must be empty for exists and does not exist'));
      break;
    case 'gt':
    case 'lt':
      if (vals.length !== 1) errs.push(bad("for 'Gt', 'Lt' operators, exactly one value is required"));
      vals.forEach((v, i) => {
        if (!/^[+-]?\d+$/.test(v)) errs.push(invalidFieldMessage(`values[${i}]`, v, "for 'Gt', 'Lt' operators, the value must be an integer"));
      });
      break;
    default: {
      const never: never = operator;
      errs.push(`operator: Unsupported value: ${JSON.stringify(never)}`);
    }
  }
  vals.forEach((v, i) => {
    const valueErrs = isValidLabelValue(v);
    if (valueErrs.length) errs.push(invalidFieldMessage(`values[${i}][${key}]`, v, valueErrs.join('; ')));
  });
  const unique = [...new Set(errs)];
  if (unique.length === 0) return null;
  return unique.length === 1 ? unique[0] : `[${unique.join(', ')}]`;
}

/** Requirements are kept sorted by key, as `internalSelector` keeps them. */
export const sortByKey = (rs: LabelRequirement[]): LabelRequirement[] => rs.sort((a, b) => (a.key < b.key ? -1 : a.key > b.key ? 1 : 0));

/** `Requirement.Matches`. `!=` and `notin` also match objects that lack the key. */
export function requirementMatches(r: LabelRequirement, labels: Readonly<Record<string, string>>): boolean {
  const has = Object.prototype.hasOwnProperty.call(labels, r.key);
  const value = has ? labels[r.key] : undefined;
  switch (r.operator) {
    case '=':
    case '==':
    case 'in':
      return has && r.values.includes(value as string);
    case '!=':
    case 'notin':
      return !has || !r.values.includes(value as string);
    case 'exists':
      return has;
    case '!':
      return !has;
    case 'gt':
    case 'lt': {
      if (!has || !/^[+-]?\d+$/.test(value as string) || r.values.length !== 1) return false;
      const [actual, bound] = [BigInt(value as string), BigInt(r.values[0])];
      return r.operator === 'gt' ? actual > bound : actual < bound;
    }
    default: {
      const never: never = r.operator;
      return never;
    }
  }
}

/** True when every requirement holds; an empty list matches all, `null` matches none. */
export function matches(requirements: LabelRequirements, labels: Readonly<Record<string, string>> | undefined): boolean {
  if (requirements === null) return false;
  const ls = labels ?? {};
  return requirements.every((r) => requirementMatches(r, ls));
}

/** `Requirement.String()`: `!a`, `a`, `a=b`, `a in (x,y)` — values sorted on output. */
export function requirementToString(r: LabelRequirement): string {
  const prefix = r.operator === '!' ? '!' : '';
  const values = [...r.values].sort().join(',');
  switch (r.operator) {
    case 'exists':
    case '!':
      return `${prefix}${r.key}`;
    case 'in':
    case 'notin':
      return `${r.key} ${r.operator} (${values})`;
    case 'gt':
      return `${r.key}>${values}`;
    case 'lt':
      return `${r.key}<${values}`;
    default:
      return `${r.key}${r.operator}${values}`;
  }
}

/** `Selector.String()`: requirements joined with ",". `null` (Nothing) prints as "". */
export function selectorToString(requirements: LabelRequirements): string {
  return (requirements ?? []).map(requirementToString).join(',');
}
