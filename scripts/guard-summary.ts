/** Prints what the guards found in the last synth (cdk.out/validation-report.json, or the folder given). */
import { guardSummary } from '../pipeline/guard-report';

const { text, findings } = guardSummary(process.argv[2] ?? 'cdk.out');
process.stdout.write(text);
process.exitCode = findings > 0 ? 1 : 0;
