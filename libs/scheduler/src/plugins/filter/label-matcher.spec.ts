import { labelSelectorToRequirements, matches, type LabelSelector } from '@keelson/apimachinery';
import { compileSelector } from './label-matcher';

// The compiled predicate must agree with apimachinery's `matches` on every case.
describe('compileSelector', () => {
  const labelSets: Record<string, string>[] = [{}, { app: 'web' }, { app: 'db', tier: 'primary' }, { app: 'web', tier: 'edge', size: '10' }, { constructor: 'x' }];
  const selectors: (LabelSelector | null)[] = [
    null,
    {},
    { matchLabels: { app: 'web' } },
    { matchLabels: { app: 'web', tier: 'edge' } },
    { matchExpressions: [{ key: 'app', operator: 'In', values: ['web', 'db'] }] },
    { matchExpressions: [{ key: 'tier', operator: 'NotIn', values: ['edge'] }] },
    { matchExpressions: [{ key: 'tier', operator: 'Exists' }] },
    { matchExpressions: [{ key: 'tier', operator: 'DoesNotExist' }] },
    { matchExpressions: [{ key: 'constructor', operator: 'Exists' }] },
    { matchExpressions: [{ key: 'toString', operator: 'DoesNotExist' }] },
    { matchLabels: { app: 'web' }, matchExpressions: [{ key: 'tier', operator: 'Exists' }, { key: 'size', operator: 'NotIn', values: ['1'] }] },
  ];
  const cases = selectors.flatMap((selector) => labelSets.map((labels) => ({ selector, labels })));

  it.each(cases)('given selector $selector and labels $labels, then it agrees with matches()', ({ selector, labels }) => {
    const requirements = labelSelectorToRequirements(selector);
    expect(compileSelector(requirements)(labels)).toBe(matches(requirements, labels));
  });
});
