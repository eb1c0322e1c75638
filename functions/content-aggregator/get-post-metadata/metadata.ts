/** A post's metadata from its HTML (Open Graph and article: tags). No network here. */
import { parse } from 'node-html-parser';
import type { Post } from '../shared/posts';

export class PageParseError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'PageParseError';
  }
}

export function postMetadata(html: string, pageUrl: string): Post {
  if (!/<html[\s>]/i.test(html) && !/<head[\s>]/i.test(html)) throw new PageParseError(`${pageUrl} is not an HTML page`);
  const root = parse(html);
  const meta = (key: string): string[] =>
    root
      .querySelectorAll('meta')
      .filter((m) => m.getAttribute('property') === key || m.getAttribute('name') === key)
      .map((m) => (m.getAttribute('content') ?? '').trim())
      .filter((c) => c.length > 0);
  const title = meta('og:title')[0] ?? root.querySelector('title')?.text.trim();
  if (!title) throw new PageParseError(`${pageUrl} has no title`);
  const published = meta('article:published_time')[0];
  const publishedTime = published && !Number.isNaN(Date.parse(published)) ? new Date(published).toISOString() : undefined;
  const canonical = meta('og:url')[0] ?? root.querySelector('link[rel="canonical"]')?.getAttribute('href');
  return {
    title,
    description: meta('og:description')[0] ?? meta('description')[0],
    author: meta('author')[0] ?? meta('article:author')[0],
    publishedTime,
    link: canonical && /^https?:\/\//.test(canonical) ? canonical : pageUrl,
    image: meta('og:image')[0],
    tags: [...new Set(meta('article:tag'))],
  };
}
