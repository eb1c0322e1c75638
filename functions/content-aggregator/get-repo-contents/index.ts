/** Step 2: the links already in the content file, and its blob sha. Only links travel on: the state stays small. */
import { Logger } from '@aws-lambda-powertools/logger';
import { contentFileFromEnv, githubClient, readContentFile } from '../shared/github';
import { parseContentFile } from '../shared/posts';

const logger = new Logger({ serviceName: 'content-aggregator-repo' });

export async function handler(): Promise<{ sha: string | null; links: string[] }> {
  const at = contentFileFromEnv();
  const file = await readContentFile(await githubClient(), at);
  const posts = file.text === undefined ? [] : parseContentFile(file.text, `${at.owner}/${at.repo}/${at.path}`);
  logger.info('content file read', { path: at.path, posts: posts.length, exists: file.sha !== undefined });
  return { sha: file.sha ?? null, links: posts.map((p) => p.link) };
}
