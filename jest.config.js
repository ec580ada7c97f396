// Three tiers, told apart by file name (see STYLE.md): *.spec.ts are pure and fast,
// *.int.spec.ts run against real NATS and Postgres, *.e2e.spec.ts against real Docker,
// network namespaces and kubectl. `npm test` runs all three.
const swc = ['@swc/jest', { jsc: { parser: { syntax: 'typescript', decorators: true }, transform: { legacyDecorator: true, decoratorMetadata: true }, target: 'es2022', keepClassNames: true } }];
const base = {
  transform: { '^.+\\.ts$': swc },
  testEnvironment: 'node',
  roots: ['<rootDir>/apps', '<rootDir>/libs', '<rootDir>/tools'],
  moduleFileExtensions: ['ts', 'js', 'json'],
};
module.exports = {
  projects: [
    { ...base, displayName: 'unit', testMatch: ['**/*.spec.ts'], testPathIgnorePatterns: ['\\.int\\.spec\\.ts$', '\\.e2e\\.spec\\.ts$', '/node_modules/'], setupFilesAfterEnv: ['<rootDir>/tools/testing/timeout-unit.ts'] },
    { ...base, displayName: 'int', testMatch: ['**/*.int.spec.ts'], globalSetup: '<rootDir>/tools/testing/global-setup.ts', globalTeardown: '<rootDir>/tools/testing/global-teardown.ts', setupFilesAfterEnv: ['<rootDir>/tools/testing/timeout-int.ts'] },
    { ...base, displayName: 'e2e', testMatch: ['**/*.e2e.spec.ts'], globalSetup: '<rootDir>/tools/testing/global-setup-e2e.ts', globalTeardown: '<rootDir>/tools/testing/global-teardown-e2e.ts', setupFilesAfterEnv: ['<rootDir>/tools/testing/timeout-e2e.ts'] },
  ],
};
