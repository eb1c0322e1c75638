/**
 * The built site in a real browser (headless chromium): it reads config.json, calls the API that
 * file names (a local stand-in for GET /hello, cross-origin as in AWS), and shows the greeting,
 * the greeting for a submitted name, and the API's error when it fails.
 */
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import type { Browser } from 'puppeteer-core';
import { buildSite } from '../../../stages/bundled-apps/site-build';
import { launchBrowser, listen, staticFiles, type LocalServer } from '../../support/browser';

let browser: Browser;
let api: LocalServer;
const calls: string[] = [];
let failNext = false;

beforeAll(async () => {
  browser = await launchBrowser();
  // Stands in for API Gateway → the Go function: the same JSON, and CORS for the site's origin.
  api = await listen((req, res) => {
    const url = new URL(req.url ?? '/', 'http://local');
    calls.push(`${req.method} ${url.pathname}${url.search}`);
    const headers = { 'content-type': 'application/json', 'access-control-allow-origin': req.headers.origin ?? '*' };
    if (url.pathname !== '/hello') return void res.writeHead(404, headers).end('{"error":{"code":"NotFound","message":"no route"}}');
    if (failNext) return void res.writeHead(500, headers).end('{"error":{"code":"InternalError","message":"the request failed"}}');
    const name = url.searchParams.get('name') ?? 'world';
    res.writeHead(200, headers).end(JSON.stringify({ message: `Hello, ${name}, from Go`, runtime: 'linux/arm64', requestId: 'r-1', time: '2026-12-02T10:00:00Z' }));
  });
});

afterAll(async () => {
  await browser?.close();
  await api?.close();
});

async function serveSite(config: unknown): Promise<LocalServer> {
  const dist = fs.mkdtempSync(path.join(os.tmpdir(), 'site-'));
  buildSite(dist);
  fs.writeFileSync(path.join(dist, 'config.json'), JSON.stringify(config));
  return listen(staticFiles(dist));
}

// Functions run in the page see the DOM; typed here without the DOM library, which the Node code must not see.
type Page = import('puppeteer-core').Page;
const text = async (page: Page, selector: string) => page.$eval(selector, (e) => (e as unknown as { innerText: string }).innerText);
const hidden = async (page: Page, selector: string) => page.$eval(selector, (e) => (e as unknown as { hidden: boolean }).hidden);
const waitFor = async (page: Page, expression: string) => page.waitForFunction(expression);

it('greets from the API that config.json names, then by the submitted name', async () => {
  const site = await serveSite({ apiUrl: `${api.url}/` });
  const page = await browser.newPage();
  try {
    await page.goto(site.url, { waitUntil: 'networkidle0' });
    await waitFor(page, "document.querySelector('#greeting')?.textContent?.startsWith('Hello')");
    expect(await text(page, '#greeting')).toBe('Hello, world, from Go');
    expect(await text(page, '#api-url')).toBe(api.url);
    await page.type('#name', 'Ana María');
    await page.click('button[type=submit]');
    await waitFor(page, "document.querySelector('#greeting')?.textContent?.includes('Ana')");
    expect(await text(page, '#greeting')).toBe('Hello, Ana María, from Go');
    expect(calls).toEqual(expect.arrayContaining(['GET /hello', 'GET /hello?name=Ana%20Mar%C3%ADa']));
    expect(await hidden(page, '#error')).toBe(true);
  } finally {
    await page.close();
    await site.close();
  }
});

it("shows the API's error, not a greeting, when the API fails", async () => {
  const site = await serveSite({ apiUrl: api.url });
  const page = await browser.newPage();
  failNext = true;
  try {
    await page.goto(site.url, { waitUntil: 'networkidle0' });
    await waitFor(page, "!document.querySelector('#error').hidden");
    expect(await text(page, '#error')).toBe('The API answered 500: the request failed');
    expect(await text(page, '#greeting')).toBe('');
  } finally {
    failNext = false;
    await page.close();
    await site.close();
  }
});

it('refuses a config.json whose apiUrl is not https', async () => {
  const site = await serveSite({ apiUrl: 'http://api.example.com' });
  const page = await browser.newPage();
  const before = calls.length;
  try {
    await page.goto(site.url, { waitUntil: 'networkidle0' });
    await waitFor(page, "!document.querySelector('#error').hidden");
    expect(await text(page, '#error')).toBe('config.json apiUrl must be https: http://api.example.com');
    expect(calls.length).toBe(before);
  } finally {
    await page.close();
    await site.close();
  }
});
