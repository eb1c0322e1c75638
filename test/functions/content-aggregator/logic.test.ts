import * as fs from 'node:fs';
import * as path from 'node:path';
import { handler as addToList } from '../../../functions/content-aggregator/add-to-list';
import { handler as compare } from '../../../functions/content-aggregator/compare';
import { feedLinks } from '../../../functions/content-aggregator/get-feed-urls/feed';
import { PageParseError, postMetadata } from '../../../functions/content-aggregator/get-post-metadata/metadata';
import { contentFileFromEnv } from '../../../functions/content-aggregator/shared/github';
import { collectNewPosts, isListed, mergePosts, normalizeLink, parseContentFile, type Post } from '../../../functions/content-aggregator/shared/posts';

const fixture = (f: string) => fs.readFileSync(path.resolve(__dirname, '../../fixtures/content-aggregator', f), 'utf8');
const post = (link: string, publishedTime?: string): Post => ({ title: link, link, publishedTime, tags: [] });

describe('feedLinks', () => {
  it('reads the links of the recorded RSS feed, newest first, up to the limit', () => {
    expect(feedLinks(fixture('compute-feed.xml'), 20)).toEqual([
      'https://aws.amazon.com/blogs/compute/building-resilient-event-driven-workflows-with-aws-step-functions/',
      'https://aws.amazon.com/blogs/compute/processing-amazon-mq-messages-with-aws-lambda-at-scale/',
      'https://aws.amazon.com/blogs/compute/using-amazon-mq-as-an-event-source-for-aws-lambda/?utm_source=rss',
    ]);
    expect(feedLinks(fixture('compute-feed.xml'), 1)).toHaveLength(1);
  });

  it("reads an Atom feed's alternate links", () => {
    const atom = `<?xml version="1.0"?><feed xmlns="http://www.w3.org/2005/Atom"><title>t</title>
      <entry><title>a</title><link rel="alternate" href="https://example.com/a"/><link rel="replies" href="https://example.com/a#c"/></entry>
      <entry><title>b</title><link href="https://example.com/b"/></entry></feed>`;
    expect(feedLinks(atom, 10)).toEqual(['https://example.com/a', 'https://example.com/b']);
  });

  it('handles a feed of one item, and an empty one', () => {
    expect(feedLinks('<rss version="2.0"><channel><title>t</title><item><link>https://example.com/only</link></item></channel></rss>', 5)).toEqual(['https://example.com/only']);
    expect(feedLinks('<rss version="2.0"><channel><title>t</title></channel></rss>', 5)).toEqual([]);
  });

  it('refuses a document that is not a feed', () => {
    expect(() => feedLinks('<html><body>Service Unavailable</body></html>', 5)).toThrow('neither an RSS 2.0 nor an Atom feed');
  });
});

describe('postMetadata', () => {
  it('reads Open Graph and article tags from the recorded page', () => {
    expect(postMetadata(fixture('mq-event-source.html'), 'https://aws.amazon.com/blogs/compute/using-amazon-mq-as-an-event-source-for-aws-lambda/?utm_source=rss')).toEqual({
      title: 'Using Amazon MQ as an event source for AWS Lambda',
      description: 'Amazon MQ is a managed message broker.',
      author: 'James Beswick',
      publishedTime: '2020-12-10T14:00:00.000Z',
      link: 'https://aws.amazon.com/blogs/compute/using-amazon-mq-as-an-event-source-for-aws-lambda/',
      image: expect.stringMatching(/^https:\/\/.+mq\.png$/),
      tags: ['Amazon MQ', 'Serverless'],
    });
  });

  it('falls back to <title> and the page URL, and drops an unreadable date', () => {
    const m = postMetadata('<html><head><title> Plain </title><meta property="article:published_time" content="yesterday"></head></html>', 'https://example.com/p');
    expect(m).toEqual({ title: 'Plain', description: undefined, author: undefined, publishedTime: undefined, link: 'https://example.com/p', image: undefined, tags: [] });
  });

  it('refuses what is not an HTML page, or a page without a title', () => {
    expect(() => postMetadata(fixture('mq-at-scale.pdf'), 'https://example.com/x')).toThrow(PageParseError);
    expect(() => postMetadata('<html><head></head><body>hi</body></html>', 'https://example.com/x')).toThrow('has no title');
  });
});

describe('posts', () => {
  it('normalizes links so the same post compares equal', () => {
    expect(normalizeLink('HTTPS://AWS.Amazon.com/blogs/x/?utm_source=rss#top')).toBe('https://aws.amazon.com/blogs/x');
    expect(isListed('https://aws.amazon.com/blogs/x/?utm_medium=feed', ['https://aws.amazon.com/blogs/x/'])).toBe(true);
    expect(isListed('https://aws.amazon.com/blogs/y/', ['https://aws.amazon.com/blogs/x/'])).toBe(false);
    expect(normalizeLink(' not a url ')).toBe('not a url');
  });

  it('merges into one flat list, newest first, each link once (the sample nested the old array)', () => {
    const existing = [post('https://e.com/1', '2026-01-01T00:00:00Z'), post('https://e.com/2', '2026-02-01T00:00:00Z')];
    const merged = mergePosts(existing, [post('https://e.com/3', '2026-03-01T00:00:00Z'), post('https://e.com/1/', '2026-01-01T00:00:00Z')]);
    expect(merged.added).toBe(1);
    expect(merged.posts.map((p) => p.link)).toEqual(['https://e.com/3', 'https://e.com/2', 'https://e.com/1']);
    expect(merged.posts.some(Array.isArray)).toBe(false);
    expect(mergePosts(merged.posts, [post('https://e.com/3')]).added).toBe(0);
  });

  it('collects the Map results into new posts once each, with failures and skips counted', () => {
    expect(
      collectNewPosts([
        { status: 'new', post: post('https://e.com/a') },
        { status: 'new', post: post('https://e.com/a/') },
        { status: 'exists', url: 'https://e.com/b' },
        { status: 'failed', url: 'https://e.com/c', error: 'PageParseError' },
      ]),
    ).toEqual({ posts: [post('https://e.com/a/')], failed: ['https://e.com/c'], existing: 1 });
  });

  it('refuses a content file that is not a list of posts', () => {
    expect(() => parseContentFile('nope', 'repo/f.json')).toThrow('repo/f.json is not JSON');
    expect(() => parseContentFile('{}', 'repo/f.json')).toThrow('must be a JSON array of posts');
    expect(() => parseContentFile('[{"title":"x"}]', 'repo/f.json')).toThrow('repo/f.json[0] has no link');
  });
});

describe('handler input checks', () => {
  it('compare and add-to-list refuse malformed input', async () => {
    await expect(compare({ BlogUrl: 'https://e.com/a', RepoBlogs: ['https://e.com/a/'] })).resolves.toEqual({ BlogUrl: 'https://e.com/a', exists: true });
    await expect(compare({ BlogUrl: 3 })).rejects.toThrow('expected {BlogUrl: string, RepoBlogs: string[]}');
    await expect(addToList({ items: [{ nope: true }] })).rejects.toThrow('items[0] is not a Map result');
    await expect(addToList({})).rejects.toThrow('expected {items: [...]}');
  });

  it('reads the repository location from the environment, or says what is wrong', () => {
    expect(contentFileFromEnv({ REPOSITORY: 'o/r', FILE_PATH: 'f.json' })).toEqual({ owner: 'o', repo: 'r', path: 'f.json', branch: 'main' });
    expect(() => contentFileFromEnv({ REPOSITORY: 'o/r/x', FILE_PATH: 'f.json' })).toThrow('REPOSITORY must be owner/name');
    expect(() => contentFileFromEnv({ REPOSITORY: 'o/r' })).toThrow('FILE_PATH must be set');
  });
});
