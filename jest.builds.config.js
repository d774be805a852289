/**
 * `npm run test:builds`: the tests that run a build instead of the sources (test/build-tests.js),
 * on the embedded database. `.ci/run` runs it after `npm run check`.
 * @type {import('jest').Config}
 */
const base = require('./jest.config');

module.exports = {
  ...base,
  globalSetup: '<rootDir>/test/support/build-once.js',
  testMatch: require('./test/build-tests').map((path) => `<rootDir>${path}`),
  testPathIgnorePatterns: ['/node_modules/'],
};
