import { Aws, DockerImage, Duration, Stack } from 'aws-cdk-lib';
import * as apigwv2 from 'aws-cdk-lib/aws-apigatewayv2';
import * as s3deploy from 'aws-cdk-lib/aws-s3-deployment';
import type * as s3 from 'aws-cdk-lib/aws-s3';
import { Construct } from 'constructs';
import type { PatternStackProps } from '../types';
import { accessLogsBucket, dataBucket } from '../shared/buckets';
import { PrivateDistribution } from '../shared/cdn';
import { PatternHttpApi } from '../shared/http-api';
import { PatternFunction } from '../shared/pattern-function';
import { patternKey } from '../shared/pattern-key';
import { SiteDeployment } from '../shared/bucket-deployment';
import type { BundledAppsParameters } from './parameters';
import { buildSite, SITE_DIR } from './site-build';

/**
 * The site's asset: built locally by esbuild (TypeScript → dist/), or, where local bundling
 * cannot run, by the same build inside a Node container.
 */
export function siteAsset(): s3deploy.ISource {
  return s3deploy.Source.asset(SITE_DIR, {
    exclude: ['dist', 'node_modules'],
    bundling: {
      image: DockerImage.fromRegistry('public.ecr.aws/docker/library/node:22-slim'),
      // The same build as buildSite, with esbuild's CLI.
      command: [
        'bash',
        '-c',
        'npx --yes esbuild@0.28.2 src/main.ts --bundle --minify --format=esm --target=es2022 --outfile=/asset-output/assets/main.js && cp src/index.html /asset-output/ && cp src/styles.css /asset-output/assets/',
      ],
      local: {
        tryBundle(outputDir: string) {
          try {
            buildSite(outputDir);
            return true;
          } catch (err) {
            // Fall back to Docker only when esbuild itself is missing; a build error stops synth.
            if ((err as NodeJS.ErrnoException).code === 'MODULE_NOT_FOUND') return false;
            throw err;
          }
        },
      },
    },
  });
}

/**
 * A Go function on arm64 behind `GET /hello`, built by GoFunction with its tests run first, and a
 * static site built at synth, served from a private bucket through CloudFront, which learns the
 * API's URL from a config.json written at deploy.
 */
export class BundledApps extends Construct {
  readonly api: PatternHttpApi;
  readonly hello: PatternFunction;
  readonly site: PrivateDistribution;
  readonly bucket: s3.Bucket;

  constructor(scope: Construct, id: string, props: { parameters: BundledAppsParameters }) {
    super(scope, id);
    const p = props.parameters;
    const key = patternKey(this, 'Key', 'bundled-apps: site bucket and logs');
    this.hello = new PatternFunction(this, 'Hello', {
      entry: 'bundled-apps/hello',
      description: 'bundled-apps: GET /hello (Go, provided.al2023, arm64)',
      timeout: Duration.seconds(5),
      memorySize: 128,
      logRetention: p.logRetentionDays,
      key,
      testDuringBundling: true,
      noVpcReason: 'Answers from its own code and calls nothing; a VPC would add cost and no protection.',
      noDeadLetterReason: 'Invoked synchronously by API Gateway, which returns the error to the caller.',
    });

    const accessLogs = accessLogsBucket(this, 'AccessLogs');
    this.bucket = dataBucket(this, 'Site', { key, accessLogs, accessLogsPrefix: 'site/', noncurrentVersionDays: 30 });
    this.site = new PrivateDistribution(this, 'Cdn', {
      bucket: this.bucket,
      description: 'bundled-apps site',
      defaultRootObject: 'index.html',
      // The page calls the API of its own Region; naming the exact API would make the distribution and the API's CORS depend on each other.
      contentSecurityPolicy: `default-src 'self'; connect-src 'self' https://*.execute-api.${Aws.REGION}.amazonaws.com; img-src 'self' data:; frame-ancestors 'none'; base-uri 'self'; form-action 'self'; object-src 'none'`,
      customDomain: p.customDomain,
    });

    this.api = new PatternHttpApi(this, 'Http', {
      description: 'bundled-apps API',
      key,
      logRetention: p.logRetentionDays,
      throttle: p.throttle,
      corsOrigins: [p.customDomain ? `https://${p.customDomain.domainName}` : this.site.url],
    });
    this.api.route('/hello', apigwv2.HttpMethod.GET, this.hello.fn, {
      noAuthorizerReason: 'GET /hello is the public greeting the static site shows to every visitor; it reads nothing and changes nothing, and the stage throttle bounds it.',
    });

    new SiteDeployment(this, 'Publish', {
      sources: [siteAsset(), s3deploy.Source.jsonData('config.json', { apiUrl: this.api.url })],
      bucket: this.bucket,
      key,
      distribution: this.site.distribution,
      logRetention: p.logRetentionDays,
    });
  }
}

export class BundledAppsStack extends Stack {
  readonly apps: BundledApps;
  constructor(scope: Construct, id: string, props: PatternStackProps<BundledAppsParameters>) {
    super(scope, id, { stackName: props.stackName, env: props.env, synthesizer: props.synthesizer, description: 'bundled-apps: Go API and static site bundled by CDK (platform-delivery)' });
    this.apps = new BundledApps(this, 'Apps', { parameters: props.parameters });
  }
}
