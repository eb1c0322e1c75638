import { Duration } from 'aws-cdk-lib';
import * as sfn from 'aws-cdk-lib/aws-stepfunctions';
import type * as lambda from 'aws-cdk-lib/aws-lambda';
import type { Construct } from 'constructs';
import { lambdaTask } from '../shared/lambda-task';

export interface AggregatorFunctions {
  readonly getFeedUrls: lambda.IFunction;
  readonly getRepoContents: lambda.IFunction;
  readonly compare: lambda.IFunction;
  readonly getPostMetadata: lambda.IFunction;
  readonly addToList: lambda.IFunction;
  readonly writeToGitHub: lambda.IFunction;
}

/**
 * Feed → repo contents → Map over the feed's links (compare, then metadata for new ones; a page
 * that fails is recorded, not fatal) → add to list → one commit when there is anything new.
 */
export function aggregatorDefinition(scope: Construct, fns: AggregatorFunctions): sfn.IChainable {
  const getFeedUrls = lambdaTask(scope, 'GetFeedUrls', fns.getFeedUrls, { resultPath: '$.feed' });
  getFeedUrls.addRetry({ errors: ['FetchError'], interval: Duration.seconds(10), backoffRate: 2, maxAttempts: 2 });
  const getRepoContents = lambdaTask(scope, 'GetRepoContents', fns.getRepoContents, { resultPath: '$.repo' });

  const compare = lambdaTask(scope, 'Compare', fns.compare);
  const alreadyListed = new sfn.Pass(scope, 'AlreadyListed', { parameters: { status: 'exists', 'url.$': '$.BlogUrl' } });
  const getPostMetadata = lambdaTask(scope, 'GetPostMetadata', fns.getPostMetadata, { payload: sfn.TaskInput.fromObject({ 'BlogUrl.$': '$.BlogUrl' }) });
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

  const addToList = lambdaTask(scope, 'AddToList', fns.addToList, { payload: sfn.TaskInput.fromObject({ 'items.$': '$.items' }), resultPath: '$.summary' });
  const writeToGitHub = lambdaTask(scope, 'WriteToGitHub', fns.writeToGitHub, { payload: sfn.TaskInput.fromObject({ 'newPosts.$': '$.summary.newPosts' }), resultPath: '$.write' });
  writeToGitHub.addRetry({ errors: ['ShaConflictError'], interval: Duration.seconds(1), backoffRate: 2, maxAttempts: 3 });
  const done = new sfn.Succeed(scope, 'Done');
  const anythingNew = new sfn.Choice(scope, 'AnythingNew').when(sfn.Condition.numberGreaterThan('$.summary.added', 0), writeToGitHub.next(done)).otherwise(new sfn.Succeed(scope, 'NothingNew'));

  return getFeedUrls.next(getRepoContents).next(forEachPost).next(addToList).next(anythingNew);
}
