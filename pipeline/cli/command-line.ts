/**
 * What every command line of ours shares: flags parsed strictly (an unknown flag is an error),
 * `--help`, config errors printed as a list with no stack trace, exit codes 0 / 1 (bad input) / 2 (usage).
 */
import { parseArgs, type ParseArgsConfig } from 'node:util';
import { ConfigError, renderIssues, type ConfigIssue } from '../../accounts/issues';

export class UsageError extends Error {}

export interface CommandSpec<O extends ParseArgsConfig['options']> {
  readonly name: string;
  readonly summary: string;
  readonly usage: string;
  readonly options: O;
  /** One line per option, for --help. */
  readonly optionHelp: Record<string, string>;
  readonly examples: readonly string[];
}

export function helpText<O extends ParseArgsConfig['options']>(spec: CommandSpec<O>): string {
  const width = Math.max(...Object.keys(spec.optionHelp).map((k) => k.length));
  return [
    `${spec.name} — ${spec.summary}`,
    '',
    `Usage: ${spec.usage}`,
    '',
    'Options:',
    ...Object.entries(spec.optionHelp).map(([k, v]) => `  ${k.padEnd(width)}  ${v}`),
    '',
    'Examples:',
    ...spec.examples.map((e) => `  ${e}`),
    '',
  ].join('\n');
}

export function parseCommand<O extends NonNullable<ParseArgsConfig['options']>>(spec: CommandSpec<O>, argv: string[]) {
  try {
    return parseArgs({ args: argv, options: { ...spec.options, help: { type: 'boolean', short: 'h' } }, allowPositionals: false, strict: true });
  } catch (err) {
    throw new UsageError(`${(err as Error).message.replace(/\. To specify a positional.*$/s, '')}\nRun with --help for the options.`);
  }
}

/**
 * A command that writes generated files, with one flag: `--check` writes nothing and fails when a
 * file is out of date. Returns whether to check, or undefined when --help was asked for.
 */
export function generatedFilesCommand(name: string, summary: string, checkHelp: string) {
  const spec = {
    name,
    summary,
    usage: `npm run ${name} -- [--check]`,
    options: { check: { type: 'boolean' } },
    optionHelp: { '--check': checkHelp, '--help': 'show this help' },
    examples: [`npm run ${name}`, `npm run ${name} -- --check`],
  } satisfies CommandSpec<Record<string, { type: 'boolean' }>>;
  return (argv: string[]): boolean | undefined => {
    const values = parseOrHelp(spec, argv, (s) => process.stdout.write(s));
    return values ? values.check === true : undefined;
  };
}

/** Parsed flags, or undefined when --help was asked for (the help is then written). */
export function parseOrHelp<O extends NonNullable<ParseArgsConfig['options']>>(spec: CommandSpec<O>, argv: string[], out: (s: string) => void) {
  const { values } = parseCommand(spec, argv);
  if ((values as { help?: boolean }).help) {
    out(helpText(spec));
    return undefined;
  }
  return values;
}

export function printIssues(issues: readonly ConfigIssue[], write: (s: string) => void = (s) => process.stderr.write(s)): void {
  write(`${renderIssues(issues)}\n`);
}

/** Runs a command's main, turning known errors into messages and exit codes. */
export async function runCommand(main: () => Promise<number> | number): Promise<void> {
  try {
    process.exitCode = await main();
  } catch (err) {
    if (err instanceof UsageError) {
      process.stderr.write(`${err.message}\n`);
      process.exitCode = 2;
    } else if (err instanceof ConfigError) {
      printIssues(err.issues);
      process.exitCode = 1;
    } else {
      process.stderr.write(`error: ${(err as Error).message ?? String(err)}\n`);
      process.exitCode = 1;
    }
  }
}
