/**
 * The internet the content aggregator sees, recorded: the feed and pages from fixtures, and a
 * GitHub contents API that keeps one file, checks the sha on every write, and counts commits.
 * It replaces global fetch, which the handlers and Octokit both use.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';

const FIXTURES = path.resolve(__dirname, '..', 'test', 'fixtures', 'content-aggregator');
export const FEED_URL = 'https://aws.amazon.com/blogs/compute/feed/';
export const POST_URLS = {
  workflows: 'https://aws.amazon.com/blogs/compute/building-resilient-event-driven-workflows-with-aws-step-functions/',
  mqAtScale: 'https://aws.amazon.com/blogs/compute/processing-amazon-mq-messages-with-aws-lambda-at-scale/',
  mqEventSource: 'https://aws.amazon.com/blogs/compute/using-amazon-mq-as-an-event-source-for-aws-lambda/',
};

export interface Commit {
  readonly message: string;
  readonly content: string;
  readonly branch?: string;
}

export class ContentAggregatorWorld {
  readonly requests: string[] = [];
  readonly commits: Commit[] = [];
  private readonly pages = new Map<string, { status: number; body: Buffer; type: string }>();
  file?: { sha: string; text: string };
  /** Set to make the next PUT find the file changed by someone else. */
  interleavedCommit?: string;
  private shaCounter = 0;
  private original?: typeof fetch;

  constructor(
    readonly repo = 'example-org/serverless-site',
    readonly filePath = 'frontend/content.json',
  ) {
    this.page(FEED_URL, 'compute-feed.xml', 'application/rss+xml');
    this.page(POST_URLS.workflows, 'resilient-workflows.html', 'text/html');
    this.page(POST_URLS.mqEventSource, 'mq-event-source.html', 'text/html');
    // Served as a PDF: not a page the metadata parser can read.
    this.page(POST_URLS.mqAtScale, 'mq-at-scale.pdf', 'application/pdf');
  }

  page(url: string, fixture: string, type: string, status = 200): void {
    this.pages.set(url, { status, body: fs.readFileSync(path.join(FIXTURES, fixture)), type });
  }

  setFile(text: string): void {
    this.file = { sha: this.nextSha(), text };
  }

  posts(): { link: string; title: string }[] {
    return this.file ? JSON.parse(this.file.text) : [];
  }

  install(): void {
    this.original = globalThis.fetch;
    globalThis.fetch = (input: string | URL | Request, init?: RequestInit) => this.fetch(input, init);
  }

  uninstall(): void {
    if (this.original) globalThis.fetch = this.original;
  }

  private nextSha(): string {
    this.shaCounter++;
    return this.shaCounter.toString(16).padStart(40, '0');
  }

  private async fetch(input: string | URL | Request, init?: RequestInit): Promise<Response> {
    const url = new URL(typeof input === 'string' ? input : input instanceof URL ? input.href : input.url);
    const method = (init?.method ?? 'GET').toUpperCase();
    this.requests.push(`${method} ${url.origin}${url.pathname}`);
    if (url.host === 'api.github.com') return this.github(url, method, init);
    const page = this.pages.get(`${url.origin}${url.pathname}`);
    if (!page || method !== 'GET') return new Response('Not Found', { status: 404 });
    return new Response(new Uint8Array(page.body), { status: page.status, headers: { 'content-type': page.type } });
  }

  private github(url: URL, method: string, init?: RequestInit): Response {
    const json = (status: number, body: unknown) => new Response(JSON.stringify(body), { status, headers: { 'content-type': 'application/json; charset=utf-8' } });
    const expected = `/repos/${this.repo}/contents/${this.filePath}`;
    if (decodeURIComponent(url.pathname) !== expected) return json(404, { message: 'Not Found' });
    if (!new Headers(init?.headers).get('authorization')?.includes('ghp_recordedtoken')) return json(401, { message: 'Bad credentials' });
    if (method === 'GET') {
      if (!this.file) return json(404, { message: 'Not Found' });
      return json(200, { type: 'file', encoding: 'base64', path: this.filePath, sha: this.file.sha, content: Buffer.from(this.file.text).toString('base64') });
    }
    if (method === 'PUT') {
      if (this.interleavedCommit !== undefined) {
        this.setFile(this.interleavedCommit);
        this.interleavedCommit = undefined;
      }
      const body = JSON.parse(String(init?.body as string)) as { message: string; content: string; sha?: string; branch?: string };
      if (this.file && body.sha !== this.file.sha) return json(409, { message: `${this.filePath} does not match ${body.sha}` });
      if (!this.file && body.sha) return json(422, { message: 'sha supplied for a file that does not exist' });
      const text = Buffer.from(body.content, 'base64').toString('utf8');
      this.setFile(text);
      this.commits.push({ message: body.message, content: text, branch: body.branch });
      return json(200, { content: { sha: this.file!.sha }, commit: { sha: this.nextSha() } });
    }
    return json(405, { message: 'Method Not Allowed' });
  }
}
