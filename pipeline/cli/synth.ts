/**
 * `npm run synth`: `cdk synth` of an organization config with every guard, then what the guards
 * found. The config reaches cdk (`-c config=DIR`), and the summary reads the folder synth wrote. No AWS.
 */
import { spawnSync } from 'node:child_process';
import * as path from 'node:path';
import { parseOrHelp, runCommand, type CommandSpec } from './command-line';
import { defaultConfigDir } from '../../accounts/loader';
import { Metrics, MetricUnit } from '@aws-lambda-powertools/metrics';
import { DELIVERY_METRICS, DELIVERY_NAMESPACE } from '../../accounts/delivery-metrics';
import { loadConfigOrThrow } from '../../accounts/loader';
import { guardSummary } from '../guard-report';
import { planWithStandIns } from '../deployment-stages';
import { REGISTRY } from '../registry';

const ROOT = path.resolve(__dirname, '..', '..');

const spec = {
  name: 'synth',
  summary: 'synthesize the pipeline of an organization config with every guard on, then summarize what the guards found',
  usage: 'npm run synth -- [--config DIR] [--output DIR] [--emit-metrics]',
  options: {
    config: { type: 'string', short: 'c' },
    output: { type: 'string', short: 'o' },
    'emit-metrics': { type: 'boolean' },
  },
  optionHelp: {
    '--config DIR': 'organization config directory inside this repository (default: the sample in accounts/)',
    '--output DIR': 'where the cloud assembly goes (default: cdk.out)',
    '--emit-metrics': `also print the synth seconds and the pipeline's actions and stages against their quotas as one CloudWatch Embedded Metric Format line (namespace ${DELIVERY_NAMESPACE}); the pipeline's synth step does, and CloudWatch Logs turns it into metrics`,
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
  const started = process.hrtime.bigint();
  const result = spawnSync(path.join(ROOT, 'node_modules', '.bin', 'cdk'), ['synth', '-q', '-c', `config=${config}`, '-o', output], {
    cwd: process.cwd(),
    stdio: ['ignore', 'inherit', 'pipe'],
    encoding: 'utf8',
  });
  if (result.stderr) err(result.stderr);
  if (result.status !== 0) return result.status ?? 1;
  out(guardSummary(path.resolve(output)).text);
  if (values['emit-metrics']) out(synthMetricsLine(config, Number(process.hrtime.bigint() - started) / 1e9));
  return 0;
}

/** The synth step's delivery metrics as one EMF line (Powertools Metrics' format), from the plan of the config just synthesized. */
export function synthMetricsLine(configDir: string, seconds: number): string {
  const config = loadConfigOrThrow(configDir);
  const result = planWithStandIns(config, REGISTRY);
  if (!result.plan) throw new Error('the config synthesized but does not plan; run npm run plan for its issues');
  const metrics = new Metrics({ namespace: DELIVERY_NAMESPACE, serviceName: DELIVERY_METRICS.synthSeconds.service });
  const use = (quota: string) => result.plan!.quotas.find((q) => q.quota === quota)!;
  metrics.addMetric(DELIVERY_METRICS.synthSeconds.name, MetricUnit.Seconds, Math.round(seconds * 10) / 10);
  metrics.addMetric(DELIVERY_METRICS.pipelineActions.name, MetricUnit.Count, use('actions per pipeline').used);
  metrics.addMetric(DELIVERY_METRICS.pipelineActionsQuota.name, MetricUnit.Count, use('actions per pipeline').limit);
  metrics.addMetric(DELIVERY_METRICS.pipelineStages.name, MetricUnit.Count, use('stages per pipeline').used);
  metrics.addMetric(DELIVERY_METRICS.pipelineStagesQuota.name, MetricUnit.Count, use('stages per pipeline').limit);
  metrics.addMetadata('pipeline', result.plan.pipelineName);
  // Serialized rather than published: the line goes where the command's output goes (the build log).
  return `${JSON.stringify(metrics.serializeMetrics())}\n`;
}

if (require.main === module) void runCommand(() => main(process.argv.slice(2)));
