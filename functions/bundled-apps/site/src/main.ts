/** Loads /config.json, calls GET /hello on the API it names, and shows the greeting or the error. */
import { helloUrl, parseConfig, type SiteConfig } from './config';

const greeting = document.querySelector<HTMLParagraphElement>('#greeting')!;
const errorBox = document.querySelector<HTMLParagraphElement>('#error')!;
const form = document.querySelector<HTMLFormElement>('#greet')!;
const nameInput = document.querySelector<HTMLInputElement>('#name')!;

function showError(message: string): void {
  greeting.textContent = '';
  errorBox.textContent = message;
  errorBox.hidden = false;
}

async function hello(config: SiteConfig, name: string): Promise<void> {
  const response = await fetch(helloUrl(config, name), { headers: { accept: 'application/json' } });
  const body = (await response.json().catch(() => ({}))) as { message?: string; error?: { message?: string } };
  if (!response.ok) throw new Error(`The API answered ${response.status}: ${body.error?.message ?? response.statusText}`);
  if (typeof body.message !== 'string') throw new Error('The API answered without a message');
  errorBox.hidden = true;
  greeting.textContent = body.message;
}

async function start(): Promise<void> {
  const response = await fetch('/config.json', { cache: 'no-store' });
  if (!response.ok) throw new Error(`config.json: ${response.status}`);
  const config = parseConfig(await response.json());
  document.querySelector('#api-url')!.textContent = config.apiUrl;
  form.addEventListener('submit', (event) => {
    event.preventDefault();
    hello(config, nameInput.value).catch((err: Error) => showError(err.message));
  });
  await hello(config, '');
}

start().catch((err: Error) => showError(err.message));
