/** Step 1: the post links of the feed the schedule names (`{"feedUrl": …}`). */
import { Logger } from '@aws-lambda-powertools/logger';
import { fetchText } from '../shared/http';
import { feedLinks } from './feed';

const logger = new Logger({ serviceName: 'content-aggregator-feed' });

export async function handler(event: { feedUrl?: unknown }): Promise<{ feedUrl: string; links: string[] }> {
  const feedUrl = event?.feedUrl;
  if (typeof feedUrl !== 'string' || !/^https:\/\//.test(feedUrl)) throw new Error(`feedUrl must be an https URL, got ${JSON.stringify(feedUrl)}`);
  const links = feedLinks(await fetchText(feedUrl), Number(process.env.MAX_ITEMS ?? '20'));
  logger.info('feed read', { feedUrl, links: links.length });
  return { feedUrl, links };
}
