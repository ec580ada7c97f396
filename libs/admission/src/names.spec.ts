import { isConfigMapKey, isDNS1035Label, isDNS1123Label, isDNS1123Subdomain, isQualifiedName, isValidLabelValue, isValidPortName } from './names';

const SUBDOMAIN_MSG =
  "a lowercase RFC 1123 subdomain must consist of lower case alphanumeric characters, '-' or '.', and must start and end with an alphanumeric character (e.g. 'example.com', regex used for validation is '[a-z0-9]([-a-z0-9]*[a-z0-9])?(\\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*')";

describe('name syntax', () => {
  it('given "Foo_", then the subdomain check answers in Kubernetes\' words', () => {
    expect(isDNS1123Subdomain('Foo_')).toEqual([SUBDOMAIN_MSG]);
  });

  it.each([
    [isDNS1123Subdomain, 'nginx-deployment', true],
    [isDNS1123Subdomain, 'a.b.c', true],
    [isDNS1123Subdomain, '-a', false],
    [isDNS1123Label, 'a.b', false],
    [isDNS1123Label, '123-abc', true],
    [isDNS1035Label, '123-abc', false],
    [isDNS1035Label, 'hostnames', true],
    [isQualifiedName, 'app', true],
    [isQualifiedName, 'app.kubernetes.io/name', true],
    [isQualifiedName, 'Bad Key', false],
    [isQualifiedName, '/name', false],
    [isQualifiedName, 'a/b/c', false],
    [isValidLabelValue, '', true],
    [isValidLabelValue, 'my_value', true],
    [isValidLabelValue, 'bad value', false],
    [isConfigMapKey, 'app.properties', true],
    [isConfigMapKey, 'a/b', false],
    [isConfigMapKey, '..', false],
    [isValidPortName, 'http', true],
    [isValidPortName, '80', false],
    [isValidPortName, 'a--b', false],
  ] as const)('%p(%p) valid: %p', (check, value, valid) => {
    expect(check(value).length === 0).toBe(valid);
  });

  it('given a 64-character label, then it is too long', () => {
    expect(isDNS1123Label('a'.repeat(64))).toContain('must be no more than 63 characters');
  });

  it('given a label key with a bad prefix, then the message says which part', () => {
    expect(isQualifiedName('Example.com/x')[0]).toMatch(/^prefix part a lowercase RFC 1123 subdomain/);
  });
});
