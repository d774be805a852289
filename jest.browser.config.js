/**
 * `npm run test:browser`: the example web app in Chromium, against a real server. Kept apart from
 * `npm test` so that a machine without a browser still passes it.
 * @type {import('jest').Config}
 */
module.exports = {
  testEnvironment: 'node',
  roots: ['<rootDir>/test/browser'],
  testMatch: ['**/*.browser.test.ts'],
  setupFiles: ['reflect-metadata'],
  transform: {
    '^.+\\.ts$': ['ts-jest', { tsconfig: 'tsconfig.json', diagnostics: false }],
  },
  testTimeout: 60000,
  // One browser, one server: the steps of a test file run in order on one page.
  maxWorkers: 1,
};
