// Compiles src/ to dist/ once per test run, for the tests that start the real `node dist/main.js`.
const { execFileSync } = require('node:child_process');
const { join } = require('node:path');

module.exports = async function buildOnce() {
  const root = join(__dirname, '..', '..');
  execFileSync(
    process.execPath,
    [join(root, 'node_modules', 'typescript', 'bin', 'tsc'), '-p', 'tsconfig.build.json'],
    {
      cwd: root,
      stdio: 'inherit',
    },
  );
};
