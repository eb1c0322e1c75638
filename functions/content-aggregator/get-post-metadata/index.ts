/** Map step: a new post's metadata. A page that cannot be read or parsed throws; the Map catches it for this item alone. */
import { fetchText } from '../shared/http';
import type { ItemResult } from '../shared/posts';
import { postMetadata } from './metadata';

export async function handler(event: { BlogUrl?: unknown }): Promise<ItemResult> {
  const url = event?.BlogUrl;
  if (typeof url !== 'string' || !/^https?:\/\//.test(url)) throw new Error(`BlogUrl must be an http(s) URL, got ${JSON.stringify(url)}`);
  return { status: 'new', post: postMetadata(await fetchText(url), url) };
}
