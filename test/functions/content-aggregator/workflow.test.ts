/**
 * The synthesized content-aggregator state machine, run with aws-local-stepfunctions: every Task
 * runs the real handler, against the recorded feed and pages and a fake GitHub (fetch replaced);
 * the token comes from a mocked SSM through Powertools Parameters.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { clearCaches } from '@aws-lambda-powertools/parameters';
import { GetParameterCommand, SSMClient } from '@aws-sdk/client-ssm';
import { Template } from 'aws-cdk-lib/assertions';
import { mockClient } from 'aws-sdk-client-mock';
import { StateMachine } from 'aws-local-stepfunctions';
import { handler as addToList } from '../../../functions/content-aggregator/add-to-list';
import { handler as compare } from '../../../functions/content-aggregator/compare';
import { handler as getFeedUrls } from '../../../functions/content-aggregator/get-feed-urls';
import { handler as getPostMetadata } from '../../../functions/content-aggregator/get-post-metadata';
import { handler as getRepoContents } from '../../../functions/content-aggregator/get-repo-contents';
import { handler as writeToGitHub } from '../../../functions/content-aggregator/write-to-github';
import { newApp } from '../../../pipeline/app-context';
import { ContentAggregatorStack } from '../../../stages/content-aggregator/content-aggregator';
import { ContentAggregatorParameters } from '../../../stages/content-aggregator/parameters';
import { synthesizedDefinition } from '../../../worlds/asl';
import { ContentAggregatorWorld, FEED_URL, POST_URLS } from '../../../worlds/content-aggregator-world';

const env = { account: '444444444444', region: 'us-east-1' };
const stack = new ContentAggregatorStack(newApp({ 'aws:cdk:bundling-stacks': [], guards: false }), 'Content', {
  parameters: ContentAggregatorParameters.parse({ repository: 'example-org/serverless-site' }),
  env,
});
const definition = synthesizedDefinition(Template.fromStack(stack), env);
const HANDLERS: Record<string, (e: never) => Promise<unknown>> = {
  GetFeedUrls: getFeedUrls,
  GetRepoContents: getRepoContents,
  Compare: compare,
  GetPostMetadata: getPostMetadata,
  AddToList: addToList,
  WriteToGitHub: writeToGitHub,
};

const ssm = mockClient(SSMClient);
let world: ContentAggregatorWorld;

beforeEach(() => {
  ssm.reset();
  clearCaches();
  ssm.on(GetParameterCommand, { Name: '/GitHubAPIKey', WithDecryption: true }).resolves({ Parameter: { Name: '/GitHubAPIKey', Type: 'SecureString', Value: 'ghp_recordedtoken' } });
  Object.assign(process.env, { REPOSITORY: 'example-org/serverless-site', FILE_PATH: 'frontend/content.json', BRANCH: 'main', TOKEN_PARAMETER: '/GitHubAPIKey', MAX_ITEMS: '20' });
  world = new ContentAggregatorWorld();
  world.setFile(fs.readFileSync(path.resolve(__dirname, '../../fixtures/content-aggregator/content.json'), 'utf8'));
  world.install();
});
afterEach(() => world.uninstall());

async function run(input: unknown = { feedUrl: FEED_URL }): Promise<{ status: 'SUCCEEDED' | 'FAILED'; output?: Record<string, any>; error?: string; states: string[] }> {
  const machine = new StateMachine(definition as never, { validationOptions: { checkPaths: true, checkArn: true } });
  const execution = machine.run(input as never, {
    overrides: {
      taskResourceLocalHandlers: Object.fromEntries(Object.entries(HANDLERS).map(([name, fn]) => [name, async (payload: unknown) => (await fn(payload as never)) as never])),
      retryIntervalOverrides: Object.fromEntries(Object.keys(HANDLERS).map((s) => [s, 0])),
    },
  });
  const states: string[] = [];
  const watching = (async () => {
    for await (const e of execution.eventLogs) if ((e as { type: string }).type === 'StateEntered') states.push((e as { state: { name: string } }).state.name);
  })();
  try {
    const output = (await execution.result) as Record<string, any>;
    await watching;
    return { status: 'SUCCEEDED', output, states };
  } catch (err) {
    await watching.catch(() => undefined);
    const cause = (err as { cause?: { name?: string; message?: string } }).cause;
    return { status: 'FAILED', error: cause ? `${cause.name}: ${cause.message}` : String(err), states };
  }
}

it('adds the new post in one commit, skips the listed one, and does not fail on a page it cannot parse', async () => {
  const result = await run();
  expect(result.status).toBe('SUCCEEDED');
  expect(result.output?.summary).toMatchObject({ added: 1, existing: 1, failed: [POST_URLS.mqAtScale] });
  expect(result.states).toEqual(expect.arrayContaining(['PageFailed', 'AlreadyListed', 'WriteToGitHub', 'Done']));
  expect(world.commits).toHaveLength(1);
  expect(world.commits[0]).toMatchObject({ message: 'content: 1 new post', branch: 'main' });
  const posts = world.posts();
  // One flat list (the sample nested the old array inside the new one), newest first.
  expect(posts.every((p) => !Array.isArray(p))).toBe(true);
  expect(posts.map((p) => p.link)).toEqual([POST_URLS.workflows, POST_URLS.mqEventSource]);
  expect(posts[0]).toMatchObject({
    title: 'Building resilient event-driven workflows with AWS Step Functions',
    author: 'Jane Doe',
    publishedTime: '2026-11-28T02:12:03.000Z',
    tags: ['AWS Step Functions', 'Serverless'],
  });
  // The listed post's page is never fetched.
  expect(world.requests).not.toContain(`GET ${POST_URLS.mqEventSource.replace(/\/$/, '/')}`);
});

it('commits nothing when there is nothing new: a second run is a no-op', async () => {
  await run();
  const before = world.file!.sha;
  const second = await run();
  expect(second.status).toBe('SUCCEEDED');
  expect(second.states).toContain('NothingNew');
  expect(second.states).not.toContain('WriteToGitHub');
  expect(world.commits).toHaveLength(1);
  expect(world.file!.sha).toBe(before);
});

it('retries on a sha that moved between read and write, and merges with what the other commit added', async () => {
  world.interleavedCommit = JSON.stringify([{ title: 'Hand-added', link: 'https://example.com/hand-added', publishedTime: '2026-11-01T00:00:00.000Z', tags: [] }, ...world.posts()]);
  const result = await run();
  expect(result.status).toBe('SUCCEEDED');
  // The first PUT met the moved sha (409); the retry read again, merged, and committed.
  expect(world.requests.filter((r) => r.startsWith('PUT '))).toHaveLength(2);
  expect(world.commits).toHaveLength(1);
  expect(world.posts().map((p) => p.link)).toEqual([POST_URLS.workflows, 'https://example.com/hand-added', POST_URLS.mqEventSource]);
});

it('creates the content file when the repository has none yet', async () => {
  world.file = undefined;
  const result = await run();
  expect(result.status).toBe('SUCCEEDED');
  expect(world.posts().map((p) => p.link)).toEqual([POST_URLS.workflows, POST_URLS.mqEventSource]);
});

it('fails the run, writing nothing, when the feed is unreachable or the input is malformed', async () => {
  world.page(FEED_URL, 'compute-feed.xml', 'application/rss+xml', 503);
  const unreachable = await run();
  expect(unreachable).toMatchObject({ status: 'FAILED', error: expect.stringContaining('answered HTTP 503') });
  const malformed = await run({ feedUrl: 'ftp://example.com/feed' });
  expect(malformed).toMatchObject({ status: 'FAILED', error: expect.stringContaining('feedUrl must be an https URL') });
  expect(world.commits).toHaveLength(0);
});

it('fails the run, overwriting nothing, when the content file is not a JSON list', async () => {
  world.setFile('{"posts": []}');
  const result = await run();
  expect(result).toMatchObject({ status: 'FAILED', error: expect.stringContaining('must be a JSON array of posts') });
  expect(world.commits).toHaveLength(0);
});

it('fails the run when the token is wrong, and says so', async () => {
  ssm.on(GetParameterCommand).resolves({ Parameter: { Name: '/GitHubAPIKey', Type: 'SecureString', Value: 'ghp_wrong' } });
  clearCaches();
  const result = await run();
  expect(result.status).toBe('FAILED');
  expect(result.error).toMatch(/Bad credentials/);
});
