/** Map step: a new post's metadata. A page that cannot be read or parsed throws; the Map catches it for this item alone. */
import { Logger } from '@aws-lambda-powertools/logger';
import { fetchText } from '../shared/http';
import type { ItemResult } from '../shared/posts';
import { postMetadata } from './metadata';

const logger = new Logger({ serviceName: 'content-aggregator-metadata' });

export async function handler(event: { BlogUrl?: unknown }): Promise<ItemResult> {
  const url = event?.BlogUrl;
  if (typeof url !== 'string' || !/^https?:\/\//.test(url)) throw new Error(`BlogUrl must be an http(s) URL, got ${JSON.stringify(url)}`);
  try {
    const post = postMetadata(await fetchText(url), url);
    logger.info('post read', { url, title: post.title });
    return { status: 'new', post };
  } catch (err) {
    logger.warn('post not read; it is tried again next run', { url, error: (err as Error).message });
    throw err;
  }
}
