/** Map step: is this feed item already listed? (`{BlogUrl, RepoBlogs}` as the Map's ItemSelector builds it.) */
import { isListed } from '../shared/posts';

export async function handler(event: { BlogUrl?: unknown; RepoBlogs?: unknown }): Promise<{ BlogUrl: string; exists: boolean }> {
  const url = event?.BlogUrl;
  const listed = event?.RepoBlogs;
  if (typeof url !== 'string' || !Array.isArray(listed) || !listed.every((l) => typeof l === 'string')) {
    throw new Error('expected {BlogUrl: string, RepoBlogs: string[]}');
  }
  return { BlogUrl: url, exists: isListed(url, listed) };
}
