// `metav1.LabelSelector` objects (spec.selector of Deployments, Services' pod selectors as
// maps, NetworkPolicy podSelector) turned into the same requirement form the query-string
// parser yields, and printed the way kubectl prints them.

import { Errors } from '../status';
import { LabelOperator, LabelRequirement, LabelRequirements, requirementError, selectorToString, sortByKey } from './labels';

export type LabelSelectorOperator = 'In' | 'NotIn' | 'Exists' | 'DoesNotExist';

export interface LabelSelectorRequirement {
  readonly key: string;
  readonly operator: LabelSelectorOperator | string;
  readonly values?: readonly string[];
}

export interface LabelSelector {
  readonly matchLabels?: Readonly<Record<string, string>>;
  readonly matchExpressions?: readonly LabelSelectorRequirement[];
}

const OPERATORS: Readonly<Record<LabelSelectorOperator, LabelOperator>> = { In: 'in', NotIn: 'notin', Exists: 'exists', DoesNotExist: '!' };

/**
 * `metav1.LabelSelectorAsSelector`: a missing selector selects nothing (`null`), an empty one
 * everything (`[]`). Invalid keys, values or operators are a 400 with Kubernetes' message.
 */
export function labelSelectorToRequirements(selector: LabelSelector | null | undefined): LabelRequirements {
  if (selector === null || selector === undefined) return null;
  const requirements: LabelRequirement[] = [];
  for (const [key, value] of Object.entries(selector.matchLabels ?? {})) {
    const err = requirementError(key, '=', [value]);
    if (err) throw Errors.badRequest(err);
    requirements.push({ key, operator: '=', values: [value] });
  }
  for (const expr of selector.matchExpressions ?? []) {
    const operator = Object.prototype.hasOwnProperty.call(OPERATORS, expr.operator) ? OPERATORS[expr.operator as LabelSelectorOperator] : undefined;
    if (!operator) throw Errors.badRequest(`${JSON.stringify(expr.operator)} is not a valid label selector operator`);
    const values = expr.values ? [...expr.values] : null;
    const err = requirementError(expr.key, operator, values);
    if (err) throw Errors.badRequest(err);
    requirements.push({ key: expr.key, operator, values: values ?? [] });
  }
  return sortByKey(requirements);
}

/**
 * `metav1.FormatLabelSelector`, as the wide SELECTOR columns show it: "<none>" for a missing
 * or empty selector, "<error>" for an invalid one.
 */
export function formatLabelSelector(selector: LabelSelector | null | undefined): string {
  let requirements: LabelRequirements;
  try {
    requirements = labelSelectorToRequirements(selector);
  } catch {
    return '<error>';
  }
  return selectorToString(requirements) || '<none>';
}

/** `labels.FormatLabels`: a plain map as "k=v,k2=v2" sorted by key, "<none>" when empty. */
export function formatLabels(labels: Readonly<Record<string, string>> | null | undefined): string {
  const keys = Object.keys(labels ?? {}).sort();
  return keys.length ? keys.map((k) => `${k}=${labels![k]}`).join(',') : '<none>';
}

/** A plain selector map (a Service's `spec.selector`) as equality requirements. */
export function mapToRequirements(labels: Readonly<Record<string, string>>): LabelRequirement[] {
  return sortByKey(Object.keys(labels).map((key) => ({ key, operator: '=' as const, values: [labels[key]] })));
}
