import { AssumeRoleCommand, type STSClient } from '@aws-sdk/client-sts';

export interface RoleCredentials {
  readonly accessKeyId: string;
  readonly secretAccessKey: string;
  readonly sessionToken?: string;
}

/** The CDK bootstrap role `<kind>` of an account and Region: its ARN. */
export const bootstrapRoleArn = (kind: 'lookup' | 'deploy', accountId: string, region: string, qualifier: string) =>
  `arn:aws:iam::${accountId}:role/cdk-${qualifier}-${kind}-role-${accountId}-${region}`;

/** Credentials of a role in another account, for 15 minutes; an error when STS gives none. */
export async function assumeRole(sts: STSClient, roleArn: string, sessionName: string): Promise<RoleCredentials> {
  const { Credentials: c } = await sts.send(new AssumeRoleCommand({ RoleArn: roleArn, RoleSessionName: sessionName, DurationSeconds: 900 }));
  if (!c?.AccessKeyId || !c.SecretAccessKey) throw new Error(`AssumeRole ${roleArn} returned no credentials`);
  return { accessKeyId: c.AccessKeyId, secretAccessKey: c.SecretAccessKey, sessionToken: c.SessionToken };
}
