/**
 * GitHub access for the repo-contents and write functions: the token comes from the SSM
 * SecureString through Powertools Parameters (cached for the life of the execution environment).
 */
import { getParameter } from '@aws-lambda-powertools/parameters/ssm';
import { Octokit } from '@octokit/rest';

export interface ContentFileLocation {
  readonly owner: string;
  readonly repo: string;
  readonly path: string;
  readonly branch: string;
}

export function contentFileFromEnv(env: NodeJS.ProcessEnv = process.env): ContentFileLocation {
  const [owner, repo, ...rest] = (env.REPOSITORY ?? '').split('/');
  if (!owner || !repo || rest.length > 0) throw new Error(`REPOSITORY must be owner/name, got ${JSON.stringify(env.REPOSITORY)}`);
  const path = env.FILE_PATH;
  if (!path) throw new Error('FILE_PATH must be set');
  return { owner, repo, path, branch: env.BRANCH ?? 'main' };
}

export async function githubClient(): Promise<Octokit> {
  const name = process.env.TOKEN_PARAMETER ?? '/GitHubAPIKey';
  const token = await getParameter(name, { decrypt: true, maxAge: 300 });
  if (!token) throw new Error(`SSM parameter ${name} is empty; put a GitHub token with contents:write on the repository there`);
  return new Octokit({ auth: token, userAgent: 'platform-delivery-content-aggregator/1.0' });
}

/** The file's text and blob sha, or no sha when the file does not exist yet. */
export async function readContentFile(gh: Octokit, at: ContentFileLocation): Promise<{ sha?: string; text?: string }> {
  try {
    const res = await gh.repos.getContent({ owner: at.owner, repo: at.repo, path: at.path, ref: at.branch });
    const data = res.data as { type?: string; sha?: string; content?: string; encoding?: string };
    if (Array.isArray(res.data) || data.type !== 'file' || !data.sha) throw new Error(`${at.path} in ${at.owner}/${at.repo} is not a file`);
    return { sha: data.sha, text: Buffer.from(data.content ?? '', 'base64').toString('utf8') };
  } catch (err) {
    if ((err as { status?: number }).status === 404) return {};
    throw err;
  }
}
