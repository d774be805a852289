/**
 * The tests that compile and run a build of their own: `npm pack` installed into an example app and
 * compiled strictly, and the bench in its tiny mode. Minutes of compiling between them, so `npm test`
 * leaves them to `npm run test:builds` (jest.builds.config.js); `npm run test:pg` runs them too.
 */
module.exports = ['/test/library-package.test.ts', '/test/benchmark-smoke.test.ts'];
