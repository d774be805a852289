// Runs the whole jest suite against a real PostgreSQL server: each test file creates its own
// uniquely named database there and drops it afterwards.
const { spawnSync } = require('node:child_process');
const { join } = require('node:path');

const env = {
  ...process.env,
  TEST_DATABASE_URL: process.env.TEST_DATABASE_URL || 'postgres://postgres@127.0.0.1:5432/postgres',
};
const jest = join(__dirname, '..', 'node_modules', 'jest', 'bin', 'jest.js');
const result = spawnSync(
  process.execPath,
  ['--experimental-vm-modules', '--disable-warning=ExperimentalWarning', jest, ...process.argv.slice(2)],
  { env, stdio: 'inherit' },
);
process.exit(result.status ?? 1);
