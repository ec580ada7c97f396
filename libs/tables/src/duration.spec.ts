import { humanDuration, since } from './duration';

const s = 1000;
const m = 60 * s;
const h = 60 * m;
const d = 24 * h;

describe('humanDuration', () => {
  it.each<[number, string]>([
    [-3 * s, '<invalid>'],
    [-1 * s, '0s'],
    [0, '0s'],
    [5 * s, '5s'],
    [119 * s, '119s'],
    [2 * m, '2m'],
    [3 * m + 12 * s, '3m12s'],
    [9 * m + 59 * s, '9m59s'],
    [10 * m + 30 * s, '10m'],
    [45 * m, '45m'],
    [179 * m, '179m'],
    [3 * h, '3h'],
    [5 * h + 30 * m, '5h30m'],
    [8 * h, '8h'],
    [47 * h + 59 * m, '47h'],
    [2 * d, '2d'],
    [2 * d + 3 * h, '2d3h'],
    [7 * d + 23 * h, '7d23h'],
    [8 * d, '8d'],
    [400 * d, '400d'],
    [730 * d, '2y'],
    [800 * d, '2y70d'],
    [3000 * d, '8y'],
  ])('given %d ms, then %j', (ms, text) => {
    expect(humanDuration(ms)).toBe(text);
  });
});

describe('since', () => {
  const now = new Date('2025-01-10T12:00:00Z');
  it('given a timestamp 3m12s before now, then "3m12s"', () => {
    expect(since('2025-01-10T11:56:48Z', now)).toBe('3m12s');
  });
  it('given no timestamp, then "<unknown>"', () => {
    expect(since(undefined, now)).toBe('<unknown>');
  });
});
