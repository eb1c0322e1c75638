import { Baseline } from '../../../accounts/schema';
import { stackSetParameters } from '../../../functions/baseliner/shared/catalog';
import { parseTrigger } from '../../../functions/baseliner/shared/events';
import { MalformedEventError } from '../../../functions/shared/malformed-event';
import { decideUpdate, dependencyLevels, isGoverned, planAccount, planChanges, productsForAccount, substitute, type PlannedProduct } from '../../../accounts/baseline-selection';
import { baselineExecutionName, decideStart, executionName, nextWaitSeconds, productFingerprint, selectionKey, updateEstimate } from '../../../functions/baseliner/shared/selection';
import { baselineEvent, controlTowerEvent, moveAccountEvent, s3PutEvent, scheduledEvent } from '../../../worlds/baseliner-world';

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
    expect(levels.map((l) => l.map((x) => x.provisionedProductName))).toEqual([
      ['666666666666-cdk-bootstrap', '666666666666-tags'],
      ['666666666666-account-baseline'],
      ['666666666666-prod-guardrails'],
    ]);
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
    expect(
      JSON.parse(
        stackSetParameters(
          {
            accounts: ['444444444444'],
            regions: ['us-east-1'],
            adminRoleArn: 'arn:aws:iam::111111111111:role/service-role/AWSControlTowerStackSetRole',
            executionRoleName: 'AWSControlTowerExecution',
          },
          existing,
        ),
      ),
    ).toEqual({
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
    expect(parseTrigger(s3PutEvent('updates/2026 11.yaml'))).toEqual({
      kind: 'update',
      files: [{ bucket: 'config-bucket', key: 'updates/2026 11.yaml', versionId: 'ver-1', eTag: 'd41d8cd98f00b204e9800998ecf8427e' }],
    });
    const viaEventBridge = {
      version: '0',
      id: '17793124-05d4-b198-2fde-7ededc63b103',
      'detail-type': 'Object Created',
      source: 'aws.s3',
      account: '111111111111',
      time: '2026-11-29T10:00:00Z',
      region: 'us-east-1',
      resources: ['arn:aws:s3:::config-bucket'],
      detail: {
        version: '0',
        bucket: { name: 'config-bucket' },
        object: { key: 'updates/a b.yaml', size: 5, etag: 'b1946ac9', 'version-id': 'v7', sequencer: '00617F08299329D189' },
        'request-id': 'N4N7GDK58NMKJ12R',
        requester: '111111111111',
        reason: 'PutObject',
      },
    };
    expect(parseTrigger(viaEventBridge)).toEqual({ kind: 'update', files: [{ bucket: 'config-bucket', key: 'updates/a b.yaml', versionId: 'v7', eTag: 'b1946ac9' }] });
  });

  it('rejects an S3 notification whose key is not valid URL encoding with the reason, not a URIError', () => {
    expect(() => parseTrigger(s3PutEvent('updates/100%.yaml', { encode: false }))).toThrow(
      new MalformedEventError('object key "updates/100%.yaml" is not valid URL encoding (S3 encodes keys in events; a literal "%" arrives as "%25")'),
    );
    expect(parseTrigger(s3PutEvent('updates/100%.yaml')).kind).toBe('update');
  });

  it.each([
    [null, 'not a Control Tower lifecycle event: (root): Invalid input: expected object, received null'],
    [
      { ...controlTowerEvent('444444444444', { name: 'Dev', id: 'ou-dev' }), detail: { eventName: 'CreateManagedAccount', serviceEventDetails: {} } },
      'CreateManagedAccount event without its createManagedAccountStatus',
    ],
    [{ source: 'aws.s3', 'detail-type': 'Object Deleted', detail: {} }, 'not an S3 Object Created event'],
    [{ Records: [{ eventSource: 'aws:sqs' }] }, 'not an S3 object-created event'],
  ])('rejects %j', (event, message) => {
    expect(() => parseTrigger(event)).toThrow(MalformedEventError);
    expect(() => parseTrigger(event)).toThrow(message);
  });
});

describe('what would be provisioned: fingerprints and selection keys', () => {
  const product = { product: 'account-baseline', artifactId: 'pa-1', portfolio: 'p', regions: ['us-east-1', 'eu-west-1'], parameters: { A: '1', B: '2' } };

  it('a fingerprint ignores the order of Regions and parameters, and changes with the artifact, a parameter or a Region', () => {
    const same = productFingerprint({ ...product, regions: ['eu-west-1', 'us-east-1'], parameters: { B: '2', A: '1' } });
    expect(same).toBe(productFingerprint(product));
    expect(productFingerprint({ ...product, artifactId: 'pa-2' })).not.toBe(same);
    expect(productFingerprint({ ...product, parameters: { A: '1', B: '3' } })).not.toBe(same);
    expect(productFingerprint({ ...product, regions: ['us-east-1'] })).not.toBe(same);
  });

  it('a selection key is the account plus every product fingerprint, in any order', () => {
    const key = selectionKey('444444444444', [
      { provisionName: 'a', fingerprint: 'f1' },
      { provisionName: 'b', fingerprint: 'f2' },
    ]);
    expect(key).toMatch(/^[0-9a-f]{24}$/);
    expect(
      selectionKey('444444444444', [
        { provisionName: 'b', fingerprint: 'f2' },
        { provisionName: 'a', fingerprint: 'f1' },
      ]),
    ).toBe(key);
    expect(
      selectionKey('666666666666', [
        { provisionName: 'a', fingerprint: 'f1' },
        { provisionName: 'b', fingerprint: 'f2' },
      ]),
    ).not.toBe(key);
    expect(selectionKey('444444444444', [{ provisionName: 'a', fingerprint: 'f1' }])).not.toBe(key);
    expect(baselineExecutionName('444444444444', key, 3)).toBe(`baseline-444444444444-${key}-3`);
  });
});

describe('decideStart', () => {
  const record = (status: 'running' | 'done' | 'failed', attempt = 1) => ({ selectionKey: 'k', attempt, status, executionName: `baseline-x-k-${attempt}` });
  it.each([
    ['no record', undefined, 'k', {}, { start: true, attempt: 1 }],
    ['another selection', record('done', 4), 'k2', {}, { start: true, attempt: 1, why: 'the selection changed' }],
    ['running', record('running'), 'k', { executionStatus: 'RUNNING' }, { start: false }],
    ['recorded running, execution failed', record('running'), 'k', { executionStatus: 'FAILED' }, { start: true, attempt: 2 }],
    ['recorded running, execution never started', record('running'), 'k', { executionStatus: 'MISSING' }, { start: true, attempt: 2 }],
    ['done', record('done'), 'k', {}, { start: false, why: 'this selection is baselined already' }],
    ['done, but a product is gone', record('done'), 'k', { drifted: true }, { start: true, attempt: 2 }],
    ['failed', record('failed', 5), 'k', {}, { start: true, attempt: 6 }],
    ['failed, reconcile within its attempts', record('failed', 2), 'k', { maxAttempts: 3 }, { start: true, attempt: 3 }],
    ['failed, reconcile out of attempts', record('failed', 3), 'k', { maxAttempts: 3 }, { start: false, gaveUp: true }],
  ] as const)('%s', (_what, rec, key, ctx, expected) => {
    expect(decideStart(rec, key, ctx)).toMatchObject(expected);
  });
});

describe('planChanges', () => {
  const planned = (provisionName: string, fingerprint: string, extra: Partial<PlannedProduct> = {}) => ({
    provisionName,
    provisionedProductName: `444444444444-${provisionName}`,
    product: `prod-${provisionName}`,
    portfolio: 'p',
    regions: ['us-east-1'],
    dependsOn: [],
    parameters: {},
    action: 'deploy' as const,
    fingerprint,
    ...extra,
  });
  const tracked = [
    { provisionName: 'a', product: 'prod-a', status: 'done', fingerprint: 'fa' },
    { provisionName: 'b', product: 'prod-b', status: 'done', fingerprint: 'fb-old' },
    { provisionName: 'old-kept', product: 'prod-k', status: 'done', fingerprint: 'fk' },
    { provisionName: 'old-gone', product: 'prod-g', status: 'done', fingerprint: 'fg', terminateOnLeave: true },
    { provisionName: 'never', product: 'prod-n', status: 'failed' },
  ];
  const there = new Set(['a', 'b', 'old-kept', 'old-gone']);

  it('leaves alone what is there as selected, updates what differs, deploys what is missing, and sorts out what the account left', () => {
    const changes = planChanges([planned('a', 'fa'), planned('b', 'fb-new'), planned('c', 'fc')], tracked, (n) => there.has(n));
    expect(changes.unchanged).toEqual(['a']);
    expect(changes.provision.map((p) => `${p.provisionName}:${p.action}`)).toEqual(['b:update', 'c:deploy']);
    expect(changes.left.map((l) => `${l.provisionName}:${l.terminate}`)).toEqual(['old-kept:false', 'old-gone:true']);
  });

  it('redeploys a product done as selected that Service Catalog no longer has', () => {
    expect(planChanges([planned('a', 'fa')], tracked, () => false).provision.map((p) => p.action)).toEqual(['deploy']);
  });

  it('with scope missing (the reconcile), changes only what Service Catalog lacks and terminates nothing', () => {
    const changes = planChanges([planned('a', 'fa'), planned('b', 'fb-new'), planned('c', 'fc')], tracked, (n) => there.has(n), 'missing');
    expect(changes.provision.map((p) => p.provisionName)).toEqual(['c']);
    expect(changes.unchanged).toEqual(['a', 'b']);
    expect(changes.left).toEqual([]);
  });
});

describe('isGoverned', () => {
  it('is an OU organization.yaml lists, or one below it; never Root', () => {
    expect(isGoverned('Workloads/Prod/Critical', ['Workloads'])).toBe(true);
    expect(isGoverned('Workloads', ['Workloads/Prod'])).toBe(false);
    expect(isGoverned('Root', ['Workloads'])).toBe(false);
    expect(isGoverned('Suspended', ['Workloads', 'Sandbox'])).toBe(false);
  });
});

describe('parseTrigger: the newer arrivals', () => {
  it('reads enabledBaselineDetails directly under serviceEventDetails too, and a scheduled event as the reconcile', () => {
    const flat = {
      id: 'e1',
      source: 'aws.controltower',
      'detail-type': 'AWS Service Event via CloudTrail',
      detail: {
        eventName: 'UpdateEnabledBaseline',
        serviceEventDetails: { enabledBaselineDetails: { targetIdentifier: 'arn:aws:organizations::111111111111:account/o-a1b2c3d4e5/444444444444', statusSummary: { status: 'SUCCEEDED' } } },
      },
    };
    expect(parseTrigger(flat)).toEqual({ kind: 'account', source: 'UpdateEnabledBaseline', eventId: 'e1', accountId: '444444444444', enrolled: true });
    expect(parseTrigger(scheduledEvent())).toEqual({ kind: 'reconcile', eventId: '89d1a02d-5ec7-412e-82f5-13505f849b41', time: '2026-11-30T10:00:00Z' });
    expect(parseTrigger(baselineEvent('EnableBaseline', 'arn:aws:organizations::111111111111:ou/o-a1b2c3d4e5/ou-ab12-34cd5678'))).toMatchObject({ kind: 'ou', ouId: 'ou-ab12-34cd5678' });
    expect(parseTrigger(moveAccountEvent('444444444444', 'ou-dev', 'ou-prod'))).toEqual({
      kind: 'account',
      source: 'MoveAccount',
      eventId: 'b1c2d3e4-0000-4000-8000-00000000a001',
      accountId: '444444444444',
      ouId: 'ou-prod',
      enrolled: false,
    });
  });
});
