// Compiles src/ to dist/ once per test run, for the tests that start the real `node dist/main.js`,
// and the verifier package with examples/resource-api against it, for the tests that run a
// resource API as a process. Emit only: `npm run typecheck` checks the types, and checking them
// again here costs every run a third of its start on two cores.
const { execFileSync } = require('node:child_process');
const { join } = require('node:path');

module.exports = async function buildOnce() {
  const root = join(__dirname, '..', '..');
  const tsc = join(root, 'node_modules', 'typescript', 'bin', 'tsc');
  for (const project of [
    'tsconfig.build.json',
    'packages/verifier/tsconfig.build.json',
    'examples/resource-api/tsconfig.json',
  ]) {
    execFileSync(process.execPath, [tsc, '-p', project, '--noCheck'], { cwd: root, stdio: 'inherit' });
  }
};
