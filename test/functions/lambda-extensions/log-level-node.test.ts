/**
 * The Node.js AppConfig reader against a stand-in for the AppConfig agent on localhost:2772, the
 * port the AppConfig extension layer listens on.
 */
import type * as http from 'node:http';
import { listen, type LocalServer } from '../../support/browser';
import { DEFAULT_AGENT_PORT, agentPort, configurationPath, readLogLevel } from '../../../functions/lambda-extensions/log-level-node/app-config';

const PATH = '/applications/lambda-extensions-demo/environments/Production/configurations/LoggingLevel';
const ENV = { APPCONFIG_APPLICATION: 'lambda-extensions-demo', APPCONFIG_ENVIRONMENT: 'Production', APPCONFIG_PROFILE: 'LoggingLevel' };

let agent: LocalServer;
let answer: { status: number; body: string; delayMs?: number };
const requests: string[] = [];

beforeAll(async () => {
  agent = await listen((req: http.IncomingMessage, res: http.ServerResponse) => {
    requests.push(req.url ?? '');
    setTimeout(() => {
      if (req.url !== PATH) return void res.writeHead(404, { 'content-type': 'application/json' }).end('{"Message":"Configuration not found"}');
      res.writeHead(answer.status, { 'content-type': 'application/json', 'configuration-version': '1' }).end(answer.body);
    }, answer.delayMs ?? 0);
  }, DEFAULT_AGENT_PORT);
});
afterAll(() => agent.close());
beforeEach(() => {
  answer = { status: 200, body: '{"loglevel": "normal"}' };
  requests.length = 0;
});

describe('lambda-extensions Node.js function', () => {
  it('returns the event, ColdStart true then false, and the LogLevel the agent serves', async () => {
    Object.assign(process.env, ENV);
    const { handler } = await import('../../../functions/lambda-extensions/log-level-node/index');
    const event = { key1: 'value1', key2: 'value2', key3: 'value3' };
    await expect(handler(event)).resolves.toEqual({ event, ColdStart: true, LogLevel: 'normal' });
    answer.body = '{"loglevel": "verbose", "sampleRate": 0.1}';
    await expect(handler(event)).resolves.toEqual({ event, ColdStart: false, LogLevel: 'verbose' });
    expect(requests).toEqual([PATH, PATH]);
  });

  it('says what is wrong when the agent cannot serve the profile', async () => {
    const port = DEFAULT_AGENT_PORT;
    await expect(readLogLevel(PATH.replace('LoggingLevel', 'Other'), port)).rejects.toThrow(/answered 404 for .*configurations\/Other/);
    answer = { status: 500, body: '{"Message":"throttled"}' };
    await expect(readLogLevel(PATH, port)).rejects.toThrow('the AppConfig agent answered 500');
    answer = { status: 200, body: 'loglevel=normal' };
    await expect(readLogLevel(PATH, port)).rejects.toThrow('is not JSON');
    answer = { status: 200, body: '{"level":"debug"}' };
    await expect(readLogLevel(PATH, port)).rejects.toThrow('has no loglevel string');
    answer = { status: 200, body: '{"loglevel":"normal"}', delayMs: 400 };
    await expect(readLogLevel(PATH, port, 100)).rejects.toThrow('did not answer on localhost:2772');
  });

  it('says when no agent listens (the layer is missing)', async () => {
    await expect(readLogLevel(PATH, 1)).rejects.toThrow('is the AppConfig extension layer attached?');
  });

  it('builds the profile path and port from the environment', () => {
    expect(configurationPath(ENV)).toBe(PATH);
    expect(configurationPath({ ...ENV, APPCONFIG_APPLICATION: 'a b/c' })).toBe('/applications/a%20b%2Fc/environments/Production/configurations/LoggingLevel');
    expect(() => configurationPath({ APPCONFIG_APPLICATION: 'x' })).toThrow('APPCONFIG_ENVIRONMENT, APPCONFIG_PROFILE not set');
    expect(agentPort({})).toBe(2772);
    expect(agentPort({ AWS_APPCONFIG_EXTENSION_HTTP_PORT: '2773' })).toBe(2773);
    expect(() => agentPort({ AWS_APPCONFIG_EXTENSION_HTTP_PORT: '99999' })).toThrow('not a port number');
  });
});
