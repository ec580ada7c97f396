import { throttledWarn } from './throttled-warn';

describe('throttledWarn', () => {
  it('given a burst of warnings, then it says the first at once and the next one an interval later with how many it held back', () => {
    const said: string[] = [];
    let t = 0;
    const warn = throttledWarn((m) => said.push(m), () => t, 10_000);
    for (let i = 0; i < 500; i++) warn(`dropped ${i}`);
    t = 10_000;
    warn('dropped 500');
    expect(said).toEqual(['dropped 0', 'dropped 500 (and 499 more like it in the last 10 s)']);
  });
});
