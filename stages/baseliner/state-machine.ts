/**
 * The baseline workflow (Standard): first the enrollment gate (unless Control Tower already said
 * the account is enrolled) — check, back off, check again, bounded by maxChecks; then dependency
 * levels in order; the products of a level in parallel up to `concurrency`; per product prepare →
 * provision → wait/poll with back-off → done or failed. Every loop is bounded, every task retries
 * throttling and transient errors, every Choice has a Default, and every failure is caught into a
 * tracked, notified path.
 */
import { Duration } from 'aws-cdk-lib';
import type * as lambda from 'aws-cdk-lib/aws-lambda';
import * as sfn from 'aws-cdk-lib/aws-stepfunctions';
import * as tasks from 'aws-cdk-lib/aws-stepfunctions-tasks';
import type { Construct } from 'constructs';

/** Errors worth a retry: throttling and service-side trouble, from Lambda or from the SDK inside it. */
export const TRANSIENT_ERRORS = [
  'Lambda.ServiceException',
  'Lambda.AWSLambdaException',
  'Lambda.SdkClientException',
  'Lambda.TooManyRequestsException',
  'ThrottlingException',
  'TooManyRequestsException',
  'ProvisionedThroughputExceededException',
  'ServiceUnavailable',
  'InternalServiceError',
];

const retry: sfn.RetryProps = { errors: TRANSIENT_ERRORS, interval: Duration.seconds(2), backoffRate: 2, maxAttempts: 6, maxDelay: Duration.seconds(60), jitterStrategy: sfn.JitterType.FULL };

export function baselineDefinition(scope: Construct, steps: lambda.IFunction, enrollment: lambda.IFunction, concurrency: number): sfn.IChainable {
  const step = (id: string, action: string, fields: Record<string, unknown>, resultPath: string | undefined) =>
    new tasks.LambdaInvoke(scope, id, {
      lambdaFunction: steps,
      payload: sfn.TaskInput.fromObject({
        action,
        'accountId.$': '$.accountId',
        'executionName.$': '$$.Execution.Name',
        'startTime.$': '$$.Execution.StartTime',
        'maxWaitMinutes.$': '$.maxWaitMinutes',
        'maxPolls.$': '$.maxPolls',
        'bootstrapProduct.$': '$.bootstrapProduct',
        ...fields,
      }),
      payloadResponseOnly: true,
      resultPath: resultPath ?? sfn.JsonPath.DISCARD,
      retryOnServiceExceptions: false,
    }).addRetry(retry);

  // ------------------------------------------------------------ one product
  const failed = step('ProductFailed', 'failed', { 'product.$': '$.product', 'record.$': '$.record', 'error.$': '$.error' }, '$.outcome');
  const failedNotified = new sfn.Pass(scope, 'ProductFailureRecorded');
  failed.addCatch(failedNotified, { resultPath: '$.notifyError' }).next(failedNotified);
  const succeeded = step('ProductSucceeded', 'succeeded', { 'product.$': '$.product' }, '$.outcome');
  succeeded.addCatch(failed, { resultPath: '$.error' });

  const prepare = step('PrepareProduct', 'prepare', { 'product.$': '$.product', 'unchanged.$': '$.unchanged' }, '$.prepared');
  const provision = step('Provision', 'provision', { 'product.$': '$.product', 'prepared.$': '$.prepared' }, '$.record');
  const wait = new sfn.Wait(scope, 'WaitForRecord', { time: sfn.WaitTime.secondsPath('$.record.waitSeconds') });
  const poll = step('PollRecord', 'poll', { 'record.$': '$.record' }, '$.record');
  const noRecord = new sfn.Pass(scope, 'NoRecord', { result: sfn.Result.fromObject({ status: 'NOT_STARTED', polls: 0 }), resultPath: '$.record' });
  prepare.addCatch(noRecord, { resultPath: '$.error' });
  provision.addCatch(noRecord, { resultPath: '$.error' });
  noRecord.next(failed);
  poll.addCatch(failed, { resultPath: '$.error' });

  const skipped = new sfn.Succeed(scope, 'ProductSkipped');
  const blocked = new sfn.Choice(scope, 'DependenciesDone?')
    .when(sfn.Condition.stringEquals('$.prepared.next', 'skip'), skipped)
    .when(sfn.Condition.stringEquals('$.prepared.next', 'provision'), provision)
    .otherwise(noRecord);
  const withError = (id: string) => new sfn.Pass(scope, id, { parameters: { 'Error.$': '$.record.status', 'Cause.$': 'States.JsonToString($.record.errors)' }, resultPath: '$.error' });
  const recordFailed = withError('RecordFailed').next(failed);
  const timedOut = withError('RecordTimedOut').next(failed);
  const done = new sfn.Choice(scope, 'RecordDone?')
    .when(sfn.Condition.stringEquals('$.record.status', 'SUCCEEDED'), succeeded)
    .when(sfn.Condition.or(sfn.Condition.stringEquals('$.record.status', 'FAILED'), sfn.Condition.stringEquals('$.record.status', 'IN_PROGRESS_IN_ERROR')), recordFailed)
    .when(sfn.Condition.or(sfn.Condition.stringEquals('$.record.status', 'TIMED_OUT'), sfn.Condition.numberGreaterThanEqualsJsonPath('$.record.polls', '$.maxPolls')), timedOut)
    .otherwise(wait);
  prepare.next(blocked);
  provision.next(wait);
  wait.next(poll);
  poll.next(done);

  // What every item of both Maps carries down from the execution's input.
  const carried = { 'accountId.$': '$.accountId', 'maxWaitMinutes.$': '$.maxWaitMinutes', 'maxPolls.$': '$.maxPolls', 'bootstrapProduct.$': '$.bootstrapProduct', 'unchanged.$': '$.unchanged' };
  const products = new sfn.Map(scope, 'ProductsOfLevel', {
    itemsPath: '$.level',
    maxConcurrency: concurrency,
    itemSelector: {
      'product.$': '$$.Map.Item.Value',
      ...carried,
    },
    resultPath: sfn.JsonPath.DISCARD,
  });
  products.itemProcessor(prepare);

  // ------------------------------------------------------------ levels, in order
  const levels = new sfn.Map(scope, 'DependencyLevels', {
    itemsPath: '$.levels',
    maxConcurrency: 1,
    itemSelector: {
      'level.$': '$$.Map.Item.Value',
      ...carried,
    },
    resultPath: sfn.JsonPath.DISCARD,
  });
  levels.itemProcessor(products);

  const summarize = step('Summarize', 'summarize', { 'handOff.$': '$.handOff', 'kept.$': '$.kept', 'unchanged.$': '$.unchanged', 'enrollment.$': '$.enrollment' }, '$.summary');
  const reportError = step('ReportError', 'error', { 'error.$': '$.error' }, sfn.JsonPath.DISCARD);
  const stopped = new sfn.Fail(scope, 'BaselineStopped', { error: 'BaselineStopped', cause: 'The workflow failed outside a product; see the SNS message.' });
  reportError.addCatch(stopped, { resultPath: '$.notifyError' }).next(stopped);
  levels.addCatch(reportError, { resultPath: '$.error' });
  summarize.addCatch(reportError, { resultPath: '$.error' });

  const incomplete = new sfn.Fail(scope, 'BaselineIncomplete', { error: 'BaselineIncomplete', cause: 'Some products failed or were skipped; see the summary on SNS.' });
  const complete = new sfn.Succeed(scope, 'BaselineComplete');

  // ------------------------------------------------------------ the enrollment gate
  const check = new tasks.LambdaInvoke(scope, 'CheckEnrollment', {
    lambdaFunction: enrollment,
    // InputPath, not a JsonPath payload: with payloadResponseOnly CDK would render Parameters as a bare string.
    inputPath: '$.enrollment',
    payloadResponseOnly: true,
    resultPath: '$.enrollment',
    retryOnServiceExceptions: false,
  }).addRetry(retry);
  const notEnrolled = step('NotEnrolled', 'not-enrolled', { 'enrollment.$': '$.enrollment', 'error.$': '$.error' }, sfn.JsonPath.DISCARD);
  const neverEnrolled = new sfn.Fail(scope, 'AccountNotEnrolled', {
    error: 'AccountNotEnrolled',
    cause: 'Control Tower did not report the account enrolled; nothing was provisioned. See the SNS message.',
  });
  notEnrolled.addCatch(reportError, { resultPath: '$.error' }).next(neverEnrolled);
  check.addCatch(notEnrolled, { resultPath: '$.error' });
  const gaveUp = new sfn.Pass(scope, 'EnrollmentGaveUp', { result: sfn.Result.fromObject({}), resultPath: '$.error' }).next(notEnrolled);
  const waitForEnrollment = new sfn.Wait(scope, 'WaitForEnrollment', { time: sfn.WaitTime.secondsPath('$.enrollment.waitSeconds') }).next(check);
  const isPending = sfn.Condition.or(sfn.Condition.stringEquals('$.enrollment.status', 'PENDING'), sfn.Condition.stringEquals('$.enrollment.status', 'NOT_FOUND'));
  check.next(
    new sfn.Choice(scope, 'Enrolled?')
      .when(sfn.Condition.or(sfn.Condition.stringEquals('$.enrollment.status', 'ENROLLED'), sfn.Condition.stringEquals('$.enrollment.status', 'PARTIAL')), levels)
      .when(sfn.Condition.and(isPending, sfn.Condition.numberLessThanJsonPath('$.enrollment.checks', '$.enrollment.maxChecks')), waitForEnrollment)
      .otherwise(gaveUp),
  );
  const gate = new sfn.Choice(scope, 'CheckEnrollment?').when(sfn.Condition.booleanEquals('$.enrollment.check', true), check).otherwise(levels);

  levels
    .next(summarize)
    .next(
      new sfn.Choice(scope, 'AllDone?')
        .when(sfn.Condition.and(sfn.Condition.numberEquals('$.summary.failedCount', 0), sfn.Condition.numberEquals('$.summary.skippedCount', 0)), complete)
        .otherwise(incomplete),
    );
  return gate;
}
