import { Expectations, EXPECTATIONS_TTL_MS } from './expectations';

describe('Expectations', () => {
  let now = 0;
  const clock = () => now;
  beforeEach(() => (now = 1_000_000));

  it('given nothing recorded for a controller, then it is satisfied', () => {
    expect(new Expectations(clock).satisfied('default/rs')).toBe(true);
  });

  it('given 3 creations expected, then it is satisfied only once the informer has seen all 3', () => {
    const e = new Expectations(clock);
    e.expect('default/rs', 3, 0);
    e.creationObserved('default/rs');
    e.creationObserved('default/rs');
    expect(e.satisfied('default/rs')).toBe(false);
    e.creationObserved('default/rs');
    expect(e.satisfied('default/rs')).toBe(true);
  });

  it('given creations and deletions expected, then both must be observed', () => {
    const e = new Expectations(clock);
    e.expect('k', 1, 2);
    e.creationObserved('k');
    e.deletionObserved('k');
    expect(e.satisfied('k')).toBe(false);
    e.deletionObserved('k');
    expect(e.satisfied('k')).toBe(true);
  });

  it('given creates that failed, when they are lowered, then nobody waits for them', () => {
    const e = new Expectations(clock);
    e.expect('k', 4, 0);
    e.creationObserved('k');
    e.lower('k', 3, 0);
    expect(e.satisfied('k')).toBe(true);
  });

  it('given an event lost on the way, then the expectation expires after 5 minutes', () => {
    const e = new Expectations(clock);
    e.expect('k', 1, 0);
    now += EXPECTATIONS_TTL_MS;
    expect(e.satisfied('k')).toBe(false);
    now += 1;
    expect(e.satisfied('k')).toBe(true);
  });

  it('given observations for a controller that expects nothing, then later expectations start from what is set', () => {
    const e = new Expectations(clock);
    e.creationObserved('k'); // a pre-existing pod arriving with the informer's initial list
    e.expect('k', 1, 0);
    expect(e.satisfied('k')).toBe(false);
    expect(e.pending('k')).toEqual({ add: 1, del: 0 });
  });
});
