/**
 * The flags of a bench, parsed by the commands' own parser (pipeline/cli/command-line.ts): strictly,
 * so an unknown flag or a bad value prints the usage and exits 2, with no stack trace; --help prints
 * the usage and exits 0.
 */
import type { ParseArgsConfig } from 'node:util';
import { parseCommand, UsageError } from '../pipeline/cli/command-line';

type Options = NonNullable<ParseArgsConfig['options']>;

export function benchArgs<O extends Options>(name: string, usage: string, options: O, argv: string[] = process.argv.slice(2)) {
  try {
    const { values } = parseCommand({ name, summary: '', usage, options, optionHelp: {}, examples: [] }, argv);
    if ((values as { help?: boolean }).help) {
      process.stdout.write(usage);
      process.exit(0);
    }
    return values;
  } catch (err) {
    if (!(err instanceof UsageError)) throw err;
    // The parser's first line says what is wrong; the bench's usage says what is right.
    process.stderr.write(`${name}: ${err.message.split('\n')[0]}\n\n${usage}`);
    process.exit(2);
  }
}
