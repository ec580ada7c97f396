// Jest ignores testTimeout inside a project entry; each tier sets its own here. Unit specs are
// pure, but run beside the int and e2e tiers on two cores: the heaviest (a 1,000-pod burst
// through the scheduler) needs headroom over jest's 5 s default when Docker is busy.
jest.setTimeout(30_000);
