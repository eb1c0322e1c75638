/**
 * The delivery dashboard and its alarms, on the metrics the synth step, the baseliner and drift
 * detection emit (accounts/delivery-metrics.ts): time from vending to baselined against its
 * objective, synth seconds, the pipeline's actions and stages against their quotas, baseline
 * failures, drifted stacks. Every alarm goes to the platform team's topic.
 */
import { Duration } from 'aws-cdk-lib';
import * as cloudwatch from 'aws-cdk-lib/aws-cloudwatch';
import * as cwActions from 'aws-cdk-lib/aws-cloudwatch-actions';
import type * as sns from 'aws-cdk-lib/aws-sns';
import { Construct } from 'constructs';
import { DELIVERY_METRICS, DELIVERY_NAMESPACE } from '../../accounts/delivery-metrics';

type MetricKey = keyof typeof DELIVERY_METRICS;

/** One delivery metric, with the Powertools service dimension it is emitted under. */
export function deliveryMetric(key: MetricKey, statistic: string, period = Duration.hours(1)): cloudwatch.Metric {
  const m = DELIVERY_METRICS[key];
  return new cloudwatch.Metric({ namespace: DELIVERY_NAMESPACE, metricName: m.name, dimensionsMap: { service: m.service }, statistic, period });
}

export interface DeliveryDashboardProps {
  readonly pipelineName: string;
  readonly topic: sns.ITopic;
  /** The SLO: minutes from vending to fully baselined. */
  readonly baselineObjectiveMinutes: number;
  /** Share of a pipeline quota in use that raises an alarm. */
  readonly quotaAlarmShare?: number;
}

export class DeliveryDashboard extends Construct {
  readonly dashboard: cloudwatch.Dashboard;
  readonly alarms: Record<'baselineSlo' | 'baselineFailures' | 'drift' | 'actionsQuota', cloudwatch.IAlarm>;

  constructor(scope: Construct, id: string, props: DeliveryDashboardProps) {
    super(scope, id);
    const share = props.quotaAlarmShare ?? 0.9;
    const action = new cwActions.SnsAction(props.topic);
    const alarm = (alarmId: string, a: Omit<cloudwatch.AlarmProps, 'evaluationPeriods'>) => {
      const created = new cloudwatch.Alarm(this, alarmId, { treatMissingData: cloudwatch.TreatMissingData.NOT_BREACHING, evaluationPeriods: 1, ...a });
      created.addAlarmAction(action);
      return created;
    };
    const baselined = deliveryMetric('vendingToBaselined', 'Maximum');
    const actionsUsed = new cloudwatch.MathExpression({
      expression: 'actions / quota',
      usingMetrics: { actions: deliveryMetric('pipelineActions', 'Maximum', Duration.days(1)), quota: deliveryMetric('pipelineActionsQuota', 'Maximum', Duration.days(1)) },
      label: 'share of the actions quota in use',
      period: Duration.days(1),
    });
    this.alarms = {
      baselineSlo: alarm('BaselineSlo', {
        metric: baselined,
        threshold: props.baselineObjectiveMinutes,
        comparisonOperator: cloudwatch.ComparisonOperator.GREATER_THAN_THRESHOLD,
        alarmDescription: `A new account took more than ${props.baselineObjectiveMinutes} minutes from vending to fully baselined (the objective, operations.baselineObjectiveMinutes); the account id is in the baseliner's EMF record (Logs Insights: filter VendingToBaselinedMinutes > ${props.baselineObjectiveMinutes}).`,
      }),
      baselineFailures: alarm('BaselineFailures', {
        metric: deliveryMetric('baselineFailures', 'Sum'),
        threshold: 1,
        comparisonOperator: cloudwatch.ComparisonOperator.GREATER_THAN_OR_EQUAL_TO_THRESHOLD,
        alarmDescription: 'A baseline product failed, was skipped or did not finish in an account; the baseliner notice names it.',
      }),
      drift: alarm('Drift', {
        metric: deliveryMetric('driftedStacks', 'Maximum', Duration.days(1)),
        threshold: 1,
        comparisonOperator: cloudwatch.ComparisonOperator.GREATER_THAN_OR_EQUAL_TO_THRESHOLD,
        alarmDescription: 'Drift detection found stacks or StackSets that differ from what the pipeline deployed; the reconcile report in S3 lists them.',
      }),
      actionsQuota: alarm('ActionsQuota', {
        metric: actionsUsed,
        threshold: share,
        comparisonOperator: cloudwatch.ComparisonOperator.GREATER_THAN_THRESHOLD,
        alarmDescription: `The pipeline uses more than ${Math.round(share * 100)}% of CodePipeline's actions quota: move stage-mode waves to StackSets (npm run plan shows the headroom) before a commit is refused.`,
      }),
    };
    this.dashboard = new cloudwatch.Dashboard(this, 'Dashboard', {
      dashboardName: `${props.pipelineName}-delivery`,
      defaultInterval: Duration.days(7),
      widgets: [
        [
          new cloudwatch.GraphWidget({
            title: 'Vending to fully baselined (minutes, worst account)',
            left: [baselined],
            leftAnnotations: [{ value: props.baselineObjectiveMinutes, label: 'objective', color: cloudwatch.Color.RED }],
            width: 12,
          }),
          new cloudwatch.GraphWidget({ title: 'Baseline failures', left: [deliveryMetric('baselineFailures', 'Sum')], width: 12 }),
        ],
        [
          new cloudwatch.GraphWidget({ title: 'Synth seconds', left: [deliveryMetric('synthSeconds', 'Maximum')], width: 8 }),
          new cloudwatch.GraphWidget({
            title: 'Pipeline actions and stages against their quotas',
            left: [deliveryMetric('pipelineActions', 'Maximum'), deliveryMetric('pipelineActionsQuota', 'Maximum')],
            right: [deliveryMetric('pipelineStages', 'Maximum'), deliveryMetric('pipelineStagesQuota', 'Maximum')],
            width: 8,
          }),
          new cloudwatch.GraphWidget({
            title: 'Drifted and unchecked stacks',
            left: [deliveryMetric('driftedStacks', 'Maximum', Duration.days(1)), deliveryMetric('driftUnchecked', 'Maximum', Duration.days(1))],
            width: 8,
          }),
        ],
        [new cloudwatch.AlarmStatusWidget({ title: 'Delivery alarms', alarms: Object.values(this.alarms), width: 24 })],
      ],
    });
  }
}
