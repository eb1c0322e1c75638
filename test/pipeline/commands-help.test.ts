/**
 * Every command in pipeline/cli/ is an npm script, answers --help with its own name and options,
 * and refuses an unknown flag with exit 2 and one line, no stack trace: run as a user runs them.
 */
import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';

const ROOT = path.join(__dirname, '..', '..');
const CLI = path.join(ROOT, 'pipeline', 'cli');
const scripts = (JSON.parse(fs.readFileSync(path.join(ROOT, 'package.json'), 'utf8')) as { scripts: Record<string, string> }).scripts;
const run = (file: string, args: string[]) => spawnSync(path.join(ROOT, 'node_modules', '.bin', 'tsx'), [path.join(ROOT, file), ...args], { cwd: ROOT, encoding: 'utf8' });

/** npm script name → its file, for every script that runs a file of pipeline/cli/. */
const COMMANDS = Object.entries(scripts).flatMap(([name, command]) => {
  const m = /^tsx (pipeline\/cli\/[\w-]+\.ts)$/.exec(command);
  return m ? [[name, m[1]] as [string, string]] : [];
});

/** One option each command's help must list (its own, beside --help). */
const AN_OPTION: Record<string, string> = {
  plan: '--format',
  synth: '--output',
  'accounts:sync': '--dry-run',
  schemas: '--check',
  'baseline:plan': '--from-ou',
  'catalog:snapshot': '--check',
  'lint:templates': '--assembly',
  rollback: '--dry-run',
  'change-summary': '--wave',
};

it('every file of pipeline/cli/ but the parser is a command with an npm script', () => {
  const files = fs
    .readdirSync(CLI)
    .filter((f) => f.endsWith('.ts') && f !== 'command-line.ts')
    .map((f) => `pipeline/cli/${f}`);
  expect(COMMANDS.map(([, file]) => file).sort()).toEqual(files.sort());
  expect(COMMANDS.map(([name]) => name).sort()).toEqual(Object.keys(AN_OPTION).sort());
});

describe.each(COMMANDS)('npm run %s', (name, file) => {
  it('answers --help with its name, usage and options, and does nothing else', () => {
    const result = run(file, ['--help']);
    expect(result.status).toBe(0);
    expect(result.stdout).toMatch(new RegExp(`^${name} — `));
    expect(result.stdout).toContain(`npm run ${name}`);
    expect(result.stdout).toContain('--help');
    expect(result.stdout).toContain(AN_OPTION[name]);
    expect(result.stdout).not.toMatch(/^wrote /m);
    expect(result.stderr).toBe('');
  });

  it('refuses an unknown flag, exit 2, no stack trace', () => {
    const result = run(file, ['--bogus']);
    expect(result.status).toBe(2);
    expect(result.stderr).toBe("Unknown option '--bogus'\nRun with --help for the options.\n");
  });
});
