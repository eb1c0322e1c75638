/**
 * Stacks the sample organization does not synthesize as they are here (other parameters, another
 * home Region) pass every guard on their own and alarm on every DLQ. The sample's own stacks are
 * checked on every synth, in scripts/test.sh and test/pipeline/pipeline.test.ts.
 */
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { newApp } from '../../pipeline/app-context';
import { addGuards } from '../../pipeline/guards';
import { deadLetterQueuesWithoutAlarm, templateFiles } from '../support/dead-letter-alarms';
import { MqConsumerStack } from '../../stages/mq-consumer/mq-consumer';
import { MqConsumerParameters } from '../../stages/mq-consumer/parameters';
import { PrivatelinkLambdaParameters } from '../../stages/privatelink-lambda/parameters';
import { PrivatelinkLambdaStack } from '../../stages/privatelink-lambda/privatelink-lambda';
import { DataLakeStack } from '../../stages/data-lake/data-lake';
import { DataLakeParameters } from '../../stages/data-lake/parameters';
import { SpiceRefreshParameters } from '../../stages/spice-refresh/parameters';
import { SpiceRefreshStack } from '../../stages/spice-refresh/spice-refresh';
import { StreamIngestionParameters } from '../../stages/stream-ingestion/parameters';
import { StreamIngestionStack } from '../../stages/stream-ingestion/stream-ingestion';
import { OrganizationsEventsForwarder } from '../../stages/baseliner/forwarder';
import { ApiFacadeStack } from '../../stages/api-facade/api-facade';
import { ApiFacadeParameters } from '../../stages/api-facade/parameters';
import { BundledAppsStack } from '../../stages/bundled-apps/bundled-apps';
import { BundledAppsParameters } from '../../stages/bundled-apps/parameters';
import { CrudMicroserviceStack } from '../../stages/crud-microservice/crud-microservice';
import { CrudMicroserviceParameters } from '../../stages/crud-microservice/parameters';
import { ImageOptimizerStack } from '../../stages/image-optimizer/image-optimizer';
import { ImageOptimizerParameters } from '../../stages/image-optimizer/parameters';
import { IotItsmStack } from '../../stages/iot-itsm/iot-itsm';
import { IotItsmParameters } from '../../stages/iot-itsm/parameters';

import { FakeBotBlockerStack } from '../../stages/fake-bot-blocker/fake-bot-blocker';
import { FakeBotBlockerParameters } from '../../stages/fake-bot-blocker/parameters';

const env = { account: '444444444444', region: 'eu-west-1' };

const SIS_SECRET = 'arn:aws:secretsmanager:eu-west-1:444444444444:secret:sis-AbCdEf';
const CUSTOM_DOMAIN = { domainName: 'app.example.com', certificateArn: 'arn:aws:acm:us-east-1:444444444444:certificate/0d5e5a1c-1111-4222-8333-944444444444' };

describe.each([
  [
    'data-lake (DMS and Redshift on)',
    (app: ReturnType<typeof newApp>) =>
      new DataLakeStack(app, 'DataLake', {
        parameters: DataLakeParameters.parse({ dms: { enabled: true, sourceSecretArn: SIS_SECRET, databaseName: 'sis', sourceEngine: 'sqlserver' }, redshift: { enabled: true } }),
        env,
      }),
  ],
  [
    'spice-refresh (datasets mapped)',
    (app: ReturnType<typeof newApp>) => new SpiceRefreshStack(app, 'SpiceRefresh', { parameters: SpiceRefreshParameters.parse({ datasetIds: ['trips'], notifyEmail: 'bi@example.com' }), env }),
  ],
  ['stream-ingestion', (app: ReturnType<typeof newApp>) => new StreamIngestionStack(app, 'StreamIngestion', { parameters: StreamIngestionParameters.parse({}), env })],
  ['mq-consumer (active-standby)', (app: ReturnType<typeof newApp>) => new MqConsumerStack(app, 'MqConsumer', { parameters: MqConsumerParameters.parse({ deploymentMode: 'active-standby' }), env })],
  ['privatelink-lambda', (app: ReturnType<typeof newApp>) => new PrivatelinkLambdaStack(app, 'PrivatelinkLambda', { parameters: PrivatelinkLambdaParameters.parse({}), env })],
  [
    'crud-microservice (your own JWT issuer)',
    (app: ReturnType<typeof newApp>) =>
      new CrudMicroserviceStack(app, 'Crud', {
        parameters: CrudMicroserviceParameters.parse({ jwt: { issuer: 'https://login.example.com/', audience: ['items'] }, corsOrigins: ['https://app.example.com'] }),
        env,
      }),
  ],
  ['crud-microservice (Cognito, MFA required)', (app: ReturnType<typeof newApp>) => new CrudMicroserviceStack(app, 'Crud', { parameters: CrudMicroserviceParameters.parse({ mfa: 'required' }), env })],
  ['bundled-apps (custom domain)', (app: ReturnType<typeof newApp>) => new BundledAppsStack(app, 'Bundled', { parameters: BundledAppsParameters.parse({ customDomain: CUSTOM_DOMAIN }), env })],
  [
    'image-optimizer (custom domain, alarms by email)',
    (app: ReturnType<typeof newApp>) => new ImageOptimizerStack(app, 'Images', { parameters: ImageOptimizerParameters.parse({ customDomain: CUSTOM_DOMAIN, notifyEmail: 'media@example.com' }), env }),
  ],
  [
    'api-facade (private endpoint, given secret)',
    (app: ReturnType<typeof newApp>) =>
      new ApiFacadeStack(app, 'Facade', {
        parameters: ApiFacadeParameters.parse({ backendUrl: 'https://legacy.example.com/svc', backendSecretArn: SIS_SECRET, privateEndpoint: { vpcEndpointId: 'vpce-0123456789abcdef0' } }),
        env,
      }),
  ],
  [
    'fake-bot-blocker (REGIONAL on an ALB, Bot Control)',
    (app: ReturnType<typeof newApp>) =>
      new FakeBotBlockerStack(app, 'FakeBots', {
        parameters: FakeBotBlockerParameters.parse({
          scope: 'REGIONAL',
          protectedResourceArn: 'arn:aws:elasticloadbalancing:eu-west-1:444444444444:loadbalancer/app/shop/50dc6c495c0c9188',
          botControl: true,
          notifyEmail: 'security@example.com',
        }),
        env,
      }),
  ],
  [
    'iot-itsm (given ServiceNow secret, alarms by email)',
    (app: ReturnType<typeof newApp>) =>
      new IotItsmStack(app, 'IotItsm', {
        parameters: IotItsmParameters.parse({
          servicenowSecretArn: 'arn:aws:secretsmanager:eu-west-1:444444444444:secret:servicenow-AbCdEf',
          thingName: 'plant-7-core',
          notifyEmail: 'ops@example.com',
        }),
        env,
      }),
  ],
  [
    "the baseliner's us-east-1 forwarder (home Region eu-west-1)",
    (app: ReturnType<typeof newApp>) =>
      new OrganizationsEventsForwarder(app, 'OrgEvents', { homeRegion: 'eu-west-1', notifyEmail: 'platform-team@example.com', env: { account: '111111111111', region: 'us-east-1' } }),
  ],
])('%s', (_id, build) => {
  it('synthesizes with every guard on and no finding left unacknowledged', () => {
    const outdir = fs.mkdtempSync(path.join(os.tmpdir(), 'guards-'));
    const app = newApp({ 'aws:cdk:bundling-stacks': [] }, outdir);
    build(app);
    addGuards(app);
    expect(() => app.synth()).not.toThrow();
    const reportFile = path.join(outdir, 'validation-report.json');
    const report = fs.existsSync(reportFile) ? JSON.parse(fs.readFileSync(reportFile, 'utf8')) : { pluginReports: [] };
    for (const plugin of report.pluginReports) expect([plugin.pluginName, plugin.violations]).toEqual([plugin.pluginName, []]);
  });

  it('raises an alarm for every dead-letter queue', () => {
    const outdir = fs.mkdtempSync(path.join(os.tmpdir(), 'dlq-'));
    const app = newApp({ 'aws:cdk:bundling-stacks': [], guards: false }, outdir);
    build(app);
    const assembly = app.synth();
    for (const file of templateFiles(assembly.directory)) expect([path.basename(file), deadLetterQueuesWithoutAlarm(JSON.parse(fs.readFileSync(file, 'utf8')))]).toEqual([path.basename(file), []]);
  });
});
