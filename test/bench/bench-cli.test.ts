import { spawnSync } from 'node:child_process';
import * as path from 'node:path';

const ROOT = path.join(__dirname, '..', '..');
const run = (bench: string, args: string[]) => spawnSync(path.join(ROOT, 'node_modules', '.bin', 'tsx'), [path.join(ROOT, 'bench', `${bench}.ts`), ...args], { cwd: ROOT, encoding: 'utf8' });

describe.each(['synth-scale', 'baseliner', 'bundle-size', 'stream-ingestion', 'guard-engines', 'image-optimizer', 'bot-classifier'])('npm run bench:%s', (bench) => {
  it('prints its usage with --help and exits 0, running nothing', () => {
    const result = run(bench, ['--help']);
    expect([result.status, result.stdout]).toEqual([0, expect.stringMatching(new RegExp(`^Usage: npm run bench:${bench} -- `))]);
  });

  it('refuses an unknown flag with its usage, exit 2 and no stack trace', () => {
    const result = run(bench, ['--bogus']);
    expect(result.status).toBe(2);
    expect(result.stderr).toMatch(new RegExp(`^bench:${bench}: Unknown option '--bogus'\\n\\nUsage: npm run bench:${bench} -- `));
    expect(result.stderr).not.toMatch(/\n\s+at /);
  });
});
