import { StatusError } from '../status';
import { escapeFieldValue, FieldRequirement, fieldSelectorToString, fieldsMatch, parseFieldSelector, unescapeFieldValue } from './fields';

const eq = (field: string, value: string): FieldRequirement => ({ field, operator: '=', value });
const ne = (field: string, value: string): FieldRequirement => ({ field, operator: '!=', value });

describe('parseFieldSelector', () => {
  it.each<[string, FieldRequirement[]]>([
    ['', []],
    ['metadata.name=web', [eq('metadata.name', 'web')]],
    ['metadata.name==web', [eq('metadata.name', 'web')]],
    ['status.phase!=Running', [ne('status.phase', 'Running')]],
    ['status.phase=Running,spec.nodeName=n1', [eq('spec.nodeName', 'n1'), eq('status.phase', 'Running')]],
    ['spec.nodeName=', [eq('spec.nodeName', '')]],
    ['a=x\\,y', [eq('a', 'x,y')]],
    ['a=x\\=y', [eq('a', 'x=y')]],
    ['a=x\\\\y', [eq('a', 'x\\y')]],
    ['a=b,,c=d', [eq('a', 'b'), eq('c', 'd')]],
  ])('%j', (selector, expected) => {
    expect(parseFieldSelector(selector)).toEqual(expected);
  });

  it('given "a = b", then the field is "a " — whitespace is not trimmed', () => {
    expect(parseFieldSelector('a = b')).toEqual([eq('a ', ' b')]);
  });

  it.each<[string, string]>([
    ['metadata.name', "invalid selector: 'metadata.name'; can't understand 'metadata.name'"],
    ['a=b,c', "invalid selector: 'a=b,c'; can't understand 'c'"],
    ['a=b=c', 'invalid field selector: unescaped character in value: 61'],
    ['a=b\\', 'invalid field selector: invalid escape sequence: \\'],
    ['a=b\\x', 'invalid field selector: invalid escape sequence: \\x'],
  ])('given the invalid %j, then 400 BadRequest %j', (selector, message) => {
    try {
      parseFieldSelector(selector);
      throw new Error('expected a StatusError');
    } catch (e) {
      expect(e).toBeInstanceOf(StatusError);
      expect((e as StatusError).toStatus()).toMatchObject({ code: 400, reason: 'BadRequest', message });
    }
  });
});

describe('escaping', () => {
  it.each(['plain', 'a,b', 'a=b', 'a\\b', '\\,='])('given %j, when escaped then unescaped, then it is unchanged', (value) => {
    expect(unescapeFieldValue(escapeFieldValue(value))).toBe(value);
  });

  it('given requirements, when printed, then values are escaped and the result parses back', () => {
    const reqs = [eq('a', 'x,y'), ne('b', 'p=q')];
    expect(fieldSelectorToString(reqs)).toBe('a=x\\,y,b!=p\\=q');
    expect(parseFieldSelector(fieldSelectorToString(reqs))).toEqual(reqs);
  });
});

describe('fieldsMatch', () => {
  const fields: Record<string, string> = { 'status.phase': 'Running', 'spec.nodeName': 'n1' };
  it.each<[string, boolean]>([
    ['status.phase=Running', true],
    ['status.phase!=Running', false],
    ['status.phase=Running,spec.nodeName=n2', false],
    ['spec.nodeName!=n2', true],
    ['status.podIP=', true], // an absent field reads as ""
  ])('given %j, then %s', (selector, expected) => {
    expect(fieldsMatch(parseFieldSelector(selector), (f) => fields[f])).toBe(expected);
  });
});
