/**
 * Reading a configuration through the AWS AppConfig Agent Lambda extension: the agent serves the
 * deployed configuration on localhost (port 2772 unless AWS_APPCONFIG_EXTENSION_HTTP_PORT says
 * otherwise) and keeps it fresh in the background, so a read costs no AWS call.
 */
import { z } from 'zod';

export const DEFAULT_AGENT_PORT = 2772;

/** The hosted profile's document. Other keys may come with later versions of the profile. */
export const LoggingLevel = z.object({ loglevel: z.string().min(1) });

/** `/applications/{app}/environments/{env}/configurations/{profile}`, from the function's environment. */
export function configurationPath(env: NodeJS.ProcessEnv): string {
  const missing = ['APPCONFIG_APPLICATION', 'APPCONFIG_ENVIRONMENT', 'APPCONFIG_PROFILE'].filter((k) => !env[k]);
  if (missing.length) throw new Error(`${missing.join(', ')} not set: the stack sets them to the AppConfig application, environment and profile`);
  const part = (k: string) => encodeURIComponent(env[k]!);
  return `/applications/${part('APPCONFIG_APPLICATION')}/environments/${part('APPCONFIG_ENVIRONMENT')}/configurations/${part('APPCONFIG_PROFILE')}`;
}

export function agentPort(env: NodeJS.ProcessEnv): number {
  const raw = env.AWS_APPCONFIG_EXTENSION_HTTP_PORT;
  if (!raw) return DEFAULT_AGENT_PORT;
  const port = Number(raw);
  if (!Number.isInteger(port) || port < 1 || port > 65535) throw new Error(`AWS_APPCONFIG_EXTENSION_HTTP_PORT is ${JSON.stringify(raw)}, not a port number`);
  return port;
}

/** The profile's loglevel, or an error that says what went wrong (agent missing, profile unknown, bad document). */
export async function readLogLevel(path: string, port: number, timeoutMs = 3000): Promise<string> {
  const url = `http://localhost:${port}${path}`;
  let response: Response;
  try {
    response = await fetch(url, { signal: AbortSignal.timeout(timeoutMs) });
  } catch (err) {
    throw new Error(`the AppConfig agent did not answer on localhost:${port} (is the AppConfig extension layer attached?): ${(err as Error).message}`, { cause: err });
  }
  const body = await response.text();
  if (!response.ok) throw new Error(`the AppConfig agent answered ${response.status} for ${path}: ${body.slice(0, 200)}`);
  let document: unknown;
  try {
    document = JSON.parse(body);
  } catch (err) {
    throw new Error(`the configuration at ${path} is not JSON: ${body.slice(0, 100)}`, { cause: err });
  }
  const parsed = LoggingLevel.safeParse(document);
  if (!parsed.success) throw new Error(`the configuration at ${path} has no loglevel string: ${body.slice(0, 100)}`);
  return parsed.data.loglevel;
}
