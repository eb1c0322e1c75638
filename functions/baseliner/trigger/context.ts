/** What every part of the trigger shares: its clients, its config, and the context of one invocation. */
import { Logger } from '@aws-lambda-powertools/logger';
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { OrganizationsClient } from '@aws-sdk/client-organizations';
import { GetObjectCommand, S3Client } from '@aws-sdk/client-s3';
import { ServiceCatalogClient } from '@aws-sdk/client-service-catalog';
import { SFNClient } from '@aws-sdk/client-sfn';
import { SNSClient } from '@aws-sdk/client-sns';
import { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import * as yaml from 'js-yaml';
import { z } from 'zod';
import { type PlannedProduct } from '../../../accounts/baseline-selection';
import { Baseline } from '../../../accounts/schema';
import { DEFAULT_RETRY, readOrganization, retrying, type OrgTree, type RetryOptions } from '../../../accounts/sync';
import { isProvisioned, memoizedResolver, token, type ResolvedIds } from '../shared/catalog';
import { sleep } from '../shared/clock';
import { Tracking } from '../shared/tracking';

export const logger = new Logger({ serviceName: 'baseliner-trigger' });

export const BASELINE_KEY = 'baseline.yaml';
/** The OUs organization.yaml governs, written beside baseline.yaml by the stage. */
export const GOVERNED_KEY = 'governed.json';
export const UPDATES_PREFIX = 'updates/';

/** A problem no retry will fix (bad event, bad config, unknown product): reported, nothing started. */
export class Rejected extends Error {}

const Governed = z.strictObject({ organizationalUnits: z.array(z.string().min(1)) });

export function env(name: string): string {
  const v = process.env[name];
  if (!v) throw new Error(`${name} is not set`);
  return v;
}

/** Throttling and service errors are retried with back-off on every call (the reconcile makes many). */
export const patience = (): RetryOptions => ({ ...DEFAULT_RETRY, sleep });
export const clients = () => ({
  s3: new S3Client({}),
  sc: retrying(new ServiceCatalogClient({}), patience()),
  sfn: retrying(new SFNClient({}), patience()),
  sns: new SNSClient({}),
  // Organizations is served from us-east-1 whatever the home Region.
  orgs: new OrganizationsClient({ region: 'us-east-1' }),
  tracking: new Tracking(retrying(DynamoDBDocumentClient.from(new DynamoDBClient({})), patience()), env('TABLE_NAME')),
});
export type Clients = ReturnType<typeof clients>;

export async function readYaml<S extends z.ZodType>(s3: S3Client, bucket: string, key: string, schema: S, versionId?: string): Promise<{ content: z.output<S>; version: string }> {
  const out = await s3.send(new GetObjectCommand({ Bucket: bucket, Key: key, VersionId: versionId }));
  const text = (await out.Body?.transformToString()) ?? '';
  let data: unknown;
  try {
    data = yaml.load(text);
  } catch (err) {
    throw new Rejected(`s3://${bucket}/${key} is not valid YAML: ${(err as Error).message}`);
  }
  const parsed = schema.safeParse(data ?? {});
  if (!parsed.success) throw new Rejected(`s3://${bucket}/${key}: ${parsed.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`).join('; ')}`);
  // The content decides the version: the pipeline re-uploads unchanged files, which must not count as new.
  return { content: parsed.data, version: token(text) };
}

/** What every account of one invocation shares: config, organization, catalog lookups. */
export interface Context {
  readonly aws: Clients;
  readonly baseline: Baseline;
  readonly governed: readonly string[];
  readonly tree: OrgTree;
  readonly resolve: (p: Pick<PlannedProduct, 'product' | 'portfolio' | 'version'>) => Promise<ResolvedIds>;
  /** Whether Service Catalog has `<account>-<provisionName>`. */
  readonly exists: (provisionedProductName: string) => Promise<boolean>;
}

export async function context(aws: Clients, exists?: Context['exists']): Promise<Context> {
  const bucket = env('CONFIG_BUCKET');
  const { content: baseline } = await readYaml(aws.s3, bucket, BASELINE_KEY, Baseline);
  // JSON is YAML, so the same reader serves.
  const { content: governed } = await readYaml(aws.s3, bucket, GOVERNED_KEY, Governed);
  const tree = await readOrganization(aws.orgs, patience());
  return { aws, baseline, governed: governed.organizationalUnits, tree, resolve: memoizedResolver(aws.sc), exists: exists ?? ((name) => isProvisioned(aws.sc, name)) };
}
