/**
 * The load and fuzzing tests: `npm run soak` runs them longer (test/run-soak.js), and `npm run
 * test:pg` runs them as CI does. `npm test` leaves them out: together they are a fifth of its time.
 */
module.exports = ['/test/load-invariants.test.ts', '/test/input-fuzzing.test.ts'];
