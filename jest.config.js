/** @type {import('jest').Config} */
module.exports = {
  // The node environment, plus putting back after each file what nock and Zapier patch on
  // the http modules a worker's files share (see the file).
  testEnvironment: '<rootDir>/test/support/http-isolation-environment.ts',
  roots: ['<rootDir>/test'],
  // TypeScript first: `import app from '../index'` must load index.ts, not the root index.js
  // that hands Zapier the compiled dist/ build.
  moduleFileExtensions: ['ts', 'tsx', 'js', 'mjs', 'cjs', 'jsx', 'json', 'node'],
  transform: {
    '^.+\\.ts$': ['ts-jest', { tsconfig: 'tsconfig.json' }],
  },
  globalSetup: '<rootDir>/test/support/global-setup.ts',
  globalTeardown: '<rootDir>/test/support/global-teardown.ts',
  collectCoverage: true,
  collectCoverageFrom: [
    'index.ts',
    'src/**/*.ts',
    '!src/relay/main.ts',
    '!src/relay/simulate.ts',
    // Run as processes by their tests.
    '!src/relay/try.ts',
  ],
  coverageReporters: ['text-summary', 'lcov'],
  // The gate only ever goes up.
  coverageThreshold: { global: { lines: 90 } },
  testTimeout: 30000,
};
