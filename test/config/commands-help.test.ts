import { spawnSync } from 'node:child_process';
import * as path from 'node:path';

const ROOT = path.join(__dirname, '..', '..');
const run = (file: string, args: string[]) => spawnSync(path.join(ROOT, 'node_modules', '.bin', 'tsx'), [path.join(ROOT, file), ...args], { cwd: ROOT, encoding: 'utf8' });

describe.each([
  ['schemas', 'pipeline/cli/schemas.ts'],
  ['catalog:snapshot', 'pipeline/cli/catalog-snapshot.ts'],
])('npm run %s', (name, file) => {
  it('answers --help with its options and does nothing else', () => {
    const result = run(file, ['--help']);
    expect(result.status).toBe(0);
    expect(result.stdout).toMatch(new RegExp(`^${name} — `));
    expect(result.stdout).toContain('--check');
    expect(result.stdout).not.toMatch(/^wrote /m);
  });

  it('refuses an unknown flag, exit 2, no stack trace', () => {
    const result = run(file, ['--bogus']);
    expect(result.status).toBe(2);
    expect(result.stderr).toBe("Unknown option '--bogus'\nRun with --help for the options.\n");
  });
});
