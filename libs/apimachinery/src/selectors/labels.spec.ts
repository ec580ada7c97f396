import { parseLabelSelector } from './label-parser';
import { matches, selectorToString } from './labels';

describe('matches', () => {
  it.each<[string, Record<string, string> | undefined, boolean]>([
    ['', { app: 'web' }, true],
    ['', undefined, true],
    ['app=web', { app: 'web' }, true],
    ['app=web', { app: 'api' }, false],
    ['app=web', {}, false],
    ['app==web', { app: 'web' }, true],
    ['app!=web', { app: 'web' }, false],
    ['app!=web', { app: 'api' }, true],
    ['app!=web', {}, true], // != matches objects without the key
    ['app in (web,api)', { app: 'api' }, true],
    ['app in (web,api)', { app: 'db' }, false],
    ['app in (web,api)', {}, false],
    ['app notin (web,api)', { app: 'db' }, true],
    ['app notin (web,api)', { app: 'web' }, false],
    ['app notin (web)', undefined, true], // notin matches objects without the key
    ['app', { app: '' }, true],
    ['app', { other: 'x' }, false],
    ['!app', { other: 'x' }, true],
    ['!app', { app: 'web' }, false],
    ['app=', { app: '' }, true],
    ['app=', {}, false],
    ['n>3', { n: '5' }, true],
    ['n>3', { n: '3' }, false],
    ['n<3', { n: '-1' }, true],
    ['n>3', { n: 'five' }, false],
    ['n>3', {}, false],
    ['app=web,tier!=db', { app: 'web', tier: 'fe' }, true],
    ['app=web,tier!=db', { app: 'web', tier: 'db' }, false],
    ['constructor', {}, false], // no prototype keys leak in as labels
  ])('given selector %j and labels %j, then %s', (selector, labels, expected) => {
    expect(matches(parseLabelSelector(selector), labels)).toBe(expected);
  });

  it('given a nil selector (null), then nothing matches', () => {
    expect(matches(null, {})).toBe(false);
  });
});

describe('selectorToString', () => {
  it.each<[string, string]>([
    ['', ''],
    ['b=2,a=1', 'a=1,b=2'],
    ['a==1', 'a==1'],
    ['a!=1', 'a!=1'],
    ['a  in (y, x)', 'a in (x,y)'],
    ['a notin (x)', 'a notin (x)'],
    ['a', 'a'],
    ['!a', '!a'],
    ['a>1,b<2', 'a>1,b<2'],
  ])('given %j, when printed, then %j (round trip)', (selector, printed) => {
    const reqs = parseLabelSelector(selector);
    expect(selectorToString(reqs)).toBe(printed);
    expect(parseLabelSelector(printed)).toEqual(reqs);
  });
});
