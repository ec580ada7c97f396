import { StatusError } from '../status';
import { formatLabels, formatLabelSelector, LabelSelector, labelSelectorToRequirements, mapToRequirements } from './label-selector';
import { matches } from './labels';

describe('labelSelectorToRequirements', () => {
  it('given matchLabels and matchExpressions, then one requirement each, sorted by key', () => {
    const selector: LabelSelector = {
      matchLabels: { tier: 'fe', app: 'web' },
      matchExpressions: [
        { key: 'env', operator: 'In', values: ['prod', 'canary'] },
        { key: 'track', operator: 'NotIn', values: ['beta'] },
        { key: 'owner', operator: 'Exists' },
        { key: 'legacy', operator: 'DoesNotExist' },
      ],
    };
    expect(labelSelectorToRequirements(selector)).toEqual([
      { key: 'app', operator: '=', values: ['web'] },
      { key: 'env', operator: 'in', values: ['prod', 'canary'] },
      { key: 'legacy', operator: '!', values: [] },
      { key: 'owner', operator: 'exists', values: [] },
      { key: 'tier', operator: '=', values: ['fe'] },
      { key: 'track', operator: 'notin', values: ['beta'] },
    ]);
  });

  it('given no selector, then it selects nothing; given an empty one, everything', () => {
    expect(labelSelectorToRequirements(undefined)).toBeNull();
    expect(matches(labelSelectorToRequirements(undefined), { a: 'b' })).toBe(false);
    expect(labelSelectorToRequirements({})).toEqual([]);
    expect(matches(labelSelectorToRequirements({}), { a: 'b' })).toBe(true);
  });

  it.each<[LabelSelector, string]>([
    [{ matchExpressions: [{ key: 'a', operator: 'Gt', values: ['1'] }] }, '"Gt" is not a valid label selector operator'],
    [{ matchExpressions: [{ key: 'a', operator: 'In' }] }, "values: Invalid value: []string(nil): for 'in', 'notin' operators, values set can't be empty"],
    [{ matchExpressions: [{ key: 'a', operator: 'Exists', values: ['x'] }] }, 'values: Invalid value: []string{"x"}: values set must be empty for exists and does not exist'],
    [{ matchLabels: { 'a b': 'c' } }, 'key: Invalid value: "a b": name part must consist of'],
    [{ matchLabels: { a: 'c d' } }, 'values[0][a]: Invalid value: "c d": a valid label must be'],
  ])('given the invalid selector %j, then 400 "%s…"', (selector, message) => {
    try {
      labelSelectorToRequirements(selector);
      throw new Error('expected a StatusError');
    } catch (e) {
      expect(e).toBeInstanceOf(StatusError);
      expect((e as StatusError).code).toBe(400);
      expect((e as StatusError).message.startsWith(message)).toBe(true);
    }
  });
});

describe('formatLabelSelector (as kubectl -o wide prints SELECTOR)', () => {
  it.each<[LabelSelector | undefined, string]>([
    [{ matchLabels: { app: 'nginx' } }, 'app=nginx'],
    [{ matchLabels: { b: '2', a: '1' }, matchExpressions: [{ key: 'c', operator: 'In', values: ['z', 'y'] }] }, 'a=1,b=2,c in (y,z)'],
    [{ matchExpressions: [{ key: 'c', operator: 'DoesNotExist' }] }, '!c'],
    [{}, '<none>'],
    [undefined, '<none>'],
    [{ matchExpressions: [{ key: 'c', operator: 'Bogus' }] }, '<error>'],
  ])('given %j, then %j', (selector, printed) => {
    expect(formatLabelSelector(selector)).toBe(printed);
  });
});

describe('formatLabels and mapToRequirements', () => {
  it('given a map, then sorted k=v pairs, and "<none>" when empty', () => {
    expect(formatLabels({ run: 'web', app: 'x' })).toBe('app=x,run=web');
    expect(formatLabels({})).toBe('<none>');
    expect(formatLabels(undefined)).toBe('<none>');
  });

  it('given a Service selector map, then equality requirements that match the pods it targets', () => {
    const reqs = mapToRequirements({ app: 'web', tier: 'fe' });
    expect(matches(reqs, { app: 'web', tier: 'fe', extra: '1' })).toBe(true);
    expect(matches(reqs, { app: 'web' })).toBe(false);
  });
});
