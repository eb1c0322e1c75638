/**
 * The baseliner's delivery metrics (accounts/delivery-metrics.ts): how long a new account took from
 * its arrival to fully baselined, and how many of its products failed. Pure values here; published
 * in Embedded Metric Format by Powertools Metrics, with the account as a property (searchable in
 * Logs Insights) rather than a dimension (one time series per account would not scale to 1,000).
 */
import { Metrics, MetricUnit } from '@aws-lambda-powertools/metrics';
import { DELIVERY_METRICS, DELIVERY_NAMESPACE } from '../../../accounts/delivery-metrics';

export interface BaselineOutcome {
  readonly accountId: string;
  /** ISO time the account's baseline execution started (on Control Tower's event). */
  readonly startTime: string;
  readonly now: number;
  /** Failed, skipped and unfinished products. */
  readonly failures: number;
  /** A new account (handed to the pipeline afterwards): its time to baselined counts for the SLO. */
  readonly newAccount: boolean;
}

export interface MetricValue {
  readonly name: string;
  readonly unit: (typeof MetricUnit)[keyof typeof MetricUnit];
  readonly value: number;
}

export function baselineMetricValues(o: BaselineOutcome): MetricValue[] {
  const values: MetricValue[] = [{ name: DELIVERY_METRICS.baselineFailures.name, unit: MetricUnit.Count, value: o.failures }];
  const started = Date.parse(o.startTime);
  if (o.newAccount && o.failures === 0 && Number.isFinite(started))
    values.push({ name: DELIVERY_METRICS.vendingToBaselined.name, unit: MetricUnit.NoUnit, value: Math.max(0, Math.round((o.now - started) / 6_000) / 10) });
  return values;
}

export function publishBaselineMetrics(o: BaselineOutcome, metrics = new Metrics({ namespace: DELIVERY_NAMESPACE, serviceName: DELIVERY_METRICS.baselineFailures.service })): void {
  for (const v of baselineMetricValues(o)) metrics.addMetric(v.name, v.unit, v.value);
  metrics.addMetadata('accountId', o.accountId);
  metrics.publishStoredMetrics();
}
