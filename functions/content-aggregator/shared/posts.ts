/**
 * The content file's shape and the pure logic around it: link normalization, comparison, and
 * the merge (flat, deduplicated by link, newest first). No AWS and no network here.
 */

export interface Post {
  readonly title: string;
  readonly description?: string;
  readonly author?: string;
  /** ISO 8601. */
  readonly publishedTime?: string;
  readonly link: string;
  readonly image?: string;
  readonly tags: string[];
}

/** What one Map iteration reports. */
export type ItemResult = { status: 'exists'; url: string } | { status: 'new'; post: Post } | { status: 'failed'; url: string; error?: string };

/** Same post, same key: scheme and host lower-case, no fragment, no tracking query, no trailing slash. */
export function normalizeLink(link: string): string {
  let u: URL;
  try {
    u = new URL(link.trim());
  } catch {
    return link.trim();
  }
  u.hash = '';
  for (const k of [...u.searchParams.keys()]) if (/^utm_/i.test(k)) u.searchParams.delete(k);
  const pathname = u.pathname.length > 1 ? u.pathname.replace(/\/+$/, '') : u.pathname;
  return `${u.protocol}//${u.host.toLowerCase()}${pathname}${u.search}`;
}

export function isListed(url: string, listedLinks: readonly string[]): boolean {
  const key = normalizeLink(url);
  return listedLinks.some((l) => normalizeLink(l) === key);
}

/** The content file must be a JSON array of posts with a link each; anything else is refused, never overwritten. */
export function parseContentFile(text: string, where: string): Post[] {
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch {
    throw new Error(`${where} is not JSON; fix or remove it before the next run`);
  }
  if (!Array.isArray(parsed)) throw new Error(`${where} must be a JSON array of posts`);
  parsed.forEach((p, i) => {
    if (typeof p !== 'object' || p === null || typeof (p as { link?: unknown }).link !== 'string') throw new Error(`${where}[${i}] has no link`);
  });
  return parsed as Post[];
}

/** New posts of a run, flat and once each (the Map may see the same link twice in a feed). */
export function collectNewPosts(results: readonly ItemResult[]): { posts: Post[]; failed: string[]; existing: number } {
  const byLink = new Map<string, Post>();
  const failed: string[] = [];
  let existing = 0;
  for (const r of results) {
    if (r.status === 'new') byLink.set(normalizeLink(r.post.link), r.post);
    else if (r.status === 'failed') failed.push(r.url);
    else existing++;
  }
  return { posts: [...byLink.values()], failed, existing };
}

/**
 * The existing list with the new posts added: one flat array (the sample nested the old array
 * inside the new one), each link once, newest first. `added` is 0 when every post was listed.
 */
export function mergePosts(existing: readonly Post[], incoming: readonly Post[]): { posts: Post[]; added: number } {
  const seen = new Set(existing.map((p) => normalizeLink(p.link)));
  const fresh: Post[] = [];
  for (const p of incoming) {
    const key = normalizeLink(p.link);
    if (seen.has(key)) continue;
    seen.add(key);
    fresh.push(p);
  }
  const posts = [...fresh, ...existing].sort((a, b) => (b.publishedTime ?? '').localeCompare(a.publishedTime ?? ''));
  return { posts, added: fresh.length };
}
