/**
 * The single commit: the content file as it is now, merged with the run's new posts, written in
 * one commit against the sha just read. Nothing new (a rerun, or another run got there first) →
 * no commit. A sha that moved in between → ShaConflictError, which the state machine retries.
 */
import { Logger } from '@aws-lambda-powertools/logger';
import { contentFileFromEnv, githubClient, readContentFile } from '../shared/github';
import { mergePosts, parseContentFile, type Post } from '../shared/posts';

const logger = new Logger({ serviceName: 'content-aggregator-write' });

export class ShaConflictError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'ShaConflictError';
  }
}

export async function handler(event: { newPosts?: unknown }): Promise<{ committed: boolean; added: number; commitSha?: string }> {
  if (!Array.isArray(event?.newPosts)) throw new Error('expected {newPosts: [...]}');
  const at = contentFileFromEnv();
  const gh = await githubClient();
  const file = await readContentFile(gh, at);
  const existing = file.text === undefined ? [] : parseContentFile(file.text, `${at.owner}/${at.repo}/${at.path}`);
  const { posts, added } = mergePosts(existing, event.newPosts as Post[]);
  if (added === 0) {
    logger.info('nothing new to commit');
    return { committed: false, added: 0 };
  }
  try {
    const res = await gh.repos.createOrUpdateFileContents({
      owner: at.owner,
      repo: at.repo,
      path: at.path,
      branch: at.branch,
      sha: file.sha,
      message: `content: ${added} new post${added === 1 ? '' : 's'}`,
      content: Buffer.from(`${JSON.stringify(posts, null, 2)}\n`).toString('base64'),
    });
    logger.info('committed', { added, commit: res.data.commit.sha });
    return { committed: true, added, commitSha: res.data.commit.sha };
  } catch (err) {
    const status = (err as { status?: number }).status;
    if (status === 409 || status === 422) throw new ShaConflictError(`${at.path} changed while this run merged it (HTTP ${status}); retrying on the new version`);
    throw err;
  }
}
