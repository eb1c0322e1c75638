/**
 * The periodic reconcile on a generated organization of 500 accounts, behind aws-sdk-client-mock:
 * paginated Organizations, Service Catalog and DynamoDB answers, throttling on each, and a few
 * accounts missing products. It starts exactly the missing ones (and provisions only what is
 * missing), a second run starts none, and each run is bounded by count and by time.
 */
import { ListAccountsForParentCommand, TooManyRequestsException } from '@aws-sdk/client-organizations';
import { ProvisionProductCommand, SearchProvisionedProductsCommand, UpdateProvisionedProductCommand } from '@aws-sdk/client-service-catalog';
import { StartExecutionCommand } from '@aws-sdk/client-sfn';
import { BatchGetCommand } from '@aws-sdk/lib-dynamodb';
import { handler as trigger } from '../../../functions/baseliner/trigger';
import { BaselinerWorld, scheduledEvent } from '../../../worlds/baseliner-world';

const BASELINE = `organizationalUnits:
  default:
    - { product: prod-a, portfolio: platform-baseline, provisionName: a, regions: [us-east-1] }
    - { product: prod-b, portfolio: platform-baseline, provisionName: b, dependsOn: [a], regions: [us-east-1] }
  Workloads/Prod:
    - { product: prod-c, portfolio: platform-baseline, provisionName: c, dependsOn: [b], regions: [us-east-1] }
`;
const DEV = Array.from({ length: 250 }, (_, i) => String(100000000000 + i));
const PROD = Array.from({ length: 250 }, (_, i) => String(200000000000 + i));
/** Accounts missing something: b in two Dev accounts, c in two Prod accounts, everything in one new Prod account. */
const MISSING: Record<string, string[]> = { '100000000007': ['b'], '100000000123': ['b'], '200000000042': ['c'], '200000000200': ['c'], '200000000249': ['a', 'b', 'c'] };

let world: BaselinerWorld;
let orgCalls = 0;

beforeEach(() => {
  world = new BaselinerWorld({ 'baseline.yaml': BASELINE });
  world.accounts['ou-dev'] = [...DEV];
  world.accounts['ou-prod'] = [...PROD];
  world.accounts['ou-crit'] = [];
  world.accounts['ou-susp'] = ['555555555555'];
  // Organizations pages of 20, and throttles every seventh call once.
  orgCalls = 0;
  world.orgs.on(ListAccountsForParentCommand).callsFake((i) => {
    orgCalls++;
    if (orgCalls % 7 === 0 && !i.__retried) {
      i.__retried = true;
      throw new TooManyRequestsException({ message: 'AWS Organizations can\u2019t complete your request because another request is already in progress.', $metadata: {} });
    }
    const ids = world.accounts[i.ParentId] ?? [];
    const start = i.NextToken ? Number(i.NextToken) : 0;
    return {
      Accounts: ids.slice(start, start + 20).map((Id) => ({ Id, Name: `acct-${Id}`, Email: `${Id}@example.com`, State: 'ACTIVE' })),
      NextToken: start + 20 < ids.length ? String(start + 20) : undefined,
    };
  });
  for (const id of [...DEV, ...PROD]) {
    for (const p of PROD.includes(id) ? ['a', 'b', 'c'] : ['a', 'b']) if (!MISSING[id]?.includes(p)) world.provisioned.add(`${id}-${p}`);
  }
});
afterEach(() => world.restore());

const deployed = () =>
  world.sc
    .commandCalls(ProvisionProductCommand)
    .map((c) => c.args[0].input.ProvisionedProductName)
    .sort();
const startedAccounts = (result: Awaited<ReturnType<typeof trigger>>) => result.outcomes!.filter((o) => o.outcome === 'started').map((o) => o.accountId);

describe('reconcile over 500 accounts', () => {
  it('starts exactly the accounts missing products, provisions only what is missing, and a second run starts none', async () => {
    // Service Catalog throttles the second page once; DynamoDB leaves keys unprocessed once.
    let searches = 0;
    world.sc.on(SearchProvisionedProductsCommand).callsFake((i) => {
      searches++;
      if (searches === 2) throw Object.assign(new Error('Rate exceeded'), { name: 'ThrottlingException', $fault: 'client', $metadata: { httpStatusCode: 400 } });
      const names = [...world.provisioned].sort();
      const start = i.PageToken ? Number(i.PageToken) : 0;
      return {
        ProvisionedProducts: names.slice(start, start + i.PageSize!).map((Name) => ({ Name, Status: 'AVAILABLE' })),
        NextPageToken: start + i.PageSize! < names.length ? String(start + i.PageSize!) : undefined,
      };
    });
    world.table.batch.unprocessedOnce = 30;

    const first = await trigger(scheduledEvent());
    expect(first.status).toBe('started');
    expect(startedAccounts(first).sort()).toEqual(Object.keys(MISSING).sort());
    expect(first.outcomes).toHaveLength(500);
    expect(first.outcomes!.filter((o) => o.outcome === 'duplicate')).toHaveLength(495);
    expect(deployed()).toEqual(
      Object.entries(MISSING)
        .flatMap(([id, ps]) => ps.map((p) => `${id}-${p}`))
        .sort(),
    );
    expect(world.sc).toHaveReceivedCommandTimes(UpdateProvisionedProductCommand, 0);
    for (const name of first.executions) expect(world.runs.get(name)!.status).toBe('SUCCEEDED');
    // Every page was read (1,245 products at 100 a page, one throttled and retried), every key batch-got (5 batches of 100, one retried).
    expect(searches).toBe(14);
    expect(world.table.batch.calls).toBe(6);
    expect(world.orgs.commandCalls(ListAccountsForParentCommand).length).toBeGreaterThan(25);
    // Nothing is scanned, and accounts that are whole cost no tracking query.
    expect(world.table.mock.commandCalls(BatchGetCommand).every((c) => Object.values(c.args[0].input.RequestItems!)[0].Keys!.length <= 100)).toBe(true);
    expect(world.messages().find((m) => m.subject === 'Baseliner reconcile')!.body).toMatchObject({ accounts: 500, deferredToNextRun: 0 });

    const second = await trigger(scheduledEvent());
    expect(second.status).toBe('nothing-to-do');
    expect(startedAccounts(second)).toEqual([]);
    expect(world.sfn).toHaveReceivedCommandTimes(StartExecutionCommand, 5);
  });

  it('starts at most reconcileMaxStarts a run and leaves the rest for the next', async () => {
    process.env.RECONCILE_MAX_STARTS = '2';
    const first = await trigger(scheduledEvent());
    expect(startedAccounts(first)).toEqual(['100000000007', '100000000123']);
    expect(first.outcomes!.filter((o) => o.outcome === 'deferred')).toHaveLength(500 - 124);
    expect(world.messages().find((m) => m.subject === 'Baseliner reconcile')!.body).toMatchObject({ deferredToNextRun: 376 });
    const second = await trigger(scheduledEvent());
    expect(startedAccounts(second)).toEqual(['200000000042', '200000000200']);
    const third = await trigger(scheduledEvent());
    expect(startedAccounts(third)).toEqual(['200000000249']);
    expect((await trigger(scheduledEvent())).status).toBe('nothing-to-do');
  });

  it('stops starting when the function is about to time out', async () => {
    const result = await trigger(scheduledEvent(), { getRemainingTimeInMillis: () => 30_000 });
    expect(result.outcomes!.every((o) => o.outcome === 'deferred' && o.why === 'this run is out of time')).toBe(true);
    expect(world.sfn).toHaveReceivedCommandTimes(StartExecutionCommand, 0);
  });

  it('retries a failing account reconcileMaxAttempts times, then gives up and says so', async () => {
    world.scripts.set('100000000007-b', ['FAILED']);
    process.env.RECONCILE_MAX_STARTS = '1';
    const runs = [];
    for (let i = 0; i < 4; i++) runs.push(await trigger(scheduledEvent()));
    expect(runs.slice(0, 3).map((r) => r.executions[0])).toEqual([1, 2, 3].map((n) => expect.stringMatching(new RegExp(`^baseline-100000000007-[0-9a-f]{24}-${n}$`))));
    // The fourth run gives up on it and goes on to the next account.
    const gaveUp = runs[3].outcomes!.find((o) => o.accountId === '100000000007')!;
    expect(gaveUp).toMatchObject({ outcome: 'duplicate', gaveUp: true, why: expect.stringContaining('failed 3 times') });
    expect(startedAccounts(runs[3])).toEqual(['100000000123']);
    expect(
      world
        .messages()
        .filter((m) => m.subject === 'Baseliner reconcile')
        .at(-1)!.body.gaveUp,
    ).toEqual([{ account: '100000000007', why: expect.stringContaining('failed 3 times') }]);
  });
});
