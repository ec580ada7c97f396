import { isValidHost, locationsFor, serverName, tlsHostCovers } from './matching';

describe('Ingress paths as nginx locations', () => {
  it.each<[string, Parameters<typeof locationsFor>, string[]]>([
    ['Exact is an exact location, trailing slash kept', ['Exact', '/foo/'], ['= /foo/']],
    ['Prefix is element-wise: the path itself and everything below its slash', ['Prefix', '/aaa/bbb'], ['= /aaa/bbb', '^ /aaa/bbb/']],
    ['a Prefix trailing slash is ignored', ['Prefix', '/aaa/bbb/'], ['= /aaa/bbb', '^ /aaa/bbb/']],
    ['Prefix / is everything', ['Prefix', '/'], ['^ /']],
    ['ImplementationSpecific is a plain nginx prefix, as in ingress-nginx', ['ImplementationSpecific', '/foo'], ['^ /foo']],
    ['ImplementationSpecific without a path is /', ['ImplementationSpecific', undefined], ['^ /']],
    ['a path with a space is refused', ['Prefix', '/a b'], []],
    ['a relative path is refused', ['Exact', 'foo'], []],
  ])('%s', (_, args, want) => {
    expect(locationsFor(...args).map((l) => `${l.match === 'exact' ? '=' : '^'} ${l.path}`)).toEqual(want);
  });

  // What the locations mean once nginx picks among them: exact first, then the longest prefix.
  const pick = (locations: { match: string; path: string; name: string }[], uri: string) => {
    const exact = locations.find((l) => l.match === 'exact' && l.path === uri);
    if (exact) return exact.name;
    return locations.filter((l) => l.match === 'prefix' && uri.startsWith(l.path)).sort((a, b) => b.path.length - a.path.length)[0]?.name ?? '404';
  };
  const rules = (...r: [Parameters<typeof locationsFor>[0], string, string][]) => r.flatMap(([type, p, name]) => locationsFor(type, p).map((l) => ({ ...l, name })));

  it.each([
    ['/foo', 'foo-prefix'],
    ['/foo/', 'foo-prefix'],
    ['/FOO', '404'],
    ['/aaa/bbb', 'aaa-bbb'],
    ['/aaa/bbb/ccc', 'aaa-bbb'],
    ['/aaa/ccc', 'aaa'],
    ['/aaaccc', '404'],
  ])('Prefix paths of the conformance suite: %s goes to %s', (uri, want) => {
    const locations = rules(['Prefix', '/foo', 'foo-prefix'], ['Prefix', '/aaa/bbb', 'aaa-bbb'], ['Prefix', '/aaa', 'aaa']);
    expect(pick(locations, uri)).toBe(want);
  });
});

describe('Ingress hosts as nginx server names', () => {
  it('keeps an exact host and makes a wildcard a one-label regular expression', () => {
    expect(serverName('foo.bar.com')).toBe('foo.bar.com');
    const wildcard = new RegExp(serverName('*.foo.com').slice(1));
    expect(['bar.foo.com', 'baz.bar.foo.com', 'foo.com', 'xfoo.com'].filter((h) => wildcard.test(h))).toEqual(['bar.foo.com']);
  });

  it('accepts DNS names and wildcards, nothing nginx could misread', () => {
    expect(['foo.bar.com', '*.foo.com', 'a'].every(isValidHost)).toBe(true);
    expect(['foo.*.com', 'Foo.com', 'a b', 'a;b', '*', ''].some(isValidHost)).toBe(false);
  });

  it('lets a TLS host cover the same name or, as a wildcard, one label under it', () => {
    expect(tlsHostCovers('foo.bar.com', 'foo.bar.com')).toBe(true);
    expect(tlsHostCovers('*.bar.com', 'foo.bar.com')).toBe(true);
    expect(tlsHostCovers('*.bar.com', '*.bar.com')).toBe(true);
    expect(tlsHostCovers('*.bar.com', 'a.foo.bar.com')).toBe(false);
    expect(tlsHostCovers('foo.bar.com', '*.bar.com')).toBe(false);
  });
});
