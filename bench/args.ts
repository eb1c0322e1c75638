/**
 * The flags of a bench: parsed strictly like every command here. An unknown flag or a bad value
 * prints the usage and exits 2, with no stack trace; --help prints the usage and exits 0.
 */
import { parseArgs, type ParseArgsConfig } from 'node:util';

type Options = NonNullable<ParseArgsConfig['options']>;

export function benchArgs<O extends Options>(name: string, usage: string, options: O, argv: string[] = process.argv.slice(2)) {
  try {
    const { values } = parseArgs({ args: argv, options: { ...options, help: { type: 'boolean' } }, strict: true, allowPositionals: false });
    if ((values as { help?: boolean }).help) {
      process.stdout.write(usage);
      process.exit(0);
    }
    return values;
  } catch (err) {
    process.stderr.write(`${name}: ${(err as Error).message.replace(/\. To specify a positional.*$/s, '')}\n\n${usage}`);
    process.exit(2);
  }
}
