/**
 * lambda-extensions, Node.js: returns the event it got, whether this was the execution
 * environment's first invocation, and the LoggingLevel profile's loglevel from the AppConfig agent.
 */
import { agentPort, configurationPath, readLogLevel } from './app-config';

let coldStart = true;

export const handler = async (event: unknown): Promise<{ event: unknown; ColdStart: boolean; LogLevel: string }> => {
  const wasCold = coldStart;
  coldStart = false;
  const LogLevel = await readLogLevel(configurationPath(process.env), agentPort(process.env));
  return { event, ColdStart: wasCold, LogLevel };
};
