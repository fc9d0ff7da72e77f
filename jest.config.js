/** @type {import('jest').Config} */
module.exports = {
  testEnvironment: 'node',
  roots: ['<rootDir>/test'],
  transform: {
    '^.+\\.ts$': ['ts-jest', { tsconfig: 'tsconfig.json' }],
  },
  globalSetup: '<rootDir>/test/support/global-setup.ts',
  globalTeardown: '<rootDir>/test/support/global-teardown.ts',
  collectCoverage: true,
  collectCoverageFrom: ['index.ts', 'src/**/*.ts', '!src/relay/main.ts', '!src/relay/simulate.ts'],
  coverageReporters: ['text-summary', 'lcov'],
  // The gate only ever goes up.
  coverageThreshold: { global: { lines: 90 } },
  testTimeout: 30000,
};
