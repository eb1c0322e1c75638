/**
 * `npm run synth`: `cdk synth` of an organization config with every guard, then what the guards
 * found. The config reaches cdk (`-c config=DIR`), and the summary reads the folder synth wrote. No AWS.
 */
import { spawnSync } from 'node:child_process';
import * as path from 'node:path';
import { parseOrHelp, runCommand, type CommandSpec } from './command-line';
import { defaultConfigDir } from '../../accounts/loader';
import { guardSummary } from '../guard-report';

const ROOT = path.resolve(__dirname, '..', '..');

const spec = {
  name: 'synth',
  summary: 'synthesize the pipeline of an organization config with every guard on, then summarize what the guards found',
  usage: 'npm run synth -- [--config DIR] [--output DIR]',
  options: {
    config: { type: 'string', short: 'c' },
    output: { type: 'string', short: 'o' },
  },
  optionHelp: {
    '--config DIR': 'organization config directory inside this repository (default: the sample in accounts/)',
    '--output DIR': 'where the cloud assembly goes (default: cdk.out)',
    '--help': 'show this help',
  },
  examples: ['npm run synth', 'npm run synth -- --config my-org', 'npm run synth -- -c config=my-org', 'npx cdk synth -c config=my-org   # the same synth, without the summary'],
} satisfies CommandSpec<Record<string, { type: 'string' | 'boolean'; short?: string }>>;

export function main(argv: string[], out: (s: string) => void = (s) => process.stdout.write(s), err: (s: string) => void = (s) => process.stderr.write(s)): number {
  const values = parseOrHelp(spec, argv, out);
  if (!values) return 0;
  // `-c config=DIR` (cdk's own way of saying it) means the same as `--config DIR`.
  const config = (values.config ?? defaultConfigDir()).replace(/^config=/, '');
  const output = values.output ?? 'cdk.out';
  // cdk's exit status decides: a warning it prints is not a failure, an error (a refused config, a guard finding) is.
  const result = spawnSync(path.join(ROOT, 'node_modules', '.bin', 'cdk'), ['synth', '-q', '-c', `config=${config}`, '-o', output], {
    cwd: process.cwd(),
    stdio: ['ignore', 'inherit', 'pipe'],
    encoding: 'utf8',
  });
  if (result.stderr) err(result.stderr);
  if (result.status !== 0) return result.status ?? 1;
  out(guardSummary(path.resolve(output)).text);
  return 0;
}

if (require.main === module) void runCommand(() => main(process.argv.slice(2)));
