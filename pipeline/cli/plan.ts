/** `npm run plan`: what the config deploys where, in which order, and the quota headroom. No AWS. */
import { loadConfig, defaultConfigDir } from '../../accounts/loader';
import { type Config } from '../../accounts/config';
import { parameterDocs } from '../../stages/parameter-docs';
import { REGISTRY } from '../registry';
import { measureDraft } from '../deployment-stages';
import { planRollout } from '../planner';
import { organizationContext } from '../organization-context';
import { FORMATS, renderPlan, type Format } from '../render';
import { parseOrHelp, printIssues, runCommand, UsageError, type CommandSpec } from './command-line';

const spec = {
  name: 'plan',
  summary: 'print the rollout plan of an organization config (waves → StackSets and stages → stacks), the pipeline it makes and its quota headroom',
  usage: 'npm run plan -- [--config DIR] [--format table|json|markdown|mermaid] [--list-patterns]',
  options: {
    config: { type: 'string', short: 'c' },
    format: { type: 'string', short: 'f', default: 'table' },
    'list-patterns': { type: 'boolean' },
  },
  optionHelp: {
    '--config DIR': 'organization config directory (default: the sample in accounts/)',
    '--format F': `output format: ${FORMATS.join(', ')} (default: table)`,
    '--list-patterns': 'list the patterns delivery.yaml can name: parameters with defaults, where each may go, and with --config which waves deploy it',
    '--help': 'show this help',
  },
  examples: ['npm run plan', 'npm run plan -- --config ../my-org --format markdown > PLAN.md', 'npm run plan -- --format mermaid'],
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
  // The shapes come from the stages: one stand-in per distinct deployment, synthesized without bundling.
  const result = planRollout(config, REGISTRY, (draft) => measureDraft(draft, REGISTRY, organizationContext(config)));
  if (!result.plan) {
    printIssues(result.issues, err);
    return 1;
  }
  out(renderPlan(result.plan, config, format as Format));
  return 0;
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
