/** `npm run plan`: what the config deploys where, in which order, and the quota headroom; with --diff, what a revision changes. No AWS. */
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { loadConfig, defaultConfigDir } from '../../accounts/loader';
import { type Config } from '../../accounts/config';
import { parameterDocs } from '../../stages/parameter-docs';
import { REGISTRY } from '../registry';
import { planWithStandIns } from '../deployment-stages';
import { FORMATS, renderPlan, type Format } from '../render';
import { assemblyTemplates, renderChangeSummary, summarizeChanges } from '../change-summary';
import { pipelineStackName } from '../pipeline-stack';
import type { Plan } from '../planner';
import { resolveRevision, synthRevision, synthWorkingTree } from '../revision-assembly';
import { parseOrHelp, printIssues, runCommand, UsageError, type CommandSpec } from './command-line';

const spec = {
  name: 'plan',
  summary: 'print the rollout plan of an organization config (waves → StackSets and stages → stacks), the pipeline it makes and its quota headroom',
  usage: 'npm run plan -- [--config DIR] [--format table|json|markdown|mermaid] [--list-patterns] [--diff REF | --base-assembly DIR] [--assembly DIR]',
  options: {
    config: { type: 'string', short: 'c' },
    format: { type: 'string', short: 'f', default: 'table' },
    'list-patterns': { type: 'boolean' },
    diff: { type: 'string', short: 'd' },
    'base-assembly': { type: 'string' },
    assembly: { type: 'string' },
  },
  optionHelp: {
    '--config DIR': 'organization config directory (default: the sample in accounts/)',
    '--format F': `output format: ${FORMATS.join(', ')} (default: table); with --diff: table or json`,
    '--list-patterns': 'list the patterns delivery.yaml can name: parameters with defaults, where each may go, and with --config which waves deploy it',
    '--diff REF':
      'the change summary instead of the plan: what the working tree changes against git revision REF (HEAD~1, a tag, a commit), wave by wave, in every account and Region; synthesizes both (about a minute each)',
    '--base-assembly DIR': 'with the change summary: compare against this synthesized cloud assembly instead of synthesizing REF',
    '--assembly DIR': 'with the change summary: the working tree’s cloud assembly, already synthesized (npm run synth -- --output DIR)',
    '--help': 'show this help',
  },
  examples: [
    'npm run plan',
    'npm run plan -- --config ../my-org --format markdown > PLAN.md',
    'npm run plan -- --format mermaid',
    'npm run plan -- --diff HEAD~1',
    'npm run plan -- --diff v1.4.0 --format json > changes.json',
    'npm run plan -- --base-assembly old.out --assembly cdk.out',
  ],
} satisfies CommandSpec<Record<string, { type: 'string' | 'boolean'; short?: string; default?: string }>>;

export function main(argv: string[], out: (s: string) => void = (s) => process.stdout.write(s), err: (s: string) => void = (s) => process.stderr.write(s)): number {
  const values = parseOrHelp(spec, argv, out);
  if (!values) return 0;
  if (values['list-patterns']) {
    // With --config, also which waves of that config deploy each pattern (the config must be valid).
    if (values.config === undefined) {
      out(listPatterns());
      return 0;
    }
    const { config, issues } = loadConfig(values.config);
    if (!config || issues.length > 0) {
      printIssues(issues, err);
      return 1;
    }
    out(listPatterns(config));
    return 0;
  }
  const format = values.format;
  if (!(FORMATS as readonly string[]).includes(format)) throw new UsageError(`unknown format "${format}": use one of ${FORMATS.join(', ')}`);
  const { config, issues } = loadConfig(values.config ?? defaultConfigDir());
  if (!config || issues.length > 0) {
    printIssues(issues, err);
    return 1;
  }
  const diffing = values.diff !== undefined || values['base-assembly'] !== undefined;
  if (!diffing && values.assembly !== undefined) throw new UsageError('--assembly goes with --diff REF or --base-assembly DIR');
  if (values.diff !== undefined && values['base-assembly'] !== undefined) throw new UsageError('give --diff REF or --base-assembly DIR, not both');
  if (diffing && format !== 'table' && format !== 'json') throw new UsageError('the change summary is printed as table or json');
  // The shapes come from the stages: one stand-in per distinct deployment, synthesized without bundling.
  const result = planWithStandIns(config, REGISTRY);
  if (!result.plan) {
    printIssues(result.issues, err);
    return 1;
  }
  if (diffing) return changeSummary(result.plan, values.config ?? defaultConfigDir(), { ref: values.diff, base: values['base-assembly'], head: values.assembly, json: format === 'json' }, out, err);
  out(renderPlan(result.plan, config, format as Format));
  return 0;
}

/** `--diff`: both assemblies (synthesized here unless given), paired template by template, summarized against the working tree's plan. */
function changeSummary(plan: Plan, configDir: string, o: { ref?: string; base?: string; head?: string; json: boolean }, out: (s: string) => void, err: (s: string) => void): number {
  const relativeConfig = path.relative(path.resolve(__dirname, '..', '..'), path.resolve(configDir));
  if (relativeConfig.startsWith('..')) throw new UsageError(`--diff synthesizes the config inside this repository; ${configDir} is outside it`);
  const scratch = fs.mkdtempSync(path.join(os.tmpdir(), 'plan-diff-out-'));
  try {
    const commit = o.ref !== undefined ? resolveRevision(o.ref) : undefined;
    const baseDir = o.base ?? path.join(scratch, 'base');
    const headDir = o.head ?? path.join(scratch, 'head');
    if (commit) synthRevision(commit, relativeConfig, baseDir, err);
    if (!o.head) synthWorkingTree(relativeConfig, headDir, err);
    const stack = pipelineStackName(plan.pipelineName);
    const summary = summarizeChanges(assemblyTemplates(baseDir, stack), assemblyTemplates(headDir, stack), plan);
    const title = `${commit ? `${o.ref} (${commit.slice(0, 12)})` : baseDir} → ${o.head ?? 'the working tree'}`;
    out(o.json ? `${JSON.stringify({ from: commit ?? baseDir, to: o.head ?? 'working tree', ...summary }, null, 2)}\n` : renderChangeSummary(summary, title));
    return 0;
  } finally {
    fs.rmSync(scratch, { recursive: true, force: true });
  }
}

function listPatterns(config?: Config): string {
  const lines: string[] = [config ? `Available patterns (and the waves of ${config.dir} that deploy them):` : 'Available patterns:'];
  const wavesOf = (id: string) => (config?.delivery.waves ?? []).filter((w) => w.patterns.some((ref) => (typeof ref === 'string' ? ref : ref.id) === id)).map((w) => w.name);
  for (const p of REGISTRY.patterns.values()) {
    lines.push(
      `  ${p.id} — ${p.description}`,
      `      delivered as: ${p.kind === 'workload' ? 'StackSets or CDK Stages (delivery: stackset | stages)' : 'CDK Stages, in the management account and home Region only'}`,
      `      goes to: ${p.targetLimits ?? 'any governed account and Region'}`,
    );
    if (config) lines.push(`      deployed by: ${wavesOf(p.id).join(', ') || 'no wave of this config'}`);
    for (const d of parameterDocs(p.parameters)) {
      const shown = d.default !== undefined && d.default.length > 60 ? `${d.default.slice(0, 57)}...` : d.default;
      const value = shown !== undefined ? `default ${shown}` : d.required ? 'required' : 'optional';
      lines.push(`      ${d.name} (${value}): ${d.description}`);
    }
  }
  lines.push('', 'Not available yet:', ...[...REGISTRY.planned.values()].map((p) => `  ${p.id} — ${p.description}`));
  return `${lines.join('\n')}\n`;
}

if (require.main === module) void runCommand(() => main(process.argv.slice(2)));
