/** Post links of an RSS 2.0 or Atom feed. No network here. */
import { XMLParser } from 'fast-xml-parser';

const parser = new XMLParser({ ignoreAttributes: false, attributeNamePrefix: '@', processEntities: true, htmlEntities: true });
const list = <T>(v: T | T[] | undefined): T[] => (v === undefined ? [] : Array.isArray(v) ? v : [v]);

export function feedLinks(xml: string, maxItems: number): string[] {
  let doc: Record<string, unknown>;
  try {
    doc = parser.parse(xml) as Record<string, unknown>;
  } catch (err) {
    throw new Error(`the feed is not XML: ${(err as Error).message}`, { cause: err });
  }
  let links: string[];
  const rss = doc.rss as { channel?: { item?: unknown } } | undefined;
  const atom = doc.feed as { entry?: unknown } | undefined;
  if (rss?.channel) {
    links = list(rss.channel.item as { link?: unknown; guid?: unknown } | { link?: unknown }[])
      .map((i) => {
        const item = i as { link?: unknown; guid?: { '#text'?: string; '@isPermaLink'?: string } | string };
        if (typeof item.link === 'string') return item.link;
        const guid = item.guid;
        return typeof guid === 'object' && guid?.['@isPermaLink'] !== 'false' ? guid?.['#text'] : typeof guid === 'string' ? guid : undefined;
      })
      .filter((l): l is string => typeof l === 'string');
  } else if (atom) {
    links = list(atom.entry as unknown[])
      .map((e) => {
        const entryLinks = list((e as { link?: unknown }).link as { '@href'?: string; '@rel'?: string } | { '@href'?: string; '@rel'?: string }[]);
        return (entryLinks.find((l) => !l['@rel'] || l['@rel'] === 'alternate') ?? entryLinks[0])?.['@href'];
      })
      .filter((l): l is string => typeof l === 'string');
  } else {
    throw new Error('the document is neither an RSS 2.0 nor an Atom feed');
  }
  const valid = [...new Set(links.map((l) => l.trim()))].filter((l) => /^https?:\/\//.test(l));
  return valid.slice(0, maxItems);
}
