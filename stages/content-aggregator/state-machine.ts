import { Duration } from 'aws-cdk-lib';
import * as sfn from 'aws-cdk-lib/aws-stepfunctions';
import * as tasks from 'aws-cdk-lib/aws-stepfunctions-tasks';
import type * as lambda from 'aws-cdk-lib/aws-lambda';
import type { Construct } from 'constructs';

export interface AggregatorFunctions {
  readonly getFeedUrls: lambda.IFunction;
  readonly getRepoContents: lambda.IFunction;
  readonly compare: lambda.IFunction;
  readonly getPostMetadata: lambda.IFunction;
  readonly addToList: lambda.IFunction;
  readonly writeToGitHub: lambda.IFunction;
}

/** Transient Lambda and network failures, retried with back-off on every task. */
const TRANSIENT = ['Lambda.ServiceException', 'Lambda.AWSLambdaException', 'Lambda.SdkClientException', 'Lambda.TooManyRequestsException'];

function invoke(scope: Construct, id: string, fn: lambda.IFunction, props: Partial<tasks.LambdaInvokeProps> = {}): tasks.LambdaInvoke {
  const task = new tasks.LambdaInvoke(scope, id, { lambdaFunction: fn, payloadResponseOnly: true, retryOnServiceExceptions: false, ...props });
  task.addRetry({ errors: TRANSIENT, interval: Duration.seconds(2), backoffRate: 2, maxAttempts: 4 });
  return task;
}

/**
 * Feed → repo contents → Map over the feed's links (compare, then metadata for new ones; a page
 * that fails is recorded, not fatal) → add to list → one commit when there is anything new.
 */
export function aggregatorDefinition(scope: Construct, fns: AggregatorFunctions): sfn.IChainable {
  const getFeedUrls = invoke(scope, 'GetFeedUrls', fns.getFeedUrls, { resultPath: '$.feed' });
  getFeedUrls.addRetry({ errors: ['FetchError'], interval: Duration.seconds(10), backoffRate: 2, maxAttempts: 2 });
  const getRepoContents = invoke(scope, 'GetRepoContents', fns.getRepoContents, { resultPath: '$.repo' });

  const compare = invoke(scope, 'Compare', fns.compare);
  const alreadyListed = new sfn.Pass(scope, 'AlreadyListed', { parameters: { status: 'exists', 'url.$': '$.BlogUrl' } });
  const getPostMetadata = invoke(scope, 'GetPostMetadata', fns.getPostMetadata, { payload: sfn.TaskInput.fromObject({ 'BlogUrl.$': '$.BlogUrl' }) });
  getPostMetadata.addRetry({ errors: ['FetchError'], interval: Duration.seconds(5), backoffRate: 2, maxAttempts: 2 });
  const pageFailed = new sfn.Pass(scope, 'PageFailed', { parameters: { status: 'failed', 'url.$': '$.BlogUrl', 'error.$': '$.failure.Error' } });
  getPostMetadata.addCatch(pageFailed, { errors: ['States.ALL'], resultPath: '$.failure' });
  const isListed = new sfn.Choice(scope, 'IsListed').when(sfn.Condition.booleanEquals('$.exists', true), alreadyListed).otherwise(getPostMetadata);

  const forEachPost = new sfn.Map(scope, 'ForEachPost', {
    itemsPath: '$.feed.links',
    itemSelector: { 'BlogUrl.$': '$$.Map.Item.Value', 'RepoBlogs.$': '$.repo.links' },
    maxConcurrency: 5,
    resultPath: '$.items',
  });
  forEachPost.itemProcessor(compare.next(isListed));

  const addToList = invoke(scope, 'AddToList', fns.addToList, { payload: sfn.TaskInput.fromObject({ 'items.$': '$.items' }), resultPath: '$.summary' });
  const writeToGitHub = invoke(scope, 'WriteToGitHub', fns.writeToGitHub, { payload: sfn.TaskInput.fromObject({ 'newPosts.$': '$.summary.newPosts' }), resultPath: '$.write' });
  writeToGitHub.addRetry({ errors: ['ShaConflictError'], interval: Duration.seconds(1), backoffRate: 2, maxAttempts: 3 });
  const done = new sfn.Succeed(scope, 'Done');
  const anythingNew = new sfn.Choice(scope, 'AnythingNew').when(sfn.Condition.numberGreaterThan('$.summary.added', 0), writeToGitHub.next(done)).otherwise(new sfn.Succeed(scope, 'NothingNew'));

  return getFeedUrls.next(getRepoContents).next(forEachPost).next(addToList).next(anythingNew);
}
