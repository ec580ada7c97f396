// A warn that says the same thing at most once per interval, with how many it held back: a
// burst of thousands of binds can make the Event recorder drop thousands of Events, and one
// line per drop would bury everything else the scheduler logs.

export function throttledWarn(warn: (msg: string) => void, now: () => number, intervalMs: number): (msg: string) => void {
  let last = -Infinity;
  let held = 0;
  return (msg) => {
    const t = now();
    if (t - last < intervalMs) {
      held++;
      return;
    }
    warn(held ? `${msg} (and ${held} more like it in the last ${Math.round((t - last) / 1000)} s)` : msg);
    last = t;
    held = 0;
  };
}
