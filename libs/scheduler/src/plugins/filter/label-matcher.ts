import { requirementMatches, type LabelRequirement, type LabelRequirements } from '@keelson/apimachinery';

// Label selectors compiled once into plain predicates. The scheduler evaluates the same few
// selectors against every pod in the cluster each cycle (10,000 pods × every pending pod), so
// the generic `matches` (a switch per requirement, through module re-exports) is too slow there.
// Semantics are `labels.Selector.Matches`: null selects nothing, [] everything.
// Label values are strings; anything else found by indexing (a prototype member) is "absent".

export type LabelMatcher = (labels: Readonly<Record<string, string>>) => boolean;

export const MATCH_NONE: LabelMatcher = () => false;
export const MATCH_ALL: LabelMatcher = () => true;

function compileRequirement(r: LabelRequirement): LabelMatcher {
  const { key } = r;
  switch (r.operator) {
    case '=':
    case '==':
    case 'in': {
      if (r.values.length === 1) {
        const v = r.values[0];
        return (l) => l[key] === v;
      }
      const set = new Set(r.values);
      return (l) => typeof l[key] === 'string' && set.has(l[key]);
    }
    case '!=':
    case 'notin': {
      const set = new Set(r.values);
      return (l) => typeof l[key] !== 'string' || !set.has(l[key]);
    }
    case 'exists':
      return (l) => typeof l[key] === 'string';
    case '!':
      return (l) => typeof l[key] !== 'string';
    default:
      return (l) => typeof l[key] === 'string' && requirementMatches(r, l);
  }
}

export function compileSelector(requirements: LabelRequirements): LabelMatcher {
  if (requirements === null) return MATCH_NONE;
  const parts = requirements.map(compileRequirement);
  switch (parts.length) {
    case 0:
      return MATCH_ALL;
    case 1:
      return parts[0];
    case 2: {
      const [a, b] = parts;
      return (l) => a(l) && b(l);
    }
    default:
      return (l) => {
        for (const p of parts) if (!p(l)) return false;
        return true;
      };
  }
}

/**
 * An anchor is a selector's first equality-like requirement (app=web, app in (web,api)): a pod
 * can only match if it carries one of those values, so an index by label finds the candidates.
 */
export interface Anchor {
  readonly key: string;
  readonly values: readonly string[];
}

export function anchorOf(requirements: LabelRequirements): Anchor | undefined {
  const r = requirements?.find((q) => q.operator === '=' || q.operator === '==' || q.operator === 'in');
  return r ? { key: r.key, values: r.values } : undefined;
}
