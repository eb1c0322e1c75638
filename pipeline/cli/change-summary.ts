/**
 * `npm run change-summary -- --assembly cdk.out --wave prod [--bucket B --key K]`: what a wave will
 * change, against what is deployed now, in every account and Region it reaches. The pipeline runs it
 * before each approval and links the approval to the object it writes; on a laptop it needs only
 * credentials of the management account (it reads the targets through their CDK lookup roles).
 */
import { CloudFormationClient, DescribeStackSetCommand, GetTemplateCommand } from '@aws-sdk/client-cloudformation';
import { PutObjectCommand, S3Client } from '@aws-sdk/client-s3';
import { AssumeRoleCommand, STSClient } from '@aws-sdk/client-sts';
import { defaultConfigDir, loadConfig } from '../../accounts/loader';
import { assemblyTemplates, renderChangeSummary, summarizeChanges } from '../change-summary';
import { deployedTemplates, type TemplateFetcher } from '../deployed-templates';
import { planWithStandIns } from '../deployment-stages';
import { pipelineStackName } from '../pipeline-stack';
import { REGISTRY } from '../registry';
import { lookupRoleArn } from '../wave-gates';
import { parseOrHelp, printIssues, runCommand, UsageError, type CommandSpec } from './command-line';

const spec = {
  name: 'change-summary',
  summary: "summarize what a wave will change against what is deployed now (stage stacks' and StackSets' current templates), in every account and Region it reaches",
  usage: 'npm run change-summary -- --wave NAME [--assembly DIR] [--config DIR] [--bucket BUCKET --key KEY]',
  options: {
    wave: { type: 'string', short: 'w' },
    assembly: { type: 'string', short: 'a' },
    config: { type: 'string', short: 'c' },
    bucket: { type: 'string' },
    key: { type: 'string' },
  },
  optionHelp: {
    '--wave NAME': 'the wave of delivery.yaml to summarize',
    '--assembly DIR': 'the synthesized cloud assembly to deploy (default: cdk.out)',
    '--config DIR': 'organization config directory (default: the sample in accounts/)',
    '--bucket BUCKET': 'also write the summary there (text, and JSON beside it), as the pipeline does for the approval to link to',
    '--key KEY': 'the object key of the text summary (with --bucket); the JSON gets .json added',
    '--help': 'show this help',
  },
  examples: ['npm run change-summary -- --wave prod', 'npm run change-summary -- --wave prod --bucket my-summaries --key change-summaries/run-1/prod.txt'],
} satisfies CommandSpec<Record<string, { type: 'string' | 'boolean'; short?: string }>>;

export interface Clients {
  readonly sts: STSClient;
  readonly s3: S3Client;
  readonly cloudFormation: (region: string, credentials?: { accessKeyId: string; secretAccessKey: string; sessionToken?: string }) => CloudFormationClient;
}

const defaultClients = (region: string): Clients => ({
  sts: new STSClient({ region }),
  s3: new S3Client({ region }),
  cloudFormation: (r, credentials) => new CloudFormationClient({ region: r, credentials }),
});

const notFound = (err: unknown) => {
  const e = err as { name?: string; message?: string };
  return e.name === 'StackSetNotFoundException' || (e.name === 'ValidationError' && /does not exist/i.test(e.message ?? ''));
};

function parseTemplate(body: string | undefined, what: string): Record<string, unknown> | undefined {
  if (body === undefined) return undefined;
  try {
    return JSON.parse(body) as Record<string, unknown>;
  } catch {
    throw new Error(`the deployed template of ${what} is not JSON (CDK deploys JSON; was it changed by hand?)`);
  }
}

/** Current templates, read through each target account's CDK lookup role (directly in the management account). */
export function awsFetcher(aws: Clients, managementAccount: string): TemplateFetcher {
  const clientFor = async (accountId: string, region: string) => {
    if (accountId === managementAccount) return aws.cloudFormation(region);
    const roleArn = lookupRoleArn('aws', accountId, region);
    const { Credentials: c } = await aws.sts.send(new AssumeRoleCommand({ RoleArn: roleArn, RoleSessionName: 'change-summary', DurationSeconds: 900 }));
    if (!c?.AccessKeyId || !c.SecretAccessKey) throw new Error(`AssumeRole ${roleArn} returned no credentials`);
    return aws.cloudFormation(region, { accessKeyId: c.AccessKeyId, secretAccessKey: c.SecretAccessKey, sessionToken: c.SessionToken });
  };
  return {
    async stackTemplate(accountId, region, stackName) {
      const cfn = await clientFor(accountId, region);
      try {
        return parseTemplate((await cfn.send(new GetTemplateCommand({ StackName: stackName, TemplateStage: 'Original' }))).TemplateBody, `${stackName} in ${accountId} ${region}`);
      } catch (err) {
        if (notFound(err)) return undefined;
        throw err;
      }
    },
    async stackSetTemplate(accountId, region, stackSetName, callAs) {
      const cfn = await clientFor(accountId, region);
      try {
        return parseTemplate((await cfn.send(new DescribeStackSetCommand({ StackSetName: stackSetName, CallAs: callAs }))).StackSet?.TemplateBody, `StackSet ${stackSetName}`);
      } catch (err) {
        if (notFound(err)) return undefined;
        throw err;
      }
    },
  };
}

export async function main(argv: string[], clients?: Clients, out: (s: string) => void = (s) => process.stdout.write(s), err: (s: string) => void = (s) => process.stderr.write(s)): Promise<number> {
  const values = parseOrHelp(spec, argv, out);
  if (!values) return 0;
  if (!values.wave) throw new UsageError('--wave is required: the wave to summarize');
  if ((values.bucket === undefined) !== (values.key === undefined)) throw new UsageError('--bucket and --key go together');
  const { config, issues } = loadConfig(values.config ?? defaultConfigDir());
  if (!config || issues.length > 0) {
    printIssues(issues, err);
    return 1;
  }
  const result = planWithStandIns(config, REGISTRY);
  if (!result.plan) {
    printIssues(result.issues, err);
    return 1;
  }
  const plan = result.plan;
  if (!plan.waves.some((w) => w.name === values.wave)) throw new UsageError(`no wave "${values.wave}" in delivery.yaml (waves: ${plan.waves.map((w) => w.name).join(', ')})`);
  const org = config.organization;
  const aws = clients ?? defaultClients(org.management.homeRegion);
  const head = assemblyTemplates(values.assembly ?? 'cdk.out', pipelineStackName(plan.pipelineName));
  const pair = await deployedTemplates(head, plan, values.wave, awsFetcher(aws, org.management.account));
  const summary = summarizeChanges(pair.base, pair.head, plan);
  const text = renderChangeSummary(summary, `wave ${values.wave}: deployed now → ${values.assembly ?? 'cdk.out'}`);
  out(text);
  if (values.bucket && values.key) {
    await aws.s3.send(new PutObjectCommand({ Bucket: values.bucket, Key: values.key, Body: text, ContentType: 'text/plain; charset=utf-8' }));
    await aws.s3.send(new PutObjectCommand({ Bucket: values.bucket, Key: `${values.key}.json`, Body: JSON.stringify({ wave: values.wave, ...summary }, null, 2), ContentType: 'application/json' }));
    out(`wrote s3://${values.bucket}/${values.key}\n`);
  }
  return 0;
}

if (require.main === module) void runCommand(() => main(process.argv.slice(2)));
