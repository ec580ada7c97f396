// Jest ignores testTimeout inside a project entry; each tier sets its own here.
jest.setTimeout(60_000);
