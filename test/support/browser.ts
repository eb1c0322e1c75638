/**
 * A real browser for page tests: Debian's chromium (`npm run setup` installs it), driven headless
 * by puppeteer-core, and a small static file server on 127.0.0.1.
 */
import * as fs from 'node:fs';
import * as http from 'node:http';
import type { AddressInfo } from 'node:net';
import * as path from 'node:path';
import puppeteer, { type Browser } from 'puppeteer-core';

/** CHROMIUM_PATH, else Debian's chromium, else Google Chrome (CodeBuild's standard image has it). */
export function chromiumPath(): string {
  const candidates = [process.env.CHROMIUM_PATH, '/usr/bin/chromium', '/usr/bin/google-chrome', '/usr/bin/google-chrome-stable'].filter((c): c is string => !!c);
  const found = candidates.find((c) => fs.existsSync(c));
  if (!found) throw new Error(`no browser at ${candidates.join(', ')}: run npm run setup (it installs Debian's chromium), or set CHROMIUM_PATH`);
  return found;
}

export async function launchBrowser(): Promise<Browser> {
  const CHROMIUM = chromiumPath();
  // --no-sandbox: the tests run as root in CI containers, where Chromium's sandbox cannot start.
  return puppeteer.launch({ executablePath: CHROMIUM, headless: true, args: ['--no-sandbox', '--disable-gpu', '--disable-dev-shm-usage'] });
}

export interface LocalServer {
  readonly url: string;
  close(): Promise<void>;
}

/** Serves on 127.0.0.1 until closed, on a free port unless given one. */
export async function listen(handler: http.RequestListener, port = 0): Promise<LocalServer> {
  const server = http.createServer(handler);
  await new Promise<void>((resolve, reject) => server.once('error', reject).listen(port, '127.0.0.1', resolve));
  const { port: bound } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${bound}`,
    close: () =>
      new Promise((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections(); // keep-alive and hanging requests would hold close() open
      }),
  };
}

const TYPES: Record<string, string> = { '.html': 'text/html; charset=utf-8', '.js': 'text/javascript', '.css': 'text/css', '.json': 'application/json' };

/** Serves a folder as CloudFront would serve the bucket: `/` is index.html, anything missing a 404. */
export function staticFiles(root: string): http.RequestListener {
  return (req, res) => {
    const urlPath = new URL(req.url ?? '/', 'http://local').pathname;
    const file = path.join(root, urlPath === '/' ? 'index.html' : path.normalize(urlPath));
    if (!file.startsWith(root) || !fs.existsSync(file) || fs.statSync(file).isDirectory()) {
      res.writeHead(404).end('not found');
      return;
    }
    res.writeHead(200, { 'content-type': TYPES[path.extname(file)] ?? 'application/octet-stream' }).end(fs.readFileSync(file));
  };
}
