/**
 * `npm run test:builds`: the tests that build something of their own (test/build-tests.js), on the
 * embedded database. `.ci/run` runs it after `npm run check`.
 * @type {import('jest').Config}
 */
const base = require('./jest.config');

module.exports = {
  ...base,
  // Neither test runs the root dist/: each builds what it runs.
  globalSetup: undefined,
  testMatch: require('./test/build-tests').map((path) => `<rootDir>${path}`),
  testPathIgnorePatterns: ['/node_modules/'],
};
