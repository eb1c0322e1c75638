import { AccessDeniedException, ListRootsCommand, TooManyRequestsException } from '@aws-sdk/client-organizations';
import {
  AssociatePrincipalWithPortfolioCommand,
  CreateConstraintCommand,
  DeleteConstraintCommand,
  DescribeConstraintCommand,
  ListConstraintsForPortfolioCommand,
  ListPrincipalsForPortfolioCommand,
  ProvisionProductCommand,
  SearchProductsAsAdminCommand,
  UpdateConstraintCommand,
} from '@aws-sdk/client-service-catalog';
import { StartExecutionCommand } from '@aws-sdk/client-sfn';
import { handler as steps } from '../../../functions/baseliner/steps';
import { handler as trigger } from '../../../functions/baseliner/trigger';
import { BaselinerWorld, controlTowerEvent } from '../../../worlds/baseliner-world';

const BASELINE = `maxWaitMinutes: 30
organizationalUnits:
  default:
    - { product: prod-a, portfolio: platform-baseline, provisionName: a, regions: [us-east-1] }
    - { product: prod-b, portfolio: platform-baseline, provisionName: b, dependsOn: [a], regions: [us-east-1] }
    - { product: prod-x, portfolio: platform-baseline, provisionName: x, regions: [eu-west-1] }
`;
const EVENT = controlTowerEvent('444444444444', { name: 'Dev', id: 'ou-dev' });
let world: BaselinerWorld;

beforeEach(() => {
  world = new BaselinerWorld({ 'baseline.yaml': BASELINE });
});
afterEach(() => world.restore());

describe('trigger: Service Catalog preparation', () => {
  it('follows search pages, grants the portfolio to the provisioning role once, and creates the STACKSET constraint', async () => {
    world.sc
      .on(SearchProductsAsAdminCommand)
      .callsFake((i) =>
        i.PageToken
          ? { ProductViewDetails: [{ ProductViewSummary: { Name: i.Filters.FullTextSearch[0], ProductId: `prod-${i.Filters.FullTextSearch[0]}` } }] }
          : { ProductViewDetails: [{ ProductViewSummary: { Name: `${i.Filters.FullTextSearch[0]}-legacy`, ProductId: 'wrong' } }], NextPageToken: 'p2' },
      );
    world.sc
      .on(ListPrincipalsForPortfolioCommand)
      .resolvesOnce({ Principals: [] })
      .resolves({ Principals: [{ PrincipalARN: 'arn:aws:iam::111111111111:role/baseliner-steps' }] });
    expect((await trigger(EVENT)).status).toBe('started');
    expect(world.sc).toHaveReceivedCommandTimes(AssociatePrincipalWithPortfolioCommand, 1);
    expect(world.sc).toHaveReceivedCommandWith(CreateConstraintCommand, {
      Type: 'STACKSET',
      ProductId: 'prod-prod-a',
      PortfolioId: 'port-1',
      Parameters: JSON.stringify({
        Version: '2.0',
        Properties: {
          AccountList: ['444444444444'],
          RegionList: ['us-east-1'],
          AdminRole: 'arn:aws:iam::111111111111:role/service-role/AWSControlTowerStackSetRole',
          ExecutionRole: 'AWSControlTowerExecution',
        },
      }),
    });
    const input = JSON.parse(world.sfn.commandCalls(StartExecutionCommand)[0].args[0].input.input!);
    expect(input.levels.map((l: Array<{ provisionName: string; productId: string }>) => l.map((p) => `${p.provisionName}:${p.productId}`))).toEqual([
      ['a:prod-prod-a', 'x:prod-prod-x'],
      ['b:prod-prod-b'],
    ]);
    expect(input).toMatchObject({ accountId: '444444444444', maxWaitMinutes: 30, maxPolls: 5, bootstrapProduct: '' });
  });

  it('widens an existing STACKSET constraint instead of creating a second one', async () => {
    world.sc.on(ListConstraintsForPortfolioCommand).resolves({ ConstraintDetails: [{ ConstraintId: 'cons-1', Type: 'STACKSET' }] });
    world.sc.on(DescribeConstraintCommand).resolves({ ConstraintParameters: JSON.stringify({ Version: '2.0', Properties: { AccountList: ['555555555555'], RegionList: ['us-east-1'] } }) });
    await trigger(EVENT);
    expect(world.sc).toHaveReceivedCommandTimes(CreateConstraintCommand, 0);
    const params = JSON.parse(world.sc.commandCalls(UpdateConstraintCommand)[0].args[0].input.Parameters!);
    expect(params.Properties.AccountList).toEqual(['444444444444', '555555555555']);
  });

  it('never deletes a LAUNCH constraint: the product is skipped and reported, its dependents skipped, the rest provisioned', async () => {
    world.sc.on(ListConstraintsForPortfolioCommand).callsFake((i) => ({ ConstraintDetails: i.ProductId === 'prod-prod-a' ? [{ ConstraintId: 'cons-launch', Type: 'LAUNCH' }] : [] }));
    const { executions } = await trigger(EVENT);
    expect(world.sc).toHaveReceivedCommandTimes(DeleteConstraintCommand, 0);
    expect(world.messages()[0]).toMatchObject({ subject: 'Baseline: a skipped in 444444444444', body: { reason: expect.stringContaining('has a LAUNCH constraint') } });
    expect(world.sc.commandCalls(ProvisionProductCommand).map((c) => c.args[0].input.ProvisionedProductName)).toEqual(['444444444444-x']);
    const items = Object.fromEntries(
      world.table
        .items()
        .filter((i) => i.provisionName !== '#selection')
        .map((i) => [i.provisionName, i.status]),
    );
    expect(items).toEqual({ a: 'skipped', b: 'skipped', x: 'done' });
    expect(world.runs.get(executions[0])!.status).toBe('FAILED');
  });

  it('tracks a product missing from Service Catalog as failed and reports it', async () => {
    world.sc.on(SearchProductsAsAdminCommand).callsFake((i) => ({
      ProductViewDetails: i.Filters.FullTextSearch[0] === 'prod-x' ? [] : [{ ProductViewSummary: { Name: i.Filters.FullTextSearch[0], ProductId: `prod-${i.Filters.FullTextSearch[0]}` } }],
    }));
    await trigger(EVENT);
    expect(world.messages()[0]).toMatchObject({ subject: 'Baseline: x failed in 444444444444', body: { reason: 'product "prod-x" is not in Service Catalog' } });
  });
});

describe('trigger: AWS errors', () => {
  it('retries Organizations throttling and goes on', async () => {
    const throttled = new TooManyRequestsException({ message: 'AWS Organizations can\u2019t complete your request because another request is already in progress.', $metadata: {} });
    world.orgs
      .on(ListRootsCommand)
      .rejectsOnce(throttled)
      .resolves({ Roots: [{ Id: 'r-root' }] });
    expect((await trigger(EVENT)).status).toBe('started');
    expect(world.orgs).toHaveReceivedCommandTimes(ListRootsCommand, 2);
  });

  it('lets access denied fail the invocation, for Lambda to retry and then report through the on-failure destination', async () => {
    world.orgs.on(ListRootsCommand).rejects(new AccessDeniedException({ message: 'You don\u2019t have permissions to access this resource.', $metadata: {} }));
    await expect(trigger(EVENT)).rejects.toThrow(AccessDeniedException);
    expect(world.sfn).toHaveReceivedCommandTimes(StartExecutionCommand, 0);
  });

  it('rejects a baseline.yaml that does not match the schema: nothing started, reported', async () => {
    world.restore();
    world = new BaselinerWorld({ 'baseline.yaml': 'organizationalUnits:\n  default:\n    - { product: a, portfolio: p, provisionName: a, regions: [us-east-1], colour: blue }\n' });
    const result = await trigger(EVENT);
    expect(result.status).toBe('rejected');
    expect(result.reason).toContain('s3://config-bucket/baseline.yaml: organizationalUnits.default.0: Unrecognized key: "colour"');
    expect(world.sfn).toHaveReceivedCommandTimes(StartExecutionCommand, 0);
  });

  it('rejects an account that is not in the organization', async () => {
    const result = await trigger(controlTowerEvent('999999999999', { name: 'Gone', id: 'ou-gone' }));
    expect(result).toMatchObject({ status: 'rejected', reason: 'account 999999999999 is not in the organization and OU ou-gone is unknown' });
  });
});

describe('steps', () => {
  it('refuses an unknown action and a step without its product', async () => {
    await expect(steps({ action: 'dance' } as never)).rejects.toThrow('unknown action dance');
    await expect(steps({ action: 'prepare', accountId: '444444444444' } as never)).rejects.toThrow('action prepare needs a product');
  });
});
