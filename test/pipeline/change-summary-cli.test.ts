/**
 * npm run change-summary: a wave's synthesized templates against what is deployed now, read with
 * CloudFormation mocked (aws-sdk-client-mock): GetTemplate through the lookup role for a stage's
 * stack, DescribeStackSet for a StackSet, a stack not deployed yet, and the upload for the approval.
 */
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { CloudFormationClient, DescribeStackSetCommand, GetTemplateCommand } from '@aws-sdk/client-cloudformation';
import { PutObjectCommand, S3Client } from '@aws-sdk/client-s3';
import { AssumeRoleCommand, STSClient } from '@aws-sdk/client-sts';
import { mockClient } from 'aws-sdk-client-mock';
import { main, type Clients } from '../../pipeline/cli/change-summary';
import { UsageError } from '../../pipeline/cli/command-line';
import { AFTER, assembly, BEFORE, template } from '../support/assemblies';
import { configFixture } from '../support/config-fixture';

const cfn = mockClient(CloudFormationClient);
const sts = mockClient(STSClient);
const s3 = mockClient(S3Client);
const clients = (): Clients => ({ sts: new STSClient({}), s3: new S3Client({}), cloudFormation: (region) => new CloudFormationClient({ region }) });
const dir = configFixture();
const root = fs.mkdtempSync(path.join(os.tmpdir(), 'change-summary-cli-'));
const pipeline = { Resources: { Pipeline: { Type: 'AWS::CodePipeline::Pipeline', Properties: {} } } };
const host = { Resources: { Resource: { Type: 'AWS::CloudFormation::StackSet', Properties: { TemplateURL: 'https://s3/new.json' } } } };
const head = assembly(path.join(root, 'head'), { pipeline, prodStage: template(AFTER), stackSetTemplate: template(AFTER), host });
afterAll(() => fs.rmSync(root, { recursive: true, force: true }));

async function run(argv: string[]) {
  const out: string[] = [];
  const err: string[] = [];
  const code = await main(
    argv,
    clients(),
    (s) => void out.push(s),
    (s) => void err.push(s),
  );
  return { code, out: out.join(''), err: err.join('') };
}

beforeEach(() => {
  for (const m of [cfn, sts, s3]) m.reset();
  sts.on(AssumeRoleCommand).resolves({ Credentials: { AccessKeyId: 'AKIA', SecretAccessKey: 's', SessionToken: 't', Expiration: new Date() } });
  s3.on(PutObjectCommand).resolves({});
});

describe('npm run change-summary', () => {
  it('diffs the prod stage’s stack against its deployed template, read through the prod account’s lookup role, and writes the summary for the approval', async () => {
    cfn.on(GetTemplateCommand, { StackName: 'pattern-sns-fifo-jobs' }).resolves({ TemplateBody: JSON.stringify(template(BEFORE)) });
    const { code, out } = await run(['--config', dir, '--assembly', head, '--wave', 'prod', '--bucket', 'summaries', '--key', 'change-summaries/exec-1/prod.txt']);
    expect(code).toBe(0);
    expect(sts.commandCalls(AssumeRoleCommand)[0].args[0].input.RoleArn).toBe('arn:aws:iam::666666666666:role/cdk-hnb659fds-lookup-role-666666666666-us-east-1');
    expect(out).toContain('Wave prod: 2 added, 2 modified, 1 replaced, 1 removed across 1 account-Region');
    expect(out).toMatch(/! AWS::DynamoDB::Table Table\w+ REPLACED/);
    const puts = s3.commandCalls(PutObjectCommand).map((c) => c.args[0].input);
    expect(puts.map((p) => p.Key)).toEqual(['change-summaries/exec-1/prod.txt', 'change-summaries/exec-1/prod.txt.json']);
    expect(puts[0].Body).toBe(out.replace('wrote s3://summaries/change-summaries/exec-1/prod.txt\n', ''));
    expect(JSON.parse(puts[1].Body as string)).toMatchObject({ wave: 'prod', totals: { added: 2, modified: 2, replaced: 1, removed: 1 } });
  });

  it('reads a StackSet’s current template with DescribeStackSet in the administrator account, and counts it per instance', async () => {
    cfn.on(DescribeStackSetCommand).resolves({ StackSet: { StackSetName: 'platform-delivery-dev-data-lake', TemplateBody: JSON.stringify(template(BEFORE)) } });
    cfn.on(GetTemplateCommand).resolves({ TemplateBody: JSON.stringify({ Resources: { Resource: { Type: 'AWS::CloudFormation::StackSet', Properties: { TemplateURL: 'https://s3/old.json' } } } }) });
    const { out } = await run(['--config', dir, '--assembly', head, '--wave', 'dev']);
    expect(cfn.commandCalls(DescribeStackSetCommand)[0].args[0].input).toEqual({ StackSetName: 'platform-delivery-dev-data-lake', CallAs: 'SELF' });
    // The management account administers the StackSets: no role to assume.
    expect(sts.commandCalls(AssumeRoleCommand)).toHaveLength(0);
    expect(out).toContain('stackset-dev-data-lake — StackSet template → 2 account-Regions');
    expect(out).toContain('~ AWS::CloudFormation::StackSet Resource modified (TemplateURL)');
  });

  it('shows a stack not deployed yet as new, every resource added', async () => {
    cfn.on(GetTemplateCommand).rejects(Object.assign(new Error('Stack with id pattern-sns-fifo-jobs does not exist'), { name: 'ValidationError' }));
    const { out } = await run(['--config', dir, '--assembly', head, '--wave', 'prod']);
    expect(out).toMatch(/pattern-sns-fifo-jobs \(new\) → 1 account-Region \(666666666666\/us-east-1\): \d+ added, 0 modified, 0 replaced, 0 removed each/);
  });

  it('fails on an error it cannot read past, and on a deployed template that is not JSON', async () => {
    cfn.on(GetTemplateCommand).rejects(Object.assign(new Error('not authorized'), { name: 'AccessDenied' }));
    await expect(run(['--config', dir, '--assembly', head, '--wave', 'prod'])).rejects.toThrow('not authorized');
    cfn.on(GetTemplateCommand).resolves({ TemplateBody: 'Resources: {}' });
    await expect(run(['--config', dir, '--assembly', head, '--wave', 'prod'])).rejects.toThrow('is not JSON');
  });

  it('refuses a missing or unknown wave, and --bucket without --key, as usage errors', async () => {
    await expect(run(['--config', dir])).rejects.toThrow(new UsageError('--wave is required: the wave to summarize'));
    await expect(run(['--config', dir, '--wave', 'qa'])).rejects.toThrow(new UsageError('no wave "qa" in delivery.yaml (waves: platform, dev, prod)'));
    await expect(run(['--config', dir, '--wave', 'prod', '--bucket', 'b'])).rejects.toThrow(new UsageError('--bucket and --key go together'));
    expect(cfn.calls()).toHaveLength(0);
  });
});
