import { Baseline } from '../../../accounts/schema';
import { stackSetParameters } from '../../../functions/baseliner/shared/catalog';
import { MalformedEventError, parseTrigger } from '../../../functions/baseliner/shared/events';
import { decideUpdate, dependencyLevels, executionName, nextWaitSeconds, planAccount, productsForAccount, substitute, updateEstimate } from '../../../functions/baseliner/shared/selection';
import { controlTowerEvent, s3PutEvent } from '../../support/baseliner-world';

const baseline = Baseline.parse({
  organizationalUnits: {
    default: [
      { product: 'cdk-bootstrap', portfolio: 'p', provisionName: 'cdk-bootstrap', regions: ['us-east-1'], parameters: { TrustedAccount: '{masteraccountid}' } },
      { product: 'account-baseline', portfolio: 'p', provisionName: 'account-baseline', dependsOn: ['cdk-bootstrap'], regions: ['us-east-1'] },
    ],
    Workloads: [{ product: 'workload-tags', portfolio: 'p', provisionName: 'tags', regions: ['us-east-1'] }],
    'Workloads/Prod': [
      { product: 'prod-guardrails', portfolio: 'p', provisionName: 'prod-guardrails', dependsOn: ['account-baseline'], regions: ['us-east-1'] },
      { product: 'account-baseline', version: 'v9-prod', portfolio: 'p', provisionName: 'account-baseline', dependsOn: ['cdk-bootstrap'], regions: ['us-east-1'] },
    ],
    'ou-crit-1234': [{ product: 'critical-backup', portfolio: 'p', provisionName: 'backup', regions: ['us-east-1'] }],
    Sandbox: [{ product: 'sandbox-budget', portfolio: 'p', provisionName: 'budget', regions: ['us-east-1'] }],
  },
});

describe('productsForAccount', () => {
  it('takes default plus every OU above the account, the most specific key winning a provisionName', () => {
    const names = (ou: string, ids?: string[]) => productsForAccount(baseline, ou, ids).map((p) => `${p.provisionName}${p.version ? `@${p.version}` : ''}`);
    expect(names('Root')).toEqual(['cdk-bootstrap', 'account-baseline']);
    expect(names('Workloads/Dev')).toEqual(['cdk-bootstrap', 'account-baseline', 'tags']);
    expect(names('Workloads/Prod')).toEqual(['cdk-bootstrap', 'account-baseline@v9-prod', 'tags', 'prod-guardrails']);
    // A nested OU named by id in the config.
    expect(names('Workloads/Prod/Critical', ['ou-work', 'ou-prod', 'ou-crit-1234'])).toEqual(['cdk-bootstrap', 'account-baseline@v9-prod', 'tags', 'prod-guardrails', 'backup']);
  });
});

describe('substitute', () => {
  it('replaces every placeholder in every value, whatever its case', () => {
    expect(substitute({ A: '{accountid}-{AccountId}', B: 'arn:aws:iam::{masteraccountid}:root', C: 42, D: true }, { accountId: '444444444444', managementAccountId: '111111111111' })).toEqual({
      A: '444444444444-444444444444',
      B: 'arn:aws:iam::111111111111:root',
      C: '42',
      D: 'true',
    });
  });
});

describe('dependencyLevels', () => {
  const p = (provisionName: string, ...dependsOn: string[]) => ({ provisionName, dependsOn });

  it('puts independent products in one level and dependents after them', () => {
    expect(dependencyLevels([p('c', 'a', 'b'), p('a'), p('b'), p('d', 'c')]).map((l) => l.map((x) => x.provisionName))).toEqual([['a', 'b'], ['c'], ['d']]);
  });

  it('refuses an unknown dependency and a cycle', () => {
    expect(() => dependencyLevels([p('a', 'z')])).toThrow('"a" depends on "z", which this account does not get');
    expect(() => dependencyLevels([p('a', 'c'), p('b', 'a'), p('c', 'b'), p('d')])).toThrow('dependency cycle among a, b, c');
  });

  it('plans a Workloads/Prod account end to end', () => {
    const levels = planAccount(baseline, { accountId: '666666666666', ouPath: 'Workloads/Prod' }, '111111111111');
    expect(levels.map((l) => l.map((x) => x.provisionedProductName))).toEqual([['666666666666-cdk-bootstrap', '666666666666-tags'], ['666666666666-account-baseline'], ['666666666666-prod-guardrails']]);
    expect(levels[0][0].parameters).toEqual({ TrustedAccount: '111111111111' });
  });
});

describe('decideUpdate', () => {
  it.each([
    [true, false, 'update'],
    [true, true, 'update'],
    [false, true, 'deploy'],
    [false, false, 'skip'],
  ] as const)('provisioned=%s deployIfNotExist=%s → %s', (provisioned, deploy, expected) => {
    expect(decideUpdate(provisioned, deploy)).toBe(expected);
  });
});

describe('nextWaitSeconds', () => {
  const estimate = { meanSeconds: 300, deviationSeconds: 40 };

  it('looks first at the early edge of the usual duration, then every half deviation inside the band', () => {
    expect(nextWaitSeconds(0, 0, estimate)).toBe(260);
    expect(nextWaitSeconds(1, 260, estimate)).toBe(20);
    expect(nextWaitSeconds(2, 360, estimate)).toBe(20);
  });

  it('backs off past the band, and stays within bounds', () => {
    expect(nextWaitSeconds(4, 400, estimate)).toBe(100);
    expect(nextWaitSeconds(5, 500, estimate)).toBe(200);
    expect(nextWaitSeconds(6, 900, estimate)).toBe(300);
    expect(nextWaitSeconds(0, 0, { meanSeconds: 6, deviationSeconds: 5 })).toBe(5);
  });
});

describe('updateEstimate', () => {
  it('starts from the first run and follows later ones', () => {
    expect(updateEstimate(undefined, 300)).toEqual({ meanSeconds: 300, deviationSeconds: 60 });
    expect(updateEstimate({ meanSeconds: 300, deviationSeconds: 60 }, 200)).toEqual({ meanSeconds: 270, deviationSeconds: 72 });
  });
});

describe('executionName', () => {
  it('is deterministic and within the Step Functions alphabet and length', () => {
    const name = executionName('baseline', '444444444444', 'abc/def+ghi'.repeat(10));
    expect(name).toMatch(/^baseline-444444444444-[A-Za-z0-9_-]+$/);
    expect(name.length).toBeLessThanOrEqual(80);
    expect(executionName('baseline', '444444444444', 'x1')).toBe('baseline-444444444444-x1');
  });
});

describe('stackSetParameters', () => {
  it('keeps the accounts and Regions already allowed and adds the new ones', () => {
    const existing = JSON.stringify({ Version: '2.0', Properties: { AccountList: ['555555555555'], RegionList: ['eu-west-1'], AdminRole: 'x', ExecutionRole: 'y' } });
    expect(JSON.parse(stackSetParameters({ accounts: ['444444444444'], regions: ['us-east-1'], adminRoleArn: 'arn:aws:iam::111111111111:role/service-role/AWSControlTowerStackSetRole', executionRoleName: 'AWSControlTowerExecution' }, existing))).toEqual({
      Version: '2.0',
      Properties: {
        AccountList: ['444444444444', '555555555555'],
        RegionList: ['eu-west-1', 'us-east-1'],
        AdminRole: 'arn:aws:iam::111111111111:role/service-role/AWSControlTowerStackSetRole',
        ExecutionRole: 'AWSControlTowerExecution',
      },
    });
  });
});

describe('parseTrigger', () => {
  it('reads CreateManagedAccount and UpdateManagedAccount events', () => {
    expect(parseTrigger(controlTowerEvent('444444444444', { name: 'Dev', id: 'ou-dev' }))).toEqual({
      kind: 'account',
      source: 'CreateManagedAccount',
      eventId: '999cccaa-eaaa-0000-1111-123456789012',
      accountId: '444444444444',
      ouId: 'ou-dev',
      enrolled: true,
    });
    expect(parseTrigger(controlTowerEvent('444444444444', { name: 'Dev', id: 'ou-dev' }, 'UpdateManagedAccount'))).toMatchObject({ kind: 'account', source: 'UpdateManagedAccount', enrolled: true });
  });

  it('reads S3 notifications (URL-encoded keys) and S3 events through EventBridge', () => {
    expect(parseTrigger(s3PutEvent('updates/2026 11.yaml'))).toEqual({ kind: 'update', files: [{ bucket: 'config-bucket', key: 'updates/2026 11.yaml', versionId: 'ver-1', eTag: 'd41d8cd98f00b204e9800998ecf8427e' }] });
    const viaEventBridge = {
      version: '0',
      id: '17793124-05d4-b198-2fde-7ededc63b103',
      'detail-type': 'Object Created',
      source: 'aws.s3',
      account: '111111111111',
      time: '2026-11-29T10:00:00Z',
      region: 'us-east-1',
      resources: ['arn:aws:s3:::config-bucket'],
      detail: { version: '0', bucket: { name: 'config-bucket' }, object: { key: 'updates/a b.yaml', size: 5, etag: 'b1946ac9', 'version-id': 'v7', sequencer: '00617F08299329D189' }, 'request-id': 'N4N7GDK58NMKJ12R', requester: '111111111111', reason: 'PutObject' },
    };
    expect(parseTrigger(viaEventBridge)).toEqual({ kind: 'update', files: [{ bucket: 'config-bucket', key: 'updates/a b.yaml', versionId: 'v7', eTag: 'b1946ac9' }] });
  });

  it('rejects an S3 notification whose key is not valid URL encoding with the reason, not a URIError', () => {
    expect(() => parseTrigger(s3PutEvent('updates/100%.yaml', { encode: false }))).toThrow(new MalformedEventError('object key "updates/100%.yaml" is not valid URL encoding (S3 encodes keys in events; a literal "%" arrives as "%25")'));
    expect(parseTrigger(s3PutEvent('updates/100%.yaml')).kind).toBe('update');
  });

  it.each([
    [null, 'not a Control Tower lifecycle event: (root): Invalid input: expected object, received null'],
    [{ ...controlTowerEvent('444444444444', { name: 'Dev', id: 'ou-dev' }), detail: { eventName: 'CreateManagedAccount', serviceEventDetails: {} } }, 'CreateManagedAccount event without its createManagedAccountStatus'],
    [{ source: 'aws.s3', 'detail-type': 'Object Deleted', detail: {} }, 'not an S3 Object Created event'],
    [{ Records: [{ eventSource: 'aws:sqs' }] }, 'not an S3 object-created event'],
  ])('rejects %j', (event, message) => {
    expect(() => parseTrigger(event)).toThrow(MalformedEventError);
    expect(() => parseTrigger(event)).toThrow(message);
  });
});
