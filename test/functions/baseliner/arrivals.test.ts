/**
 * Every way an account arrives, through the real trigger and the synthesized workflow: Control
 * Tower account events, Organizations MoveAccount, Control Tower baseline events, with the
 * enrollment gate played from the Go function's own scenarios. Malformed and irrelevant events
 * start nothing. The defect this fixes: create, then move to Prod, and the Prod products arrive.
 */
import { ProvisionProductCommand, TerminateProvisionedProductCommand, UpdateProvisionedProductCommand } from '@aws-sdk/client-service-catalog';
import { StartExecutionCommand } from '@aws-sdk/client-sfn';
import { StartPipelineExecutionCommand } from '@aws-sdk/client-codepipeline';
import { handler as trigger } from '../../../functions/baseliner/trigger';
import { accountArn, baselineEvent, BaselinerWorld, controlTowerEvent, moveAccountEvent, ouArn } from '../../../worlds/baseliner-world';

/** a → b everywhere; Prod replaces b with other parameters and adds c (kept when leaving) and d (terminated when leaving). */
const BASELINE = `maxWaitMinutes: 60
bootstrapProduct: a
organizationalUnits:
  default:
    - { product: prod-a, portfolio: platform-baseline, provisionName: a, regions: [us-east-1] }
    - { product: prod-b, portfolio: platform-baseline, provisionName: b, dependsOn: [a], regions: [us-east-1], parameters: { Budget: 100 } }
  Workloads/Prod:
    - { product: prod-b, portfolio: platform-baseline, provisionName: b, dependsOn: [a], regions: [us-east-1], parameters: { Budget: 5000 } }
    - { product: prod-c, portfolio: platform-baseline, provisionName: c, dependsOn: [b], regions: [us-east-1] }
    - { product: prod-d, portfolio: platform-baseline, provisionName: d, regions: [us-east-1], terminateOnLeave: true }
`;

let world: BaselinerWorld;
beforeEach(() => {
  world = new BaselinerWorld({ 'baseline.yaml': BASELINE });
});
afterEach(() => world.restore());

const calls = (command: unknown) => world.sc.commandCalls(command as never).map((c) => (c.args[0] as { input: Record<string, unknown> }).input);
const provisioned = () => calls(ProvisionProductCommand).map((i) => i.ProvisionedProductName);
const updated = () => calls(UpdateProvisionedProductCommand).map((i) => i.ProvisionedProductName);
const terminated = () => calls(TerminateProvisionedProductCommand).map((i) => i.ProvisionedProductName);
const tracked = (accountId: string) =>
  Object.fromEntries(
    world.table
      .items()
      .filter((i) => i.accountId === accountId)
      .map((i) => [i.provisionName, i.status]),
  );
const summaries = () => world.messages().filter((m) => m.subject.startsWith('Baseline of'));

describe('create, then move to Prod (the defect)', () => {
  it('provisions the Prod products once, changes b to its Prod parameters, and provisions nothing else twice', async () => {
    const created = await trigger(controlTowerEvent('444444444444', { name: 'Dev', id: 'ou-dev' }));
    expect(created.status).toBe('started');
    expect(provisioned()).toEqual(['444444444444-a', '444444444444-b']);

    world.moveAccount('444444444444', 'ou-prod');
    const moved = await trigger(moveAccountEvent('444444444444', 'ou-dev', 'ou-prod'));
    expect(moved.status).toBe('started');
    expect(moved.executions[0]).not.toBe(created.executions[0]);
    expect(world.runs.get(moved.executions[0])!.status).toBe('SUCCEEDED');
    // d depends on nothing: it runs beside b, before c.
    expect(provisioned()).toEqual(['444444444444-a', '444444444444-b', '444444444444-d', '444444444444-c']);
    expect(updated()).toEqual(['444444444444-b']);
    expect(calls(UpdateProvisionedProductCommand)[0].ProvisioningParameters).toEqual([{ Key: 'Budget', Value: '5000' }]);
    expect(tracked('444444444444')).toMatchObject({ a: 'done', b: 'done', c: 'done', d: 'done', '#selection': 'done' });
    // The summary says what was left alone; the pipeline runs once per execution (bootstrap, then the hand-off of the move).
    expect(summaries()[1].body).toMatchObject({ deployed: ['b', 'c', 'd'], unchanged: ['a'], failed: [] });
    expect(world.pipeline.commandCalls(StartPipelineExecutionCommand).map((c) => c.args[0].input.clientRequestToken)).toEqual(created.executions.concat(moved.executions));

    // Control Tower's UpdateManagedAccount for the same move, and the move event again: one execution for the change.
    const again = await trigger(controlTowerEvent('444444444444', { name: 'Prod', id: 'ou-prod' }, 'UpdateManagedAccount'));
    const repeated = await trigger(moveAccountEvent('444444444444', 'ou-dev', 'ou-prod'));
    expect([again.status, repeated.status]).toEqual(['duplicate', 'duplicate']);
    expect(again.reason).toBe('this selection is baselined already');
    expect(world.sfn).toHaveReceivedCommandTimes(StartExecutionCommand, 2);
  });

  it('moving back out terminates only the terminateOnLeave product and reports the kept one', async () => {
    world.moveAccount('444444444444', 'ou-prod');
    await trigger(moveAccountEvent('444444444444', 'ou-dev', 'ou-prod'));
    const stats = () => world.table.items().find((i) => i.accountId === 'product#prod-d');
    const learned = structuredClone(stats());
    world.moveAccount('444444444444', 'ou-dev');
    const back = await trigger(moveAccountEvent('444444444444', 'ou-prod', 'ou-dev'));
    // A termination teaches nothing about how long provisioning takes.
    expect(stats()).toEqual(learned);
    expect(learned).toMatchObject({ meanSeconds: expect.any(Number) });
    expect(world.runs.get(back.executions[0])!.status).toBe('SUCCEEDED');
    expect(terminated()).toEqual(['444444444444-d']);
    expect(updated()).toEqual(['444444444444-b']);
    expect(tracked('444444444444')).toMatchObject({ c: 'done', d: 'terminated' });
    expect(summaries().at(-1)!.body).toMatchObject({ terminated: ['d'], kept: ['c'], notes: ['kept after leaving their OU (terminateOnLeave is false): c'] });
  });
});

describe('retry after a failure: a failure record, not a new event', () => {
  it('re-enrolling after b failed starts the next attempt, which provisions b and leaves a alone', async () => {
    world.scripts.set('444444444444-b', ['IN_PROGRESS', 'FAILED']);
    const first = await trigger(controlTowerEvent('444444444444', { name: 'Dev', id: 'ou-dev' }));
    expect(world.runs.get(first.executions[0])!.status).toBe('FAILED');
    expect(tracked('444444444444')['#selection']).toBe('failed');

    world.scripts.set('444444444444-b', ['SUCCEEDED']);
    const retry = await trigger(controlTowerEvent('444444444444', { name: 'Dev', id: 'ou-dev' }, 'UpdateManagedAccount'));
    expect(retry.executions[0]).toBe(first.executions[0].replace(/-1$/, '-2'));
    expect(world.runs.get(retry.executions[0])!.status).toBe('SUCCEEDED');
    // a was done with the same fingerprint: not touched. b existed after its failed provisioning? No: it never succeeded, so it is deployed.
    expect(provisioned()).toEqual(['444444444444-a', '444444444444-b', '444444444444-b']);
    expect(tracked('444444444444')).toMatchObject({ a: 'done', b: 'done', '#selection': 'done' });
  });

  it('a new version of a product is a new selection: it updates that product only', async () => {
    await trigger(controlTowerEvent('444444444444', { name: 'Dev', id: 'ou-dev' }));
    world.restore();
    const next = new BaselinerWorld({ 'baseline.yaml': BASELINE }, ['v1', 'v2', 'v3']);
    for (const item of world.table.items()) next.table.put(item);
    for (const name of world.provisioned) next.provisioned.add(name);
    world = next;
    const result = await trigger(controlTowerEvent('444444444444', { name: 'Dev', id: 'ou-dev' }, 'UpdateManagedAccount'));
    expect(result.status).toBe('started');
    expect(calls(UpdateProvisionedProductCommand).map((i) => `${String(i.ProvisionedProductName)}@${String(i.ProvisioningArtifactId)}`)).toEqual([
      '444444444444-a@prod-prod-a-v3',
      '444444444444-b@prod-prod-b-v3',
    ]);
  });
});

describe('the enrollment gate on the synthesized workflow (scenarios of the Go function)', () => {
  const moveDevToProd = async () => {
    world.moveAccount('444444444444', 'ou-prod');
    return trigger(moveAccountEvent('444444444444', 'ou-dev', 'ou-prod'));
  };

  it('a Control Tower account event says enrolled: no check', async () => {
    const { executions } = await trigger(controlTowerEvent('444444444444', { name: 'Dev', id: 'ou-dev' }));
    expect(world.inputs.get(executions[0])).toMatchObject({ enrollment: { check: false } });
    expect(world.runs.get(executions[0])!.status).toBe('SUCCEEDED');
  });

  it('enrolled at once: one check, then provisioning', async () => {
    const { executions } = await moveDevToProd();
    expect(world.inputs.get(executions[0])).toMatchObject({ enrollment: { check: true, accountId: '444444444444', organizationId: 'o-a1b2c3d4e5', maxChecks: 4 } });
    expect(world.runs.get(executions[0])!.status).toBe('SUCCEEDED');
    expect(provisioned()).toHaveLength(4);
  });

  it('enrolled after several checks with back-off: provisions once enrolled', async () => {
    world.enrollment.set('444444444444', 'enrolledAfterPolls');
    const started = world.now;
    const { executions } = await moveDevToProd();
    expect(world.runs.get(executions[0])!.status).toBe('SUCCEEDED');
    // 30 + 60 + 120 s of back-off between the four checks.
    expect(world.now - started).toBeGreaterThanOrEqual(210_000);
    expect(provisioned()).toHaveLength(4);
  });

  it('never enrolled: gives up after maxChecks, provisions nothing, records the failure and notifies; the next event retries', async () => {
    world.enrollment.set('444444444444', 'neverEnrolled');
    const { executions } = await moveDevToProd();
    const run = world.runs.get(executions[0])!;
    expect(run.status).toBe('FAILED');
    expect(run.error).toContain('AccountNotEnrolled');
    expect(provisioned()).toEqual([]);
    expect(tracked('444444444444')['#selection']).toBe('failed');
    expect(world.messages().at(-1)).toMatchObject({
      subject: 'Baseline of 444444444444: not enrolled',
      body: { reason: expect.stringContaining('NOT_FOUND after 4 checks'), nothingProvisioned: true },
    });

    world.enrollment.set('444444444444', 'enrolledAtOnce');
    const retry = await trigger(baselineEvent('ResetEnabledBaseline', accountArn('444444444444')));
    expect(retry.executions[0]).toMatch(/-2$/);
    expect(world.runs.get(retry.executions[0])!.status).toBe('SUCCEEDED');
  });

  it('enrollment failed in Control Tower: no retry of the check, the NotEnrolled path', async () => {
    world.enrollment.set('444444444444', 'enrollmentFailed');
    const { executions } = await moveDevToProd();
    expect(world.runs.get(executions[0])!.status).toBe('FAILED');
    expect(world.messages().at(-1)!.body.reason).toContain('FAILED after 1 checks (enrollment failed');
  });

  it('access denied on the check: caught, tracked and notified, nothing provisioned', async () => {
    world.enrollment.set('444444444444', 'accessDenied');
    const { executions } = await moveDevToProd();
    expect(world.runs.get(executions[0])).toMatchObject({ status: 'FAILED', error: expect.stringContaining('AccountNotEnrolled') });
    expect(world.messages().at(-1)!.body.reason).toContain('the enrollment check failed: AccessDeniedException');
    expect(provisioned()).toEqual([]);
    expect(tracked('444444444444')['#selection']).toBe('failed');
  });

  it('partially enrolled: proceeds and says so in the summary', async () => {
    world.enrollment.set('444444444444', 'partiallyEnrolled');
    const { executions } = await moveDevToProd();
    expect(world.runs.get(executions[0])!.status).toBe('SUCCEEDED');
    expect(summaries().at(-1)!.body.notes).toEqual([expect.stringContaining('partially enrolled')]);
    expect(world.table.items().find((i) => i.provisionName === '#selection')).toMatchObject({ status: 'done', enrollment: 'PARTIAL' });
  });
});

describe('Control Tower baseline events', () => {
  it('a baseline reset on an OU looks at every account in it and starts one execution per account that needs one', async () => {
    await trigger(controlTowerEvent('666666666666', { name: 'Prod', id: 'ou-prod' }));
    const result = await trigger(baselineEvent('ResetEnabledBaseline', ouArn('ou-prod')));
    expect(result.outcomes!.map((o) => `${o.accountId}:${o.outcome}`)).toEqual(['666666666666:duplicate', '777777777777:started', '888888888888:started']);
    expect(result.status).toBe('started');
  });

  it('a failed baseline operation starts nothing', async () => {
    const result = await trigger(baselineEvent('EnableBaseline', accountArn('444444444444'), 'FAILED'));
    expect(result).toMatchObject({ status: 'ignored', reason: expect.stringContaining('is FAILED, not SUCCEEDED') });
    expect(world.sfn).toHaveReceivedCommandTimes(StartExecutionCommand, 0);
  });
});

describe('irrelevant and malformed events start nothing', () => {
  it.each([
    ['a move into an ungoverned OU', () => moveAccountEvent('555555555555', 'ou-dev', 'ou-susp'), 'ignored', 'OU Suspended is not governed'],
    ['a move of the management account', () => moveAccountEvent('111111111111', 'r-root', 'ou-dev'), 'ignored', 'the management account is never baselined'],
    ['a MoveAccount that failed', () => moveAccountEvent('444444444444', 'ou-dev', 'ou-prod', { errorCode: 'AccountNotFoundException' }), 'ignored', 'MoveAccount failed (AccountNotFoundException'],
  ])('%s', async (_what, event, status, reason) => {
    const result = await trigger(event());
    expect(result).toMatchObject({ status, reason: expect.stringContaining(reason) });
    expect(world.sfn).toHaveReceivedCommandTimes(StartExecutionCommand, 0);
    expect(world.messages()).toEqual([]);
  });

  it.each([
    ['an account id with 11 digits', () => moveAccountEvent('44444444444', 'ou-dev', 'ou-prod'), 'requestParameters.accountId: accountId is not a 12-digit account id'],
    [
      'a MoveAccount without its parameters',
      () => ({ ...moveAccountEvent('444444444444', 'a', 'b'), detail: { ...moveAccountEvent('444444444444', 'a', 'b').detail, requestParameters: null } }),
      'MoveAccount event without its requestParameters',
    ],
    [
      'a baseline event without its details',
      () => ({ ...baselineEvent('EnableBaseline', ouArn('ou-prod')), detail: { eventName: 'EnableBaseline', serviceEventDetails: {} } }),
      'EnableBaseline event without enabledBaselineDetails',
    ],
    ['a baseline event on something that is not an OU or account', () => baselineEvent('UpdateEnabledBaseline', 'arn:aws:s3:::bucket'), 'targetIdentifier is not an OU or account ARN'],
    ['a scheduled event without its time', () => ({ id: 'x', source: 'aws.events', 'detail-type': 'Scheduled Event' }), 'not an EventBridge scheduled event: time'],
  ])('%s is rejected with the reason and reported', async (_what, event, reason) => {
    const result = await trigger(event());
    expect(result).toMatchObject({ status: 'rejected', reason: expect.stringContaining(reason) });
    expect(world.sfn).toHaveReceivedCommandTimes(StartExecutionCommand, 0);
    expect(world.messages()[0]).toMatchObject({ subject: 'Baseliner rejected an event' });
  });
});
