/**
 * The baseliner end to end: the trigger handler on real event shapes, and the synthesized state
 * machine run for real by aws-local-stepfunctions, with the steps handler behind every Task.
 */
import { ProvisionProductCommand, UpdateProvisionedProductCommand } from '@aws-sdk/client-service-catalog';
import { StartExecutionCommand } from '@aws-sdk/client-sfn';
import { StartPipelineExecutionCommand } from '@aws-sdk/client-codepipeline';
import { handler as trigger } from '../../../functions/baseliner/trigger';
import { BaselinerWorld, controlTowerEvent, s3PutEvent } from '../../../worlds/baseliner-world';

/** a → b → c, every account; b is the bootstrap product. */
const CHAIN = `maxWaitMinutes: 60
bootstrapProduct: a
organizationalUnits:
  default:
    - { product: prod-a, portfolio: platform-baseline, provisionName: a, regions: [us-east-1], parameters: { Trusted: "{masteraccountid}" } }
    - { product: prod-b, portfolio: platform-baseline, provisionName: b, dependsOn: [a], regions: [us-east-1, eu-west-1], parameters: { Email: "ops+{accountid}@example.com", Tag: "{accountid}/{accountid}" } }
  Workloads/Prod:
    - { product: prod-c, version: v1, portfolio: platform-baseline, provisionName: c, dependsOn: [b], regions: [us-east-1] }
`;

const NEW_PROD_ACCOUNT = controlTowerEvent('888888888888', { name: 'Prod', id: 'ou-prod' });
let world: BaselinerWorld;

afterEach(() => world.restore());

const provisioned = () => world.sc.commandCalls(ProvisionProductCommand).map((c) => c.args[0].input.ProvisionedProductName);
const tracked = (accountId: string) =>
  Object.fromEntries(
    world.table
      .items()
      .filter((i) => i.accountId === accountId && i.provisionName !== '#selection')
      .map((i) => [i.provisionName, i.status]),
  );

describe('scenario 1: a → b → c all succeed', () => {
  it('provisions in dependency order, tracks every product done, reports, and starts the pipeline after the bootstrap product', async () => {
    world = new BaselinerWorld({ 'baseline.yaml': CHAIN });
    world.scripts.set('888888888888-b', ['IN_PROGRESS', 'IN_PROGRESS', 'SUCCEEDED']);
    const result = await trigger(NEW_PROD_ACCOUNT);
    expect(result.status).toBe('started');
    const [name] = result.executions;
    expect(name).toMatch(/^baseline-888888888888-[0-9a-f]{24}-1$/);
    expect(world.runs.get(name)).toMatchObject({ status: 'SUCCEEDED' });
    expect(provisioned()).toEqual(['888888888888-a', '888888888888-b', '888888888888-c']);
    expect(tracked('888888888888')).toEqual({ a: 'done', b: 'done', c: 'done' });

    const b = world.sc.commandCalls(ProvisionProductCommand)[1].args[0].input;
    expect(b).toMatchObject({
      ProductId: 'prod-prod-b',
      ProvisioningArtifactId: 'prod-prod-b-v2',
      ProvisioningPreferences: { StackSetAccounts: ['888888888888'], StackSetRegions: ['us-east-1', 'eu-west-1'] },
      ProvisioningParameters: [
        { Key: 'Email', Value: 'ops+888888888888@example.com' },
        { Key: 'Tag', Value: '888888888888/888888888888' },
      ],
    });
    expect(world.sc.commandCalls(ProvisionProductCommand)[2].args[0].input.ProvisioningArtifactId).toBe('prod-prod-c-v1');
    expect(world.pipeline).toHaveReceivedCommandTimes(StartPipelineExecutionCommand, 1);
    expect(world.messages().map((m) => m.subject)).toEqual(['Baseline of 888888888888: complete']);
    expect(world.messages()[0].body).toMatchObject({ deployed: ['a', 'b', 'c'], failed: [], skipped: [] });
  });
});

describe('scenario 2: b fails', () => {
  it('skips c instead of waiting on it, keeps a done, reports the failure and a summary, and ends failed', async () => {
    world = new BaselinerWorld({ 'baseline.yaml': CHAIN });
    world.scripts.set('888888888888-b', ['IN_PROGRESS', 'FAILED']);
    const { executions } = await trigger(NEW_PROD_ACCOUNT);
    const run = world.runs.get(executions[0])!;
    expect(run.status).toBe('FAILED');
    expect(run.error).toBe('BaselineIncomplete: Some products failed or were skipped; see the summary on SNS.');
    expect(provisioned()).toEqual(['888888888888-a', '888888888888-b']);
    expect(tracked('888888888888')).toEqual({ a: 'done', b: 'failed', c: 'skipped' });
    const subjects = world.messages().map((m) => m.subject);
    expect(subjects).toEqual(['Baseline: b failed in 888888888888', 'Baseline of 888888888888: incomplete']);
    expect(world.messages()[0].body.reason).toContain('CREATE_FAILED');
    expect(world.messages()[1].body).toMatchObject({ deployed: ['a'], failed: ['b'], skipped: ['c'] });
  });
});

describe('scenario 3: a record stuck in progress', () => {
  it('is bounded by maxPolls: it times out, fails, its dependents are skipped, and the run ends', async () => {
    world = new BaselinerWorld({ 'baseline.yaml': CHAIN });
    world.scripts.set('888888888888-a', ['IN_PROGRESS']);
    const started = world.now;
    const { executions } = await trigger(NEW_PROD_ACCOUNT);
    const run = world.runs.get(executions[0])!;
    expect(run.status).toBe('FAILED');
    // Five poll tasks, each looking every 15 s within its 4-minute budget or handing back to a Wait.
    expect(world.pollsOf('888888888888-a')).toBeGreaterThanOrEqual(5);
    expect(world.pollsOf('888888888888-a')).toBeLessThanOrEqual(5 * 17);
    expect(world.now - started).toBeLessThan(60 * 60_000);
    expect(tracked('888888888888')).toEqual({ a: 'failed', b: 'skipped', c: 'skipped' });
    expect(world.messages()[0].body.reason).toContain('still IN_PROGRESS after 5 polls');
  });

  it('is bounded by maxWaitMinutes on the wall clock too', async () => {
    world = new BaselinerWorld({ 'baseline.yaml': CHAIN });
    world.scripts.set('888888888888-a', ['IN_PROGRESS']);
    // The handlers' clock runs two hours ahead of the execution's start, against a 60-minute budget.
    world.now += 2 * 3600_000;
    const { executions } = await trigger(NEW_PROD_ACCOUNT);
    expect(world.runs.get(executions[0])!.status).toBe('FAILED');
    expect(world.pollsOf('888888888888-a')).toBe(1);
    expect(world.messages()[0].body.reason).toContain('still IN_PROGRESS after 60 minutes');
  });
});

describe('scenario 4: the same event twice', () => {
  it('starts one execution and provisions nothing twice', async () => {
    world = new BaselinerWorld({ 'baseline.yaml': CHAIN });
    const first = await trigger(NEW_PROD_ACCOUNT);
    const second = await trigger(NEW_PROD_ACCOUNT);
    // Re-enrolment with the same config is the same baseline too.
    const third = await trigger(controlTowerEvent('888888888888', { name: 'Prod', id: 'ou-prod' }, 'UpdateManagedAccount'));
    expect(first.status).toBe('started');
    expect([second.status, third.status]).toEqual(['duplicate', 'duplicate']);
    expect(world.sfn).toHaveReceivedCommandTimes(StartExecutionCommand, 1);
    expect(provisioned()).toEqual(['888888888888-a', '888888888888-b', '888888888888-c']);
  });
});

describe('scenario 5: an update file over accounts and nested OUs', () => {
  const UPDATE = `products:
  - { product: prod-b, version: v2, portfolio: platform-baseline, provisionName: b, regions: [us-east-1], organizationalUnits: [Workloads/Prod], deployIfNotExist: false }
  - { product: prod-d, portfolio: platform-baseline, provisionName: d, regions: [us-east-1], accounts: ["444444444444"], organizationalUnits: [ou-crit], deployIfNotExist: true }
`;

  it('updates where provisioned, deploys where missing only when asked, and includes nested OUs', async () => {
    world = new BaselinerWorld({ 'updates/2026-11 rollout.yaml': UPDATE });
    // b exists in 666 and in 777 (Workloads/Prod/Critical, nested); not in 888. d exists in 777 only.
    for (const p of ['666666666666-b', '777777777777-b', '777777777777-d']) world.provisioned.add(p);
    const result = await trigger(s3PutEvent('updates/2026-11 rollout.yaml'));
    expect(result.status).toBe('started');
    expect(result.executions.map((e) => e.split('-')[1]).sort()).toEqual(['444444444444', '666666666666', '777777777777']);
    const updates = world.sc.commandCalls(UpdateProvisionedProductCommand).map((c) => c.args[0].input);
    expect(updates.map((u) => u.ProvisionedProductName).sort()).toEqual(['666666666666-b', '777777777777-b', '777777777777-d']);
    for (const u of updates) expect(u.ProvisioningPreferences).toMatchObject({ StackSetOperationType: 'UPDATE' });
    expect(provisioned()).toEqual(['444444444444-d']);
    for (const run of world.runs.values()) expect(run.status).toBe('SUCCEEDED');
  });

  it('ignores an update file that names nothing to change', async () => {
    world = new BaselinerWorld({ 'updates/noop.yaml': UPDATE.split('\n').slice(0, 2).join('\n') + '\n' });
    const result = await trigger(s3PutEvent('updates/noop.yaml'));
    expect(result).toEqual({ status: 'nothing-to-do', executions: [] });
    expect(world.sfn).toHaveReceivedCommandTimes(StartExecutionCommand, 0);
  });
});

describe('scenario 6: ProvisionProduct throttled twice, then it succeeds', () => {
  it('retries with the same token, provisions once, and completes', async () => {
    world = new BaselinerWorld({ 'baseline.yaml': CHAIN });
    const throttled = Object.assign(new Error('Rate exceeded'), { name: 'ThrottlingException' });
    world.sc
      .on(ProvisionProductCommand)
      .rejectsOnce(throttled)
      .rejectsOnce(throttled)
      .callsFake((i) => ({ RecordDetail: { RecordId: `rec-${i.ProvisionedProductName}`, Status: 'CREATED' } }));
    const { executions } = await trigger(NEW_PROD_ACCOUNT);
    expect(world.runs.get(executions[0])!.status).toBe('SUCCEEDED');
    const calls = world.sc.commandCalls(ProvisionProductCommand).map((c) => c.args[0].input);
    expect(calls.map((c) => c.ProvisionedProductName)).toEqual(['888888888888-a', '888888888888-a', '888888888888-a', '888888888888-b', '888888888888-c']);
    expect(new Set(calls.slice(0, 3).map((c) => c.ProvisionToken)).size).toBe(1);
    expect(tracked('888888888888')).toEqual({ a: 'done', b: 'done', c: 'done' });
  });
});

describe('scenario 7: a malformed event', () => {
  it.each([
    ['an event of another source', { source: 'aws.ec2', 'detail-type': 'EC2 Instance State-change Notification', detail: {} }, 'not a Control Tower lifecycle event'],
    [
      'a failed account creation',
      controlTowerEvent('888888888888', { name: 'Prod', id: 'ou-prod' }, 'CreateManagedAccount', 'FAILED'),
      'CreateManagedAccount for 888888888888 is FAILED, not SUCCEEDED',
    ],
    ['an 11-digit account id', controlTowerEvent('88888888888', { name: 'Prod', id: 'ou-prod' }), 'accountId is not a 12-digit account id'],
    ['an S3 event with no records', { Records: [] }, 'not an S3 object-created event'],
  ])('rejects %s: nothing started, the failure reported', async (_what, event, reason) => {
    world = new BaselinerWorld({ 'baseline.yaml': CHAIN });
    const result = await trigger(event);
    expect(result.status).toBe('rejected');
    expect(result.reason).toContain(reason);
    expect(world.sfn).toHaveReceivedCommandTimes(StartExecutionCommand, 0);
    expect(world.table.items()).toEqual([]);
    expect(world.messages().map((m) => m.subject)).toEqual(['Baseliner rejected an event']);
  });
});
