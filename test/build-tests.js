/**
 * The tests that run a build instead of the sources: the compiled service and admin CLI as
 * processes of their own (dist/, built once by test/support/build-once.js), `npm pack` installed
 * into an example app and compiled strictly, and the bench in its tiny mode. Minutes of compiling
 * and process starts between them, so `npm test` leaves them to `npm run test:builds`
 * (jest.builds.config.js); `npm run test:pg` runs them too.
 */
module.exports = [
  '/test/admin-cli.test.ts',
  '/test/admin-cli-keys-audit.test.ts',
  '/test/crash-safety.test.ts',
  '/test/mail-crash.test.ts',
  '/test/graceful-shutdown.test.ts',
  '/test/secrets.test.ts',
  '/test/service-process.test.ts',
  '/test/library-package.test.ts',
  '/test/verifier-package.test.ts',
  '/test/benchmark-smoke.test.ts',
];
