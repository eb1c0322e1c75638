/**
 * Wave gates, pure: the deployment window's cron, the bake's sample and alarm prefixes, the stage
 * conditions they become, and the config errors around them.
 */
import { BakeGateParameters } from '../../accounts/bake-gate';
import { loadConfig } from '../../accounts/loader';
import { DeploymentWindow } from '../../accounts/schema';
import { shapePlan } from '../../pipeline/planner';
import { stageConditions } from '../../pipeline/stage-conditions';
import { planBake, planWindow, sampleSpread, USER_PARAMETERS_LIMIT } from '../../pipeline/wave-gates';
import { configFixture, replaceOnce } from '../support/config-fixture';
import { draftOf, planOf } from '../support/plan';

describe('a deployment window', () => {
  it('becomes the DeploymentWindow rule’s cron: every second of the window’s hours on its days', () => {
    expect(planWindow(DeploymentWindow.parse({ start: '09:00', durationHours: 6, days: 'MON-THU', timeZone: 'Europe/London' }))).toEqual({
      cron: '* * 9-14 ? * MON-THU *',
      timeZone: 'Europe/London',
      description: 'MON-THU 09:00–15:00 Europe/London',
    });
    expect(planWindow(DeploymentWindow.parse({ start: '22:00', durationHours: 1 })).cron).toBe('* * 22 ? * MON-FRI *');
    expect(planWindow(DeploymentWindow.parse({ start: '00:00', durationHours: 24, days: 'SAT,SUN' })).description).toBe('SAT,SUN 00:00–24:00 UTC');
  });

  it('refuses a window that does not start on the hour, runs past midnight, or names an unknown zone or day, each with what to write', () => {
    const errors = (w: unknown) => (DeploymentWindow.safeParse(w).error?.issues ?? []).map((i) => `${i.path.join('.')}: ${i.message}`);
    expect(errors({ start: '09:30', durationHours: 2 })).toEqual(['start: a window starts on the hour, written HH:00 on a 24-hour clock, e.g. 09:00']);
    expect(errors({ start: '22:00', durationHours: 4 })).toEqual(['durationHours: the window must close by 24:00 of the day it opens: shorten durationHours or start earlier']);
    expect(errors({ start: '09:00', durationHours: 2, timeZone: 'Mars/Olympus' })).toEqual(['timeZone: not an IANA time zone, e.g. Europe/Berlin or America/New_York']);
    expect(errors({ start: '09:00', durationHours: 2, days: 'MONDAY' })).toEqual(['days: days are cron day-of-week names: MON-FRI, or TUE,THU']);
    expect(errors({ start: '09:00', durationHours: 2, cron: '* * *' })[0]).toMatch(/cron/);
  });
});

describe('sampleSpread', () => {
  it('keeps all items up to n, and otherwise spreads n over them, first and last included', () => {
    expect(sampleSpread(['a', 'b'], 3)).toEqual(['a', 'b']);
    expect(sampleSpread([0, 1, 2, 3, 4, 5, 6, 7, 8, 9], 3)).toEqual([0, 5, 9]);
    expect(sampleSpread([0, 1, 2, 3, 4, 5, 6, 7, 8, 9], 1)).toEqual([0]);
    expect(sampleSpread([0, 1, 2, 3], 4)).toEqual([0, 1, 2, 3]);
  });
});

describe('the sample’s prod wave: a bake of dev and a window', () => {
  const plan = planOf(configFixture());
  const prod = plan.waves[2];

  it('watches every alarm of dev’s StackSets (one prefix for the wave) in both dev accounts and both Regions', () => {
    expect(prod.gate.bake).toEqual({
      minutes: 60,
      previousWave: 'dev',
      accounts: 2,
      configuredPrefixes: false,
      targets: [
        { accountId: '444444444444', accountName: 'dev', regions: ['eu-west-1', 'us-east-1'].map((region) => ({ region, alarmNamePrefixes: ['StackSet-platform-delivery-dev-'] })) },
        { accountId: '555555555555', accountName: 'test', regions: ['eu-west-1', 'us-east-1'].map((region) => ({ region, alarmNamePrefixes: ['StackSet-platform-delivery-dev-'] })) },
      ],
    });
    expect(prod.gate.window?.cron).toBe('* * 9-14 ? * MON-THU *');
    expect(plan.waves[0].gate).toEqual({ window: undefined, bake: undefined });
  });

  it('becomes stage conditions: prod’s entry runs the bake gate then the window; every wave stage rolls back on failure', () => {
    const conditions = stageConditions(plan, 'bake-gate-fn');
    expect([...conditions.keys()]).toEqual(['platform', 'dev', 'prod']);
    expect(conditions.get('dev')).toEqual({ OnFailure: { Result: 'ROLLBACK' } });
    const [condition] = conditions.get('prod')!.BeforeEntry!.Conditions;
    expect(condition.Result).toBe('FAIL');
    expect(condition.Rules.map((r) => [r.Name, r.RuleTypeId.Provider])).toEqual([
      ['Bake-dev', 'LambdaInvoke'],
      ['DeploymentWindow', 'DeploymentWindow'],
    ]);
    expect(condition.Rules[1].Configuration).toEqual({ Cron: '* * 9-14 ? * MON-THU *', TimeZone: 'Europe/London' });
    const parameters = BakeGateParameters.parse(JSON.parse(condition.Rules[0].Configuration.UserParameters));
    expect(parameters).toMatchObject({ wave: 'dev', stages: ['dev'], minutes: 60 });
    expect(parameters.targets).toHaveLength(4);
    expect(condition.Rules[0].Configuration.UserParameters.length).toBeLessThanOrEqual(USER_PARAMETERS_LIMIT);
    expect(() => stageConditions(plan, undefined)).toThrow('wave prod bakes, but the pipeline has no bake gate function');
  });
});

describe('a bake in stages mode and with named alarms', () => {
  it('watches the previous wave’s stack names in each account and Region, or the prefixes given', () => {
    const plan = planOf(configFixture());
    const prodStages = plan.waves[2].deployments;
    const names = planBake({ minutes: 10, sampleAccounts: 3 }, 'prod', prodStages, plan.shapes, ['prod']);
    expect(names.targets).toEqual([
      { accountId: '666666666666', accountName: 'prod', regions: ['eu-west-1', 'us-east-1'].map((region) => ({ region, alarmNamePrefixes: ['pattern-sns-fifo-jobs-'] })) },
    ]);
    const given = planBake({ minutes: 10, sampleAccounts: 3, alarmNamePrefixes: ['critical-'] }, 'prod', prodStages, plan.shapes, ['prod']);
    expect(given.targets[0].regions.map((r) => r.alarmNamePrefixes)).toEqual([['critical-'], ['critical-']]);
    expect(given.configuredPrefixes).toBe(true);
  });

  it('names each StackSet when another wave’s name extends the previous one’s (dev and dev-eu), so dev-eu’s alarms are not dev’s', () => {
    const plan = planOf(configFixture());
    const bake = planBake({ minutes: 10, sampleAccounts: 1 }, 'dev', plan.waves[1].deployments, plan.shapes, ['dev', 'dev-eu']);
    expect(bake.targets[0].regions[1].alarmNamePrefixes).toContain('StackSet-platform-delivery-dev-sns-fifo-jobs-');
    expect(bake.targets).toHaveLength(1);
  });
});

describe('bake config errors', () => {
  it('refuses a bake on the first wave: nothing comes before it', () => {
    const dir = configFixture({ 'delivery.yaml': replaceOnce('  - name: platform', '  - name: platform\n    bake: { minutes: 30 }') });
    expect(loadConfig(dir).issues.map((i) => `${i.path}: ${i.problem} (${i.fix})`)).toContain(
      'waves[0].bake: wave "platform" is the first: there is no wave before it to bake (move bake to the wave that should wait for this one)',
    );
  });

  it('refuses rule parameters CodePipeline would not take, saying to sample fewer accounts', () => {
    const dir = configFixture({
      'delivery.yaml': replaceOnce(
        'bake: { minutes: 60 }',
        'bake: { minutes: 60, sampleAccounts: 20, alarmNamePrefixes: [' + Array.from({ length: 12 }, (_, i) => `"a-rather-long-alarm-name-prefix-${i}-"`).join(', ') + '] }',
      ),
    });
    const { draft } = draftOf(dir);
    const planned = planOf(configFixture());
    const result = shapePlan(draft!, planned.shapes);
    expect(result.plan).toBeUndefined();
    expect(result.issues.map((i) => `${i.path}: ${i.fix}`)).toEqual(['waves[2].bake: lower bake.sampleAccounts, or name the alarms to watch with bake.alarmNamePrefixes']);
    expect(result.issues[0].problem).toMatch(/the bake before wave "prod" watches 2 accounts, \d+ characters of rule parameters \(CodePipeline allows 1000\)/);
  });
});
