// Label selection as the controllers use it: an invalid or missing selector selects nothing.

import { LabelSelector, LabelRequirements, labelSelectorToRequirements, matches } from '@keelson/apimachinery';

export function selectorRequirements(selector: LabelSelector | undefined): LabelRequirements {
  try {
    return labelSelectorToRequirements(selector);
  } catch {
    return null;
  }
}

export function selects(selector: LabelSelector | undefined, labels: Readonly<Record<string, string>> | undefined): boolean {
  return matches(selectorRequirements(selector), labels);
}

/** `metav1.LabelSelector{}`: an empty selector would select every pod in the namespace. */
export function isEmptySelector(selector: LabelSelector | undefined): boolean {
  return selector !== undefined && Object.keys(selector.matchLabels ?? {}).length === 0 && (selector.matchExpressions ?? []).length === 0;
}
