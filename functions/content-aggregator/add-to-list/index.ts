/** After the Map: the run's new posts, flat and once each, with what was skipped or failed. */
import { Logger } from '@aws-lambda-powertools/logger';
import { collectNewPosts, type ItemResult, type Post } from '../shared/posts';

const logger = new Logger({ serviceName: 'content-aggregator-add' });

export async function handler(event: { items?: unknown }): Promise<{ newPosts: Post[]; added: number; existing: number; failed: string[] }> {
  if (!Array.isArray(event?.items)) throw new Error('expected {items: [...]}, the Map results');
  const items = event.items as ItemResult[];
  for (const [i, r] of items.entries()) {
    if (!r || !['exists', 'new', 'failed'].includes((r as { status?: string }).status ?? '')) throw new Error(`items[${i}] is not a Map result`);
  }
  const { posts, failed, existing } = collectNewPosts(items);
  if (failed.length > 0) logger.warn('pages that could not be read this run (tried again next run)', { failed });
  return { newPosts: posts, added: posts.length, existing, failed };
}
