/**
 * `npm run bench:guard-engines`: the Control Tower proactive-control rules through two engines, on
 * the same templates: cfn-guard through @cdklabs/cdk-validator-cfnguard (what every synth runs,
 * with the rule files chosen by resource type, and with all of them), and the Guard engine inside
 * CDK's own CloudFormationValidatePlugin (`guardRules`, in-process WASM). Prints seconds per engine
 * and whether they found the same things. No AWS.
 */
import './quiet-env';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { CfnGuardValidator } from '@cdklabs/cdk-validator-cfnguard';
import { CloudFormationValidatePlugin, type IPolicyValidationContext, type PolicyValidationPluginReport } from 'aws-cdk-lib';
import { defaultConfigDir } from '../accounts/loader';
import { buildApp } from '../pipeline/app';
import { newApp } from '../pipeline/app-context';
import { CONTROL_TOWER_RULES, ControlTowerGuard, listGuardFiles } from '../pipeline/guards';
import { lintTargets } from '../pipeline/template-lint';
import { benchArgs } from './args';

const USAGE = `Usage: npm run bench:guard-engines -- [--config DIR] [--runs N]

The Control Tower guard rules through cfn-guard and through CDK's built-in Guard engine, on the same templates.

  --config DIR  organization config to synthesize (default: the sample in accounts/)
  --runs N      timed runs per engine, the median is printed (default 3)
  --help        show this help
`;

type Finding = string;

/** Guard findings whose message names the Control Tower control and says how to fix it. */
function withControlAndFix(report: PolicyValidationPluginReport): { guard: number; explained: number } {
  const guard = report.violations.filter((v) => !/^[EFWI]\d{4}$/.test(v.ruleName));
  return { guard: guard.length, explained: guard.filter((v) => /\[CT\.[A-Z0-9.]+\]/.test(v.description) && !!v.fix).length };
}

/** What a report found, as comparable lines: rule, template file, resource. */
function findings(report: PolicyValidationPluginReport): Set<Finding> {
  const out = new Set<Finding>();
  for (const v of report.violations) {
    const rule = v.ruleName.toLowerCase();
    // CDK's plugin also runs its schema and lint rules (E/F/W/I and four digits): not Guard's to compare.
    if (/^[efwi]\d{4}$/.test(rule)) continue;
    for (const r of v.violatingResources) out.add(`${rule} ${path.basename(r.templatePath ?? '-')} ${r.resourceLogicalId ?? '-'}`);
  }
  return out;
}

/** CDK's plugin with only the given Guard rule files, and none of its own Rego rules. */
function builtIn(files: readonly string[]): CloudFormationValidatePlugin {
  return new CloudFormationValidatePlugin({ includeDefaultRules: false, guardRules: files.map((f) => ({ name: path.basename(f, '.guard'), content: fs.readFileSync(f, 'utf8') })) });
}

function median(xs: number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.floor(s.length / 2)];
}

function time(runs: number, f: () => PolicyValidationPluginReport): { seconds: number; report: PolicyValidationPluginReport } {
  const seconds: number[] = [];
  let report: PolicyValidationPluginReport | undefined;
  for (let i = 0; i < runs; i++) {
    const t0 = process.hrtime.bigint();
    report = f();
    seconds.push(Number(process.hrtime.bigint() - t0) / 1e9);
  }
  return { seconds: median(seconds), report: report! };
}

function main(): void {
  const values = benchArgs('bench:guard-engines', USAGE, { config: { type: 'string' }, runs: { type: 'string' } });
  const runs = Number(values.runs ?? '3');
  if (!Number.isInteger(runs) || runs < 1) {
    process.stderr.write(`bench:guard-engines: --runs must be a whole number of at least 1\n\n${USAGE}`);
    process.exit(2);
  }
  const outdir = fs.mkdtempSync(path.join(os.tmpdir(), 'guard-engines-'));
  const { app, ok, errors } = buildApp(newApp({ config: values.config ?? defaultConfigDir(), guards: false, 'aws:cdk:bundling-stacks': [] }, outdir));
  if (!ok) throw new Error(errors.join('\n'));
  app.synth();
  const templates = lintTargets(outdir).templates.map((t) => t.file);
  const context = {
    templatePaths: templates,
    stackTemplates: templates.map((templatePath) => ({ stackConstructPath: '', templatePath, accountId: undefined, region: undefined })),
  } as unknown as IPolicyValidationContext;
  const ruleFiles = listGuardFiles(CONTROL_TOWER_RULES);

  const engines: Array<[string, () => PolicyValidationPluginReport]> = [
    ['cfn-guard, rule files by resource type (every synth)', () => new ControlTowerGuard().validate(context)],
    ['cfn-guard, every rule file', () => new CfnGuardValidator({ controlTowerRulesEnabled: true }).validate(context)],
    ['CDK plugin, schema and lint only (every synth runs it)', () => builtIn([]).validate(context)],
    ['CDK guardRules (WASM), rule files by resource type', () => builtIn(new ControlTowerGuard().rulesForTemplates(templates)).validate(context)],
    ['CDK guardRules (WASM), every rule file', () => builtIn(ruleFiles).validate(context)],
  ];
  process.stdout.write(
    `${templates.length} distinct templates of ${path.relative(process.cwd(), values.config ?? defaultConfigDir()) || '.'}, ${ruleFiles.length} Control Tower rule files, median of ${runs} run(s)\n\n`,
  );
  const results = engines.map(([name, f]) => {
    try {
      const { seconds, report } = time(runs, f);
      return { name, seconds, found: findings(report), messages: withControlAndFix(report), error: undefined as string | undefined };
    } catch (err) {
      return { name, seconds: NaN, found: new Set<Finding>(), messages: { guard: 0, explained: 0 }, error: (err as Error).message.split('\n')[0] };
    }
  });
  const reference = results[1].found;
  for (const r of results) {
    if (r.name.includes('schema and lint only')) {
      process.stdout.write(`  ${r.name.padEnd(55)} ${r.error ? `failed: ${r.error}` : `${r.seconds.toFixed(2)} s`}\n`);
      continue;
    }
    const missing = [...reference].filter((f) => !r.found.has(f)).length;
    const extra = [...r.found].filter((f) => !reference.has(f)).length;
    const line = r.error
      ? `failed: ${r.error}`
      : `${r.seconds.toFixed(2)} s, ${r.found.size} findings, vs every rule file: ${missing} missing, ${extra} extra; ${r.messages.explained} of ${r.messages.guard} messages name the control and its fix`;
    process.stdout.write(`  ${r.name.padEnd(55)} ${line}\n`);
  }
  for (const r of results.slice(3)) {
    const extra = [...r.found].filter((f) => !reference.has(f));
    const missing = [...reference].filter((f) => !r.found.has(f));
    if (extra.length + missing.length > 0) process.stdout.write(`\n  ${r.name} differs:\n${[...extra.map((f) => `    + ${f}`), ...missing.map((f) => `    - ${f}`)].slice(0, 20).join('\n')}\n`);
  }
  // Every synth runs the schema pass anyway: the switch would fold the Guard rules into it.
  const [subset, , schema, wasm] = results;
  const same = !wasm.error && wasm.found.size === reference.size && [...reference].every((f) => wasm.found.has(f));
  const today = schema.seconds + subset.seconds;
  process.stdout.write(
    `\nToday (schema pass + cfn-guard by resource type): ${today.toFixed(2)} s; built-in, Guard rules folded into the schema pass: ${wasm.seconds.toFixed(2)} s; findings ${same ? 'the same' : 'differ'}.\n`,
  );
  // A finding a user cannot act on is not the same finding: the control id and the fix are the message.
  const explained = wasm.messages.guard > 0 && wasm.messages.explained === wasm.messages.guard;
  if (wasm.error) process.stdout.write(`Verdict: the built-in engine could not run the rules: cfn-guard stays.\n`);
  else if (wasm.seconds < today && same && explained) process.stdout.write(`Verdict: the built-in engine is faster with the same findings and messages: switch.\n`);
  else
    process.stdout.write(
      `Verdict: the built-in engine is ${wasm.seconds < today ? 'faster' : 'not faster'}, finds ${same ? 'the same rules on the same resources' : 'differently'}, and ${explained ? 'explains them as well' : 'reports raw Guard clauses without the control id or the fix'}: cfn-guard stays.\n`,
    );
  fs.rmSync(outdir, { recursive: true, force: true });
}

main();
