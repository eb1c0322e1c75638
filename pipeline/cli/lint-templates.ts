/**
 * `npm run lint:templates`: Python cfn-lint over every template of a synthesized assembly (stacks,
 * Service Catalog product versions, StackSet templates), in every Region the assembly deploys to.
 * Any error fails, and so does any warning that `cfn-lint.yaml` does not allow with a reason. No AWS.
 */
import { spawn } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { parseOrHelp, runCommand, UsageError, type CommandSpec } from './command-line';
import { SNAPSHOT_DIR } from '../../catalog-products/catalog';
import { ALLOWED_WARNINGS_FILE, judgeFindings, lintTargets, parseAllowances, type LintFinding } from '../template-lint';

const ROOT = path.resolve(__dirname, '..', '..');

const spec = {
  name: 'lint:templates',
  summary: 'run cfn-lint over every synthesized template and the committed product snapshots; errors and unlisted warnings fail',
  usage: 'npm run lint:templates -- [--assembly DIR] [--allowed FILE] [--snapshots DIR] [--cfn-lint PATH]',
  options: {
    assembly: { type: 'string', short: 'a' },
    allowed: { type: 'string' },
    snapshots: { type: 'string' },
    'cfn-lint': { type: 'string' },
  },
  optionHelp: {
    '--assembly DIR': 'the cloud assembly to lint (default: cdk.out, as npm run synth writes it)',
    '--allowed FILE': `the warnings allowed, each with its reason (default: ${path.relative(ROOT, ALLOWED_WARNINGS_FILE)})`,
    '--snapshots DIR': `committed product-version templates linted too (default: ${path.relative(ROOT, SNAPSHOT_DIR)})`,
    '--cfn-lint PATH': 'the cfn-lint executable (default: .venv/bin/cfn-lint from npm run setup, else cfn-lint on PATH)',
    '--help': 'show this help',
  },
  examples: ['npm run synth && npm run lint:templates', 'npm run synth -- --config my-org --output /tmp/my-org.out && npm run lint:templates -- --assembly /tmp/my-org.out'],
} satisfies CommandSpec<Record<string, { type: 'string' | 'boolean'; short?: string }>>;

export async function main(argv: string[], out: (s: string) => void = (s) => process.stdout.write(s), err: (s: string) => void = (s) => process.stderr.write(s)): Promise<number> {
  const values = parseOrHelp(spec, argv, out);
  if (!values) return 0;
  const assembly = path.resolve(values.assembly ?? 'cdk.out');
  const allowedFile = path.resolve(values.allowed ?? ALLOWED_WARNINGS_FILE);
  if (!fs.existsSync(allowedFile)) throw new UsageError(`${allowedFile}: no such file (--allowed)`);
  const allowances = parseAllowances(fs.readFileSync(allowedFile, 'utf8'), path.relative(process.cwd(), allowedFile));
  const cfnLint = values['cfn-lint'] ?? defaultCfnLint();

  const snapshotDir = path.resolve(values.snapshots ?? SNAPSHOT_DIR);
  if (!fs.existsSync(snapshotDir)) throw new UsageError(`${snapshotDir}: no such folder (--snapshots)`);
  const snapshots = fs
    .readdirSync(snapshotDir)
    .filter((f) => f.endsWith('.template.json'))
    .map((f) => path.join(snapshotDir, f));
  const targets = lintTargets(assembly, snapshots);
  if (targets.templates.length === 0) throw new UsageError(`${assembly}: the assembly holds no template`);
  const regions = targets.regions.length > 0 ? targets.regions : ['us-east-1'];
  const files = targets.templates.map((t) => t.file);
  const findings = (await Promise.all(chunks(files, Math.min(4, os.availableParallelism())).map((part) => runCfnLint(cfnLint, regions, part)))).flat();
  const verdict = judgeFindings(findings, allowances);

  const copies = targets.templates.reduce((n, t) => n + t.copies.length, 0);
  out(`cfn-lint ${await cfnLintVersion(cfnLint)}: ${files.length} distinct templates (${copies} files), Regions ${regions.join(', ')}\n`);
  for (const [rule, count] of [...verdict.allowed].sort()) out(`  ${rule}: ${count} allowed — ${allowances.find((a) => a.rule === rule)!.reason}\n`);
  for (const a of verdict.unused) out(`  ${a.rule}: allowed in ${path.relative(process.cwd(), allowedFile)} but no longer reported: remove the entry\n`);
  if (verdict.failures.length === 0) {
    out(`cfn-lint: 0 errors, 0 warnings outside ${path.relative(process.cwd(), allowedFile)}\n`);
    return verdict.unused.length > 0 ? 1 : 0;
  }
  for (const f of verdict.failures) {
    err(`${path.relative(process.cwd(), f.Filename)}:${f.Location.Start.LineNumber}: ${f.Level} ${f.Rule.Id} at ${(f.Location.Path ?? []).join('/')}: ${f.Message}\n`);
  }
  const errors = verdict.failures.filter((f) => f.Level === 'Error').length;
  err(
    `cfn-lint: ${errors} error${errors === 1 ? '' : 's'}, ${verdict.failures.length - errors} warning${verdict.failures.length - errors === 1 ? '' : 's'} not allowed (fix the template, or list the rule in ${path.relative(process.cwd(), allowedFile)} with its reason)\n`,
  );
  return 1;
}

function defaultCfnLint(): string {
  const venv = path.join(ROOT, '.venv', 'bin', 'cfn-lint');
  return fs.existsSync(venv) ? venv : 'cfn-lint';
}

function chunks<T>(items: readonly T[], n: number): T[][] {
  const parts: T[][] = Array.from({ length: Math.max(1, Math.min(n, items.length)) }, () => []);
  items.forEach((item, i) => parts[i % parts.length].push(item));
  return parts;
}

function run(command: string, args: string[]): Promise<{ status: number | null; stdout: string; stderr: string }> {
  return new Promise((resolve, reject) => {
    const child = spawn(command, args, { stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d: Buffer) => (stdout += d.toString()));
    child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
    child.on('error', (e: NodeJS.ErrnoException) =>
      reject(e.code === 'ENOENT' ? new UsageError(`${command}: cfn-lint is not installed: run npm run setup (it installs requirements-test.txt into .venv), or pass --cfn-lint PATH`) : e),
    );
    child.on('close', (status) => resolve({ status, stdout, stderr }));
  });
}

/** cfn-lint's exit status is a bit mask of the levels it found, so the JSON decides, not the status. */
async function runCfnLint(cfnLint: string, regions: string[], files: string[]): Promise<LintFinding[]> {
  const result = await run(cfnLint, ['--format', 'json', '--regions', ...regions, '--', ...files]);
  try {
    return JSON.parse(result.stdout) as LintFinding[];
  } catch {
    throw new Error(`cfn-lint did not report JSON (exit ${result.status}): ${result.stderr.trim() || result.stdout.trim()}`);
  }
}

async function cfnLintVersion(cfnLint: string): Promise<string> {
  return (await run(cfnLint, ['--version'])).stdout.trim().replace(/^cfn-lint\s+/, '');
}

if (require.main === module) void runCommand(() => main(process.argv.slice(2)));
