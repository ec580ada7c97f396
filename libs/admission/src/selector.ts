// metav1.LabelSelector: syntax checks (ValidateLabelSelector) and matching, which the
// "selector does not match template labels" rule needs.
import { Cause, Causes, Json, arr, invalidEach, obj, str } from './causes';
import { isQualifiedName } from './names';
import { validateLabels } from './meta';

const OPERATORS = ['In', 'NotIn', 'Exists', 'DoesNotExist'];

export interface LabelSelector {
  matchLabels?: Record<string, string>;
  matchExpressions?: { key: string; operator: string; values?: string[] }[];
}

export function isEmptySelector(sel: Json): boolean {
  return Object.keys(obj(sel.matchLabels) ?? {}).length === 0 && arr(sel.matchExpressions).length === 0;
}

/** True when every matchLabels pair and every expression holds for `labels`. An empty selector matches everything. */
export function labelSelectorMatches(selector: LabelSelector, labels: Record<string, string> | undefined): boolean {
  const l = labels ?? {};
  for (const [k, v] of Object.entries(selector.matchLabels ?? {})) if (l[k] !== v) return false;
  for (const e of selector.matchExpressions ?? []) {
    const has = Object.prototype.hasOwnProperty.call(l, e.key);
    const inValues = has && (e.values ?? []).includes(l[e.key]);
    const ok = e.operator === 'In' ? inValues : e.operator === 'NotIn' ? !inValues : e.operator === 'Exists' ? has : e.operator === 'DoesNotExist' ? !has : false;
    if (!ok) return false;
  }
  return true;
}

export function validateLabelSelector(sel: Json, path: string): Causes {
  const out: Causes = [...validateLabels(sel.matchLabels, `${path}.matchLabels`)];
  arr(sel.matchExpressions).forEach((raw, i) => {
    const e = obj(raw) ?? {};
    const at = `${path}.matchExpressions[${i}]`;
    const key = str(e.key) ?? '';
    out.push(...invalidEach(`${at}.key`, key, isQualifiedName(key)));
    const values = arr(e.values);
    if (!OPERATORS.includes(String(e.operator))) out.push(Cause.invalid(`${at}.operator`, e.operator, 'not a valid selector operator'));
    else if ((e.operator === 'In' || e.operator === 'NotIn') && values.length === 0) {
      out.push(Cause.required(`${at}.values`, 'must be specified when `operator` is \'In\' or \'NotIn\''));
    } else if ((e.operator === 'Exists' || e.operator === 'DoesNotExist') && values.length > 0) {
      out.push(Cause.forbidden(`${at}.values`, 'may not be specified when `operator` is \'Exists\' or \'DoesNotExist\''));
    }
  });
  return out;
}
