import { spawnSync } from 'node:child_process';
import { join } from 'node:path';
import { runDemo } from '../examples/client/demo';
import { useTestServer } from './support/shared-server';

const ROOT = join(__dirname, '..');

describe('the example client in examples/client', () => {
  it('is generated from the committed schema.graphql: codegen would change nothing', () => {
    const check = spawnSync(
      process.execPath,
      [join(ROOT, 'node_modules', '.bin', 'graphql-codegen'), '--config', 'codegen.ts', '--check'],
      {
        cwd: ROOT,
        encoding: 'utf8',
      },
    );
    expect(`${check.stdout}${check.stderr}`).not.toMatch(/stale|will be (created|updated)|error/i);
    expect(check.status).toBe(0);
  });

  describe('against a live server', () => {
    const server = useTestServer();

    it('registers, calls me, logs out and is then answered TOKEN_REVOKED', async () => {
      const lines: string[] = [];
      const report = await runDemo(server.url, (line) => lines.push(line));
      expect(report.meBeforeLogout).toBe(report.email);
      expect(report.afterLogout).toEqual({ status: 401, code: 'TOKEN_REVOKED', reason: 'logged out' });
      expect(lines.at(-1)).toContain('HTTP 401 TOKEN_REVOKED');
    });
  });
});
