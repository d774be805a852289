// Compiles src/ to dist/ once per test run, for the tests that start the real `node dist/main.js`.
// Emit only: `npm run typecheck` checks the types, and checking them again here costs every run
// a third of its start on two cores.
const { execFileSync } = require('node:child_process');
const { join } = require('node:path');

module.exports = async function buildOnce() {
  const root = join(__dirname, '..', '..');
  execFileSync(
    process.execPath,
    [join(root, 'node_modules', 'typescript', 'bin', 'tsc'), '-p', 'tsconfig.build.json', '--noCheck'],
    {
      cwd: root,
      stdio: 'inherit',
    },
  );
};
