// The load and fuzzing tests, run longer than CI runs them.
//   npm run soak            load for 60 s, 1 000 inputs per fuzzed operation
//   npm run soak -- --long  load for 10 min, 10 000 inputs per fuzzed operation
// Set TEST_DATABASE_URL to run them against PostgreSQL instead of the embedded database.
const { spawnSync } = require('node:child_process');
const { join } = require('node:path');
const { parseArgs } = require('node:util');

const { values } = parseArgs({ options: { long: { type: 'boolean', default: false } } });
const env = {
  ...process.env,
  // jest.config.js leaves these files out of `npm test` unless this is set.
  SOAK: '1',
  LOAD_SECONDS: values.long ? '600' : '60',
  FUZZ_RUNS: values.long ? '10000' : '1000',
};
const jest = join(__dirname, '..', 'node_modules', 'jest', 'bin', 'jest.js');
const files = require('./soak-tests').map((path) => path.slice(1));
const result = spawnSync(
  process.execPath,
  ['--experimental-vm-modules', '--disable-warning=ExperimentalWarning', jest, ...files],
  { env, stdio: 'inherit' },
);
process.exit(result.status ?? 1);
