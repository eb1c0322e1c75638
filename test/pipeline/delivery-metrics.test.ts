/**
 * Delivery metrics: what the synth step prints (one EMF line), what the baseliner emits for an
 * account, and the dashboard and alarms that read them, all by the names in accounts/delivery-metrics.ts.
 */
import { Stack } from 'aws-cdk-lib';
import { Match, Template } from 'aws-cdk-lib/assertions';
import * as sns from 'aws-cdk-lib/aws-sns';
import { DELIVERY_METRICS, DELIVERY_NAMESPACE } from '../../accounts/delivery-metrics';
import { baselineMetricValues, publishBaselineMetrics } from '../../functions/baseliner/shared/metrics';
import { newApp } from '../../pipeline/app-context';
import { synthMetricsLine } from '../../pipeline/cli/synth';
import { DeliveryDashboard } from '../../pipeline/operations/delivery-dashboard';
import { configFixture } from '../support/config-fixture';

describe('the synth step’s metrics line', () => {
  it('is EMF: the synth seconds and the sample pipeline’s 25 actions and 7 stages against their quotas', () => {
    const emf = JSON.parse(synthMetricsLine(configFixture(), 52.34));
    expect(emf._aws.CloudWatchMetrics[0]).toMatchObject({ Namespace: DELIVERY_NAMESPACE, Dimensions: [['service']] });
    expect(emf._aws.CloudWatchMetrics[0].Metrics.map((m: { Name: string }) => m.Name)).toEqual(['SynthSeconds', 'PipelineActions', 'PipelineActionsQuota', 'PipelineStages', 'PipelineStagesQuota']);
    expect(emf).toMatchObject({ service: 'synth', SynthSeconds: 52.3, PipelineActions: 25, PipelineActionsQuota: 500, PipelineStages: 7, PipelineStagesQuota: 50, pipeline: 'platform-delivery' });
  });
});

describe('the baseliner’s metrics', () => {
  const base = { accountId: '777777777777', startTime: '2026-12-03T10:00:00.000Z', now: Date.parse('2026-12-03T10:42:30.000Z') };
  it('counts a new account’s minutes from arrival to baselined, only when it is fully baselined', () => {
    expect(baselineMetricValues({ ...base, failures: 0, newAccount: true })).toEqual([
      { name: 'BaselineFailures', unit: 'Count', value: 0 },
      { name: 'VendingToBaselinedMinutes', unit: 'None', value: 42.5 },
    ]);
    expect(baselineMetricValues({ ...base, failures: 2, newAccount: true })).toEqual([{ name: 'BaselineFailures', unit: 'Count', value: 2 }]);
    expect(baselineMetricValues({ ...base, failures: 0, newAccount: false }).map((v) => v.name)).toEqual(['BaselineFailures']);
  });
  it('publishes one EMF record with the account as a property, not a dimension', () => {
    const lines: string[] = [];
    const spy = jest.spyOn(process.stdout, 'write').mockImplementation((chunk: string | Uint8Array) => (lines.push(String(chunk)), true));
    try {
      publishBaselineMetrics({ ...base, failures: 0, newAccount: true });
    } finally {
      spy.mockRestore();
    }
    const emf = JSON.parse(lines.find((l) => l.includes('CloudWatchMetrics'))!);
    expect(emf).toMatchObject({ service: 'baseliner', accountId: '777777777777', VendingToBaselinedMinutes: 42.5, BaselineFailures: 0 });
    expect(emf._aws.CloudWatchMetrics[0].Dimensions).toEqual([['service']]);
  });
});

describe('the delivery dashboard', () => {
  const stack = new Stack(newApp({ guards: false }), 'Dash', { env: { account: '111111111111', region: 'us-east-1' } });
  new DeliveryDashboard(stack, 'Delivery', { pipelineName: 'platform-delivery', topic: new sns.Topic(stack, 'T'), baselineObjectiveMinutes: 45 });
  const t = Template.fromStack(stack);

  it('alarms when a new account takes longer than the objective, on baseline failures, on drift and near the actions quota', () => {
    t.hasResourceProperties('AWS::CloudWatch::Alarm', {
      MetricName: DELIVERY_METRICS.vendingToBaselined.name,
      Namespace: DELIVERY_NAMESPACE,
      Threshold: 45,
      ComparisonOperator: 'GreaterThanThreshold',
      Dimensions: [{ Name: 'service', Value: 'baseliner' }],
    });
    t.hasResourceProperties('AWS::CloudWatch::Alarm', { MetricName: 'BaselineFailures', Threshold: 1, Statistic: 'Sum' });
    t.hasResourceProperties('AWS::CloudWatch::Alarm', { MetricName: 'DriftedStacks', Dimensions: [{ Name: 'service', Value: 'drift-detection' }] });
    t.hasResourceProperties('AWS::CloudWatch::Alarm', { Threshold: 0.9, Metrics: Match.arrayWith([Match.objectLike({ Expression: 'actions / quota' })]) });
    for (const a of Object.values(t.findResources('AWS::CloudWatch::Alarm'))) expect(a.Properties.AlarmActions).toHaveLength(1);
    expect(Object.keys(t.findResources('AWS::CloudWatch::Alarm'))).toHaveLength(4);
  });

  it('shows every delivery metric, the objective as a line', () => {
    const body = JSON.stringify(Object.values(t.findResources('AWS::CloudWatch::Dashboard'))[0].Properties.DashboardBody);
    for (const m of Object.values(DELIVERY_METRICS)) expect(body).toContain(m.name);
    expect(body).toContain('objective');
  });
});
