/** The site's deploy-time settings, written by the stack as /config.json (never built in). */
export interface SiteConfig {
  readonly apiUrl: string;
}

/** The config from its JSON, or an error that says what is wrong with it. */
export function parseConfig(value: unknown): SiteConfig {
  const apiUrl = (value as { apiUrl?: unknown } | null)?.apiUrl;
  if (typeof apiUrl !== 'string') throw new Error('config.json has no apiUrl');
  const url = new URL(apiUrl);
  const local = url.hostname === '127.0.0.1' || url.hostname === 'localhost';
  if (url.protocol !== 'https:' && !(local && url.protocol === 'http:')) throw new Error(`config.json apiUrl must be https: ${apiUrl}`);
  return { apiUrl: apiUrl.replace(/\/+$/, '') };
}

export function helloUrl(config: SiteConfig, name: string): string {
  const trimmed = name.trim();
  return `${config.apiUrl}/hello${trimmed ? `?name=${encodeURIComponent(trimmed)}` : ''}`;
}
