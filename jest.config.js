const BUILD_TESTS = require('./test/build-tests');
const SOAK_TESTS = require('./test/soak-tests');

/** @type {import('jest').Config} */
module.exports = {
  testEnvironment: 'node',
  roots: ['<rootDir>/test', '<rootDir>/packages/verifier/test'],
  testMatch: ['**/*.test.ts'],
  // Several instances sharing one database need a real server: these run under `npm run test:pg`.
  // The browser tests need Chromium: they run under `npm run test:browser`.
  // The tests that run a build (dist/ and others) run under `npm run test:builds`.
  // The load and fuzzing tests run under `npm run soak` (longer) and `npm run test:pg`.
  testPathIgnorePatterns: process.env.TEST_DATABASE_URL
    ? ['/node_modules/', '/test/browser/']
    : ['/node_modules/', '/test/postgres/', '/test/browser/', ...BUILD_TESTS, ...(process.env.SOAK ? [] : SOAK_TESTS)],
  setupFiles: ['reflect-metadata'],
  // dist/ for the tests that start the compiled service: without them, nothing to build.
  globalSetup: process.env.TEST_DATABASE_URL ? '<rootDir>/test/support/build-once.js' : undefined,
  transform: {
    '^.+\\.ts$': ['ts-jest', { tsconfig: 'tsconfig.json', diagnostics: false }],
  },
  testTimeout: 30000,
  // PGlite keeps a WebAssembly heap per database; two workers match the two cores here.
  maxWorkers: 2,
};
