/**
 * The GitHub token path against a local moto server: the SecureString is read and decrypted from
 * SSM through Powertools Parameters, as in Lambda; GitHub is the recorded fake.
 */
import { PutParameterCommand, SSMClient } from '@aws-sdk/client-ssm';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { ContentAggregatorWorld, POST_URLS } from '../../../worlds/content-aggregator-world';
import { startMoto, useMotoForNewClients, type MotoServer } from '../../support/moto';

let moto: MotoServer;
let world: ContentAggregatorWorld;

beforeAll(async () => {
  moto = await startMoto();
  useMotoForNewClients(moto);
  await new SSMClient(moto.clientConfig).send(new PutParameterCommand({ Name: '/GitHubAPIKey', Type: 'SecureString', Value: 'ghp_recordedtoken' }));
  Object.assign(process.env, { REPOSITORY: 'example-org/serverless-site', FILE_PATH: 'frontend/content.json', BRANCH: 'main', TOKEN_PARAMETER: '/GitHubAPIKey' });
  world = new ContentAggregatorWorld();
  world.setFile(fs.readFileSync(path.resolve(__dirname, '../../fixtures/content-aggregator/content.json'), 'utf8'));
  world.install();
});

afterAll(async () => {
  world.uninstall();
  await moto?.stop();
});

it('reads the content file with the token from the SSM SecureString', async () => {
  // Imported after the endpoint is set: Powertools builds its SSM client on first use.
  const { handler } = await import('../../../functions/content-aggregator/get-repo-contents');
  await expect(handler()).resolves.toEqual({ sha: expect.stringMatching(/^[0-9a-f]{40}$/), links: [POST_URLS.mqEventSource] });
});

it("fails with the parameter's name when it does not exist", async () => {
  const { clearCaches } = await import('@aws-lambda-powertools/parameters');
  clearCaches();
  process.env.TOKEN_PARAMETER = '/MissingKey';
  const { handler } = await import('../../../functions/content-aggregator/get-repo-contents');
  await expect(handler()).rejects.toThrow(/MissingKey/);
});
