/**
 * A local moto server for tests of stateful handlers: started on a free 127.0.0.1 port from the
 * `.venv` that `npm run setup` fills (requirements-test.txt), stopped when the suite ends.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import * as fs from 'node:fs';
import * as net from 'node:net';
import * as path from 'node:path';

export interface MotoServer {
  readonly endpoint: string;
  /** Client settings that point an SDK v3 client at this server. */
  readonly clientConfig: { endpoint: string; region: string; credentials: { accessKeyId: string; secretAccessKey: string } };
  /** Stops the server and restores what useMotoForNewClients changed in the environment. */
  stop(): Promise<void>;
}

const MOTO_ENV = { AWS_ENDPOINT_URL: '', AWS_ACCESS_KEY_ID: 'testing', AWS_SECRET_ACCESS_KEY: 'testing', AWS_REGION: 'us-east-1' };
const savedEnv = new Map<string, string | undefined>();

const MOTO_BIN = process.env.MOTO_SERVER ?? path.resolve(__dirname, '..', '..', '.venv', 'bin', 'moto_server');

async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = net.createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address() as net.AddressInfo;
      server.close(() => resolve(port));
    });
  });
}

export async function startMoto(): Promise<MotoServer> {
  if (!fs.existsSync(MOTO_BIN)) throw new Error(`moto_server not found at ${MOTO_BIN}: run npm run setup (it installs requirements-test.txt into .venv)`);
  const port = await freePort();
  const child: ChildProcess = spawn(MOTO_BIN, ['-H', '127.0.0.1', '-p', String(port)], { stdio: 'ignore' });
  const endpoint = `http://127.0.0.1:${port}`;
  const deadline = Date.now() + 30_000;
  for (;;) {
    try {
      const res = await fetch(`${endpoint}/moto-api/`);
      if (res.ok) break;
    } catch {
      // not listening yet
    }
    if (child.exitCode !== null) throw new Error(`moto_server exited with ${child.exitCode}`);
    if (Date.now() > deadline) {
      child.kill();
      throw new Error(`moto_server did not answer on ${endpoint}`);
    }
    await new Promise((r) => setTimeout(r, 100));
  }
  return {
    endpoint,
    clientConfig: { endpoint, region: 'us-east-1', credentials: { accessKeyId: 'testing', secretAccessKey: 'testing' } },
    stop: () =>
      new Promise<void>((resolve) => {
        for (const [name, value] of savedEnv) {
          if (value === undefined) delete process.env[name];
          else process.env[name] = value;
        }
        savedEnv.clear();
        if (child.exitCode !== null) return resolve();
        child.once('exit', () => resolve());
        child.kill();
      }),
  };
}

/** Points every SDK v3 client created from now on at the server (AWS_ENDPOINT_URL), for handlers that build their own. */
export function useMotoForNewClients(moto: MotoServer): void {
  for (const [name, value] of Object.entries({ ...MOTO_ENV, AWS_ENDPOINT_URL: moto.endpoint })) {
    if (!savedEnv.has(name)) savedEnv.set(name, process.env[name]);
    process.env[name] = value;
  }
}
