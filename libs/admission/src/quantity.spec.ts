import { canonicalQuantity, compareQuantities, formatQuantity, isValidQuantity, milliValue, parseQuantity } from './quantity';

describe('parseQuantity', () => {
  it.each([
    ['500m', 0.5],
    ['0.5', 0.5],
    ['1', 1],
    ['100n', 1e-7],
    ['250u', 0.00025],
    ['1k', 1000],
    ['1M', 1e6],
    ['2G', 2e9],
    ['1Ki', 1024],
    ['1Mi', 1048576],
    ['1.5Gi', 1610612736],
    ['1e3', 1000],
    ['1E3', 1000],
    ['5e-3', 0.005],
    ['+3', 3],
    ['-2', -2],
    ['.5', 0.5],
    ['0.1k', 100],
  ])('given %p, then it is %p', (s, n) => {
    expect(parseQuantity(s)).toBe(n);
  });

  it('given a number (YAML `cpu: 1`), then it passes through', () => {
    expect(parseQuantity(2)).toBe(2);
  });

  it.each(['', 'abc', '1Gb', '1 Gi', '1..2', 'Mi', '1ki', '1e', '1.2.3m'])('given %p, then it is rejected with Kubernetes\' regex message', (s) => {
    expect(isValidQuantity(s)).toBe(false);
    expect(() => parseQuantity(s)).toThrow("quantities must match the regular expression '^([+-]?[0-9.]+)([eEinumkKMGTP]*[-+]?[0-9]*)$'");
  });
});

describe('formatQuantity and canonicalQuantity', () => {
  it.each([
    ['0.5', '500m'],
    ['500m', '500m'],
    ['1000m', '1'],
    ['1500', '1500'],
    ['2000', '2k'],
    ['1e3', '1k'],
    ['1024Mi', '1Gi'],
    ['1.5Gi', '1536Mi'],
    ['512Ki', '512Ki'],
    ['100n', '100n'],
    ['0', '0'],
    ['-1Gi', '-1Gi'],
  ])('given %p, then the canonical form is %p', (s, c) => {
    expect(canonicalQuantity(s)).toBe(c);
  });

  it('given a binary value under 1024, then it prints as decimal', () => {
    expect(formatQuantity(1000, 'BinarySI')).toBe('1k');
    expect(formatQuantity(100, 'BinarySI')).toBe('100');
  });

  it('given a fraction below a nano, then it rounds up to 1n as Kubernetes does', () => {
    expect(formatQuantity(1e-10)).toBe('1n');
  });
});

describe('compareQuantities and milliValue', () => {
  it.each([
    ['500m', '1', -1],
    ['1Gi', '1G', 1],
    ['1000m', '1', 0],
    ['1Ki', '1024', 0],
  ] as const)('given %p and %p, then the comparison is %p', (a, b, r) => {
    expect(compareQuantities(a, b)).toBe(r);
  });

  it.each([
    ['100m', 100],
    ['1', 1000],
    ['0.0001', 1],
    ['2.5', 2500],
  ])('given %p, then milliValue is %p', (s, m) => {
    expect(milliValue(s)).toBe(m);
  });
});
