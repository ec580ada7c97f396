import { StatusError } from '../status';
import { parseLabelSelector } from './label-parser';
import { LabelRequirement } from './labels';

const req = (key: string, operator: LabelRequirement['operator'], ...values: string[]): LabelRequirement => ({ key, operator, values });

const NAME_PART =
  "name part must consist of alphanumeric characters, '-', '_' or '.', and must start and end with an alphanumeric character (e.g. 'MyName',  or 'my.name',  or '123-abc', regex used for validation is '([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9]')";
const LABEL_VALUE =
  "a valid label must be an empty string or consist of alphanumeric characters, '-', '_' or '.', and must start and end with an alphanumeric character (e.g. 'MyValue',  or 'my_value',  or '12345', regex used for validation is '(([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9])?')";
const PREFIX_PART =
  "prefix part a lowercase RFC 1123 subdomain must consist of lower case alphanumeric characters, '-' or '.', and must start and end with an alphanumeric character (e.g. 'example.com', regex used for validation is '[a-z0-9]([-a-z0-9]*[a-z0-9])?(\\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*')";
const OPS = 'in, notin, =, ==, !=, gt, lt';

describe('parseLabelSelector', () => {
  describe('given a valid selector, it yields the requirements sorted by key', () => {
    it.each<[string, LabelRequirement[]]>([
      ['', []],
      ['   ', []],
      ['app=web', [req('app', '=', 'web')]],
      ['app==web', [req('app', '==', 'web')]],
      ['app!=web', [req('app', '!=', 'web')]],
      ['app in (web,api)', [req('app', 'in', 'api', 'web')]],
      ['app notin (web)', [req('app', 'notin', 'web')]],
      ['app', [req('app', 'exists')]],
      ['!app', [req('app', '!')]],
      ['  tier = db ,  app ', [req('app', 'exists'), req('tier', '=', 'db')]],
      ['z=1,a=2', [req('a', '=', '2'), req('z', '=', '1')]],
      ['app=', [req('app', '=', '')]],
      ['app in ()', [req('app', 'in', '')]],
      ['app in (,web)', [req('app', 'in', '', 'web')]],
      ['app in (web,web)', [req('app', 'in', 'web')]],
      ['in=notin', [req('in', '=', 'notin')]],
      ['replicas>3', [req('replicas', 'gt', '3')]],
      ['replicas<3', [req('replicas', 'lt', '3')]],
      ['app.kubernetes.io/name=web,!app.kubernetes.io/part-of', [req('app.kubernetes.io/name', '=', 'web'), req('app.kubernetes.io/part-of', '!')]],
      ['a\tin\t(x)', [req('a', 'in', 'x')]],
    ])('%j', (selector, expected) => {
      expect(parseLabelSelector(selector)).toEqual(expected);
    });
  });

  describe('given an invalid selector, it throws 400 BadRequest with Kubernetes\' message', () => {
    it.each<[string, string]>([
      ['a b', `unable to parse requirement: found 'b', expected: ${OPS}`],
      ['a!', `unable to parse requirement: found '!', expected: ${OPS}`],
      [',a', "found ',', expected: !, identifier, or 'end of string'"],
      ['=a', "found '=', expected: !, identifier, or 'end of string'"],
      ['a,', "found '', expected: identifier after ','"],
      ['a=b c', "found 'c', expected: ',' or 'end of string'"],
      ['!a=b', "found '=', expected: ',' or 'end of string'"],
      ['a in x', "unable to parse requirement: found 'x' expected: '('"],
      ['a in (x', "unable to parse requirement: found '', expected: ',' or ')'"],
      ['a in (x y)', "unable to parse requirement: found 'y', expected: ',' or ')'"],
      ['a in (=)', "unable to parse requirement: found '=', expected: ',', ')' or identifier"],
      ['a=(b', "unable to parse requirement: found '(', expected: identifier"],
      ['a@b=c', `unable to parse requirement: <nil>: Invalid value: "a@b": ${NAME_PART}`],
      ['a/b/c', `unable to parse requirement: <nil>: Invalid value: "a/b/c": a qualified name ${NAME_PART.slice('name part '.length)} with an optional DNS subdomain prefix and '/' (e.g. 'example.com/MyName')`],
      ['Example.com/a=b', `unable to parse requirement: <nil>: Invalid value: "Example.com/a": ${PREFIX_PART}`],
      ['/a', 'unable to parse requirement: <nil>: Invalid value: "/a": prefix part must be non-empty'],
      ['a=b@', `unable to parse requirement: values[0][a]: Invalid value: "b@": ${LABEL_VALUE}`],
      [`a=${'x'.repeat(64)}`, `unable to parse requirement: values[0][a]: Invalid value: "${'x'.repeat(64)}": must be no more than 63 characters`],
      ['a>b', `unable to parse requirement: values[0]: Invalid value: "b": for 'Gt', 'Lt' operators, the value must be an integer`],
    ])('%j', (selector, message) => {
      let caught: unknown;
      try {
        parseLabelSelector(selector);
      } catch (e) {
        caught = e;
      }
      expect(caught).toBeInstanceOf(StatusError);
      expect((caught as StatusError).toStatus()).toMatchObject({ code: 400, reason: 'BadRequest', message });
    });
  });

  it('given a key of 63 characters it is accepted, and one of 64 is refused', () => {
    expect(parseLabelSelector(`${'k'.repeat(63)}=v`)).toHaveLength(1);
    expect(() => parseLabelSelector(`${'k'.repeat(64)}=v`)).toThrow('name part must be no more than 63 characters');
  });
});
