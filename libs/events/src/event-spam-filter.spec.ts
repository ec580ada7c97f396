import { EventSpamFilter } from './event-spam-filter';

describe('event spam filter (per source and object)', () => {
  it('lets 25 events of one object through, then drops them until the bucket refills', () => {
    const f = new EventSpamFilter();
    const allowed = Array.from({ length: 30 }, () => f.allow('rs/web', 0)).filter(Boolean).length;
    expect(allowed).toBe(25);
    expect(f.allow('rs/web', 4 * 60_000)).toBe(false);
    expect(f.allow('rs/web', 5 * 60_000)).toBe(true); // one token per 5 minutes
  });
  it('counts every object on its own', () => {
    const f = new EventSpamFilter(1);
    expect([f.allow('rs/a', 0), f.allow('rs/b', 0), f.allow('rs/a', 0)]).toEqual([true, true, false]);
  });
});
