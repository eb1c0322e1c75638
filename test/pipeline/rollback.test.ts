/**
 * npm run rollback, with CodePipeline mocked (aws-sdk-client-mock): the target found by commit or
 * execution id, refusals that say why, the shape check, the dry run, and the StartPipelineExecution
 * call with its source revision and idempotency token.
 */
import {
  CodePipelineClient,
  GetPipelineCommand,
  ListActionExecutionsCommand,
  ListPipelineExecutionsCommand,
  StartPipelineExecutionCommand,
  type ActionCategory,
  type ActionDeclaration,
  type ActionExecutionDetail,
  type PipelineExecutionSummary,
  type StageDeclaration,
} from '@aws-sdk/client-codepipeline';
import { mockClient } from 'aws-sdk-client-mock';
import { main } from '../../pipeline/cli/rollback';
import { UsageError } from '../../pipeline/cli/command-line';
import { chooseExecution, parseTarget, shapeDifferences, stagesOf } from '../../pipeline/rollback';
import { configFixture } from '../support/config-fixture';

const codePipeline = mockClient(CodePipelineClient);
const GOOD = 'a1b2c3d4e5f60718293a4b5c6d7e8f9012345678';
const BAD = 'ffffeeeeddddccccbbbbaaaa9999888877776666';
const GOOD_EXECUTION = '0f4a7a3e-1b2c-4d5e-8f90-1234567890ab';
/** An action declaration as GetPipeline returns it. */
const action = (name: string, category: ActionCategory, provider: string): ActionDeclaration => ({
  name,
  actionTypeId: { category, owner: category === 'Source' ? 'ThirdParty' : 'AWS', provider, version: '1' },
});
const STAGES: StageDeclaration[] = [
  { name: 'Source', actions: [action('example-org_platform-delivery', 'Source', 'CodeStarSourceConnection')] },
  { name: 'Build', actions: [action('Synth', 'Build', 'CodeBuild')] },
  { name: 'UpdatePipeline', actions: [action('SelfMutate', 'Build', 'CodeBuild')] },
  { name: 'Assets', actions: [action('FileAssets', 'Build', 'CodeBuild')] },
  { name: 'dev', actions: [action('stackset-dev-sns-fifo-jobs.Deploy', 'Deploy', 'CloudFormation')] },
  { name: 'prod', actions: [action('Approve-prod', 'Approval', 'Manual'), action('sns-fifo-jobs-prod-us-east-1.Deploy', 'Deploy', 'CloudFormation')] },
];
const ran = (stages: StageDeclaration[]): ActionExecutionDetail[] =>
  stages.flatMap((s) => (s.actions ?? []).map((a) => ({ pipelineExecutionId: GOOD_EXECUTION, stageName: s.name, actionName: a.name, status: 'Succeeded' as const })));
const executions: PipelineExecutionSummary[] = [
  {
    pipelineExecutionId: '9e9e9e9e-0000-4000-8000-000000000001',
    status: 'Failed',
    startTime: new Date('2026-12-03T10:00:00Z'),
    sourceRevisions: [{ actionName: 'example-org_platform-delivery', revisionId: BAD, revisionSummary: 'Break prod' }],
  },
  {
    pipelineExecutionId: GOOD_EXECUTION,
    status: 'Succeeded',
    startTime: new Date('2026-12-02T10:00:00Z'),
    sourceRevisions: [{ actionName: 'example-org_platform-delivery', revisionId: GOOD, revisionSummary: 'Good change' }],
  },
];

async function run(argv: string[]) {
  const out: string[] = [];
  const err: string[] = [];
  const code = await main(
    argv,
    new CodePipelineClient({ region: 'us-east-1' }),
    (s) => void out.push(s),
    (s) => void err.push(s),
  );
  return { code, out: out.join(''), err: err.join('') };
}

beforeEach(() => {
  codePipeline.reset();
  codePipeline.on(GetPipelineCommand).resolves({ pipeline: { name: 'platform-delivery', pipelineType: 'V2', roleArn: 'arn:aws:iam::111111111111:role/p', stages: STAGES } });
  codePipeline.on(ListPipelineExecutionsCommand).resolves({ pipelineExecutionSummaries: executions });
  codePipeline.on(ListActionExecutionsCommand).resolves({ actionExecutionDetails: ran(STAGES) });
  codePipeline.on(StartPipelineExecutionCommand).resolves({ pipelineExecutionId: 'new-execution' });
});

describe('npm run rollback', () => {
  const dir = configFixture();

  it('starts the pipeline named in the config at the commit, as a COMMIT_ID source revision override, once', async () => {
    const { code, out } = await run(['--to', GOOD.slice(0, 7), '--config', dir]);
    expect(code).toBe(0);
    expect(codePipeline.commandCalls(GetPipelineCommand)[0].args[0].input).toEqual({ name: 'platform-delivery' });
    const start = codePipeline.commandCalls(StartPipelineExecutionCommand);
    expect(start).toHaveLength(1);
    expect(start[0].args[0].input).toEqual({
      name: 'platform-delivery',
      sourceRevisions: [{ actionName: 'example-org_platform-delivery', revisionType: 'COMMIT_ID', revisionValue: GOOD }],
      clientRequestToken: `rollback-${GOOD.slice(0, 12)}-from-9e9e9e9e-0000-4000-8000-000000000001`,
    });
    expect(out).toContain(`to commit:  ${GOOD} "Good change"`);
    expect(out).toContain(`replacing:  ${BAD} (latest execution 9e9e9e9e-0000-4000-8000-000000000001, Failed)`);
    expect(out).toContain('then runs:  Source(1) → Build(1) → UpdatePipeline(1) → Assets(1) → dev(1) → prod(2)');
    expect(out).toContain('Started execution new-execution.');
  });

  it('takes an execution id, and --dry-run prints the same plan and starts nothing', async () => {
    const { code, out } = await run(['--to', GOOD_EXECUTION, '--dry-run', '--config', dir]);
    expect(code).toBe(0);
    expect(out).toContain(`which went through as execution ${GOOD_EXECUTION}`);
    expect(out).toContain('Dry run: nothing started.');
    expect(codePipeline.commandCalls(StartPipelineExecutionCommand)).toHaveLength(0);
    expect(codePipeline.commandCalls(ListActionExecutionsCommand)[0].args[0].input.filter).toEqual({ pipelineExecutionId: GOOD_EXECUTION });
  });

  it('refuses a commit that never went through, or a failed execution, listing the revisions it could return to', async () => {
    for (const to of [BAD, '9e9e9e9e-0000-4000-8000-000000000001', '1234567']) {
      const { code, err } = await run(['--to', to, '--config', dir]);
      expect(code).toBe(1);
      expect(err).toMatch(/^rollback refused: /);
      expect(err).toContain(`Recent successful revisions: ${GOOD.slice(0, 12)} (execution ${GOOD_EXECUTION}, 2026-12-02T10:00:00.000Z)`);
    }
    expect(codePipeline.commandCalls(StartPipelineExecutionCommand)).toHaveLength(0);
  });

  it('refuses when the pipeline’s shape has changed since the revision ran, saying what differs and what to do instead', async () => {
    const before = STAGES.filter((s) => s.name !== 'dev').map((s) =>
      s.name === 'prod' ? { ...s, actions: [...(s.actions ?? []), action('sns-fifo-jobs-prod-eu-west-1.Deploy', 'Deploy', 'CloudFormation')] } : s,
    );
    codePipeline.on(ListActionExecutionsCommand).resolves({ actionExecutionDetails: ran(before) });
    const { code, err } = await run(['--to', GOOD, '--config', dir]);
    expect(code).toBe(1);
    expect(err).toContain('  - stage dev is new since then');
    expect(err).toContain('  - stage prod no longer has: sns-fifo-jobs-prod-eu-west-1.Deploy');
    expect(err).toContain('git revert');
    expect(codePipeline.commandCalls(StartPipelineExecutionCommand)).toHaveLength(0);
  });

  it('refuses a V1 pipeline, which cannot start at a source revision', async () => {
    codePipeline.on(GetPipelineCommand).resolves({ pipeline: { name: 'platform-delivery', pipelineType: 'V1', roleArn: 'r', stages: STAGES } });
    await expect(run(['--to', GOOD, '--config', dir])).rejects.toThrow('pipeline platform-delivery is V1: starting at a source revision needs a V2 pipeline');
  });

  it('reads at most five pages of executions', async () => {
    codePipeline.on(ListPipelineExecutionsCommand).resolves({ pipelineExecutionSummaries: [], nextToken: 'more' });
    const { code, err } = await run(['--to', GOOD, '--pipeline', 'other', '--region', 'eu-west-1']);
    expect(code).toBe(1);
    expect(err).toContain('No execution has succeeded yet.');
    expect(codePipeline.commandCalls(ListPipelineExecutionsCommand)).toHaveLength(5);
  });

  it('is a usage error without --to, or with a --to that is neither a commit nor an execution id', async () => {
    await expect(run([])).rejects.toThrow(new UsageError('--to is required: the commit or execution id to return to'));
    await expect(run(['--to', 'main'])).rejects.toThrow(new UsageError('"main" is neither a commit id (7 to 40 hex digits) nor a pipeline execution id (a UUID)'));
    expect(codePipeline.calls()).toHaveLength(0);
  });
});

describe('the rollback’s pure parts', () => {
  it('tells commits from execution ids', () => {
    expect(parseTarget(GOOD_EXECUTION.toUpperCase())).toEqual({ kind: 'execution', executionId: GOOD_EXECUTION });
    expect(parseTarget('ABCDEF1')).toEqual({ kind: 'commit', commit: 'abcdef1' });
    expect(() => parseTarget('abc')).toThrow();
  });
  it('refuses an ambiguous commit prefix', () => {
    const e = (id: string, commit: string) => ({ executionId: id, status: 'Succeeded', commit });
    expect(chooseExecution({ kind: 'commit', commit: 'abcd' }, [e('1', 'abcd1111'), e('2', 'abcd2222')]).problem).toBe('commit prefix abcd matches several commits: give more digits');
    expect(chooseExecution({ kind: 'commit', commit: 'abcd1' }, [e('1', 'abcd1111'), e('2', 'abcd1111')]).execution?.executionId).toBe('1');
  });
  it('groups the actions that ran by stage, and finds no difference in an unchanged pipeline', () => {
    const pairs = [
      { stage: 'a', action: 'x' },
      { stage: 'a', action: 'x' },
      { stage: 'b', action: 'y' },
    ];
    expect(stagesOf(pairs)).toEqual([
      { stage: 'a', actions: ['x'] },
      { stage: 'b', actions: ['y'] },
    ]);
    expect(shapeDifferences(stagesOf(pairs), stagesOf(pairs))).toEqual([]);
    expect(shapeDifferences([{ stage: 'a', actions: ['x', 'z'] }], stagesOf(pairs))).toEqual(['stage a has new actions: z', 'stage b has been removed since then']);
  });
});
