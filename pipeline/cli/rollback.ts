/**
 * `npm run rollback -- --to <commit|execution-id> [--dry-run]`: start the delivery pipeline at an
 * earlier source revision (CodePipeline V2 StartPipelineExecution with sourceRevisions), so every
 * wave, account and Region returns to what that revision deployed. It prints what it will do first,
 * and refuses a revision that never went all the way through, or one the pipeline's shape no longer
 * matches. Same on a laptop and in a pipeline step: AWS credentials from the environment.
 */
import { spawnSync } from 'node:child_process';
import * as path from 'node:path';
import {
  CodePipelineClient,
  GetPipelineCommand,
  ListActionExecutionsCommand,
  ListPipelineExecutionsCommand,
  StartPipelineExecutionCommand,
  type ListActionExecutionsCommandOutput,
  type PipelineExecutionSummary,
} from '@aws-sdk/client-codepipeline';
import { defaultConfigDir, loadConfig } from '../../accounts/loader';
import { chooseExecution, parseTarget, shapeDifferences, stagesOf, type ExecutionSummary, type StageShape } from '../rollback';
import { parseOrHelp, printIssues, runCommand, UsageError, type CommandSpec } from './command-line';

const ROOT = path.resolve(__dirname, '..', '..');
/** Executions read to find the target: CodePipeline keeps 12 months of history; this is the newest 500. */
export const MAX_EXECUTION_PAGES = 5;

const spec = {
  name: 'rollback',
  summary: 'start the delivery pipeline at an earlier source revision that once went all the way through it, after showing what will run',
  usage: 'npm run rollback -- --to <commit|execution-id> [--dry-run] [--config DIR] [--pipeline NAME] [--region REGION]',
  options: {
    to: { type: 'string', short: 't' },
    'dry-run': { type: 'boolean', short: 'n' },
    config: { type: 'string', short: 'c' },
    pipeline: { type: 'string' },
    region: { type: 'string' },
  },
  optionHelp: {
    '--to REV': 'a commit id (7 to 40 hex digits) or a pipeline execution id that succeeded',
    '--dry-run': 'print the plan and start nothing',
    '--config DIR': 'organization config: the pipeline name and home Region come from it (default: the sample in accounts/)',
    '--pipeline NAME': 'the pipeline, if not the config’s pipeline.name',
    '--region REGION': 'the pipeline’s Region, if not the config’s management.homeRegion',
    '--help': 'show this help',
  },
  examples: ['npm run rollback -- --to 3f2c1ab --dry-run', 'npm run rollback -- --to 3f2c1ab', 'npm run rollback -- --to 0f4a7a3e-1b2c-4d5e-8f90-1234567890ab --config ../my-org'],
} satisfies CommandSpec<Record<string, { type: 'string' | 'boolean'; short?: string }>>;

function summary(e: PipelineExecutionSummary): ExecutionSummary {
  const source = e.sourceRevisions?.[0];
  return { executionId: e.pipelineExecutionId ?? '', status: e.status ?? 'Unknown', commit: source?.revisionId, commitMessage: source?.revisionSummary, startTime: e.startTime };
}

/** The local subject line of a commit, when this checkout has it. */
function localSubject(commit: string): string | undefined {
  const r = spawnSync('git', ['log', '-1', '--format=%s', commit], { cwd: ROOT, encoding: 'utf8' });
  return r.status === 0 ? r.stdout.trim() : undefined;
}

export async function main(
  argv: string[],
  client?: CodePipelineClient,
  out: (s: string) => void = (s) => process.stdout.write(s),
  err: (s: string) => void = (s) => process.stderr.write(s),
): Promise<number> {
  const values = parseOrHelp(spec, argv, out);
  if (!values) return 0;
  if (!values.to) throw new UsageError('--to is required: the commit or execution id to return to');
  let target;
  try {
    target = parseTarget(values.to);
  } catch (e) {
    throw new UsageError((e as Error).message);
  }
  let name = values.pipeline;
  let region = values.region;
  if (!name || !region) {
    const { config, issues } = loadConfig(values.config ?? defaultConfigDir());
    if (!config || issues.length > 0) {
      printIssues(issues, err);
      return 1;
    }
    name ??= config.organization.pipeline.name;
    region ??= config.organization.management.homeRegion;
  }
  const codePipeline = client ?? new CodePipelineClient({ region });

  const { pipeline } = await codePipeline.send(new GetPipelineCommand({ name }));
  if (!pipeline?.stages?.length) throw new Error(`pipeline ${name} in ${region} has no stages`);
  if (pipeline.pipelineType !== 'V2') throw new Error(`pipeline ${name} is ${pipeline.pipelineType ?? 'V1'}: starting at a source revision needs a V2 pipeline`);
  const sourceAction = pipeline.stages[0].actions?.find((a) => a.actionTypeId?.category === 'Source');
  if (!sourceAction?.name) throw new Error(`pipeline ${name} has no source action in its first stage`);
  const current: StageShape[] = pipeline.stages.map((s) => ({ stage: s.name ?? '', actions: (s.actions ?? []).map((a) => a.name ?? '') }));

  const executions: ExecutionSummary[] = [];
  let token: string | undefined;
  for (let page = 0; page < MAX_EXECUTION_PAGES; page++) {
    const r = await codePipeline.send(new ListPipelineExecutionsCommand({ pipelineName: name, maxResults: 100, nextToken: token }));
    executions.push(...(r.pipelineExecutionSummaries ?? []).map(summary));
    token = r.nextToken;
    if (!token) break;
  }
  const chosen = chooseExecution(target, executions);
  if (!chosen.execution) {
    err(`rollback refused: ${chosen.problem}\n`);
    return 1;
  }
  const to = chosen.execution;

  const ran: Array<{ stage: string; action: string }> = [];
  token = undefined;
  for (let page = 0; page < MAX_EXECUTION_PAGES; page++) {
    const r: ListActionExecutionsCommandOutput = await codePipeline.send(
      new ListActionExecutionsCommand({ pipelineName: name, filter: { pipelineExecutionId: to.executionId }, maxResults: 100, nextToken: token }),
    );
    ran.push(...(r.actionExecutionDetails ?? []).map((d) => ({ stage: d.stageName ?? '', action: d.actionName ?? '' })));
    token = r.nextToken;
    if (!token) break;
  }
  const differences = shapeDifferences(current, stagesOf(ran));
  if (differences.length > 0) {
    err(
      [
        `rollback refused: the pipeline no longer has the shape it had when ${to.commit!.slice(0, 12)} went through (execution ${to.executionId}):`,
        ...differences.map((d) => `  - ${d}`),
        'Starting that revision would make the pipeline mutate itself back to its old shape on the way, adding or dropping waves mid-rollback.',
        `Instead, revert the change in git (git revert) and push: the pipeline then deploys the old templates with the shape it has now. Preview it with npm run plan -- --diff ${to.commit!.slice(0, 12)}.`,
        '',
      ].join('\n'),
    );
    return 1;
  }

  const latest = executions[0];
  const subject = to.commitMessage ?? localSubject(to.commit!);
  out(
    [
      `Rollback of pipeline ${name} (${region})`,
      `  to commit:  ${to.commit}${subject ? ` "${subject.split('\n')[0]}"` : ''}`,
      `  which went through as execution ${to.executionId}${to.startTime ? ` (started ${to.startTime.toISOString()})` : ''}`,
      `  replacing:  ${latest?.commit ?? 'nothing yet'}${latest ? ` (latest execution ${latest.executionId}, ${latest.status})` : ''}`,
      `  source:     ${sourceAction.name} at COMMIT_ID ${to.commit}`,
      `  then runs:  ${current.map((s) => `${s.stage}(${s.actions.length})`).join(' → ')}`,
      '  Each wave redeploys that revision’s templates to its accounts and Regions: CDK Stages by their stacks, StackSets by updating every instance. Approvals and wave gates still apply.',
      `  What changes, template by template: git checkout ${to.commit!.slice(0, 12)} && npm run plan -- --diff ${latest?.commit?.slice(0, 12) ?? 'HEAD'}`,
      '',
    ].join('\n'),
  );
  if (values['dry-run']) {
    out('Dry run: nothing started.\n');
    return 0;
  }
  // The same rollback asked twice (a retried command) starts one execution: the token names both ends.
  const clientRequestToken = `rollback-${to.commit!.slice(0, 12)}-from-${(latest?.executionId ?? 'none').slice(0, 36)}`.slice(0, 128);
  const started = await codePipeline.send(
    new StartPipelineExecutionCommand({ name, sourceRevisions: [{ actionName: sourceAction.name, revisionType: 'COMMIT_ID', revisionValue: to.commit }], clientRequestToken }),
  );
  out(
    `Started execution ${started.pipelineExecutionId}. Follow it: aws codepipeline get-pipeline-execution --pipeline-name ${name} --pipeline-execution-id ${started.pipelineExecutionId} --region ${region}\n`,
  );
  return 0;
}

if (require.main === module) void runCommand(() => main(process.argv.slice(2)));
