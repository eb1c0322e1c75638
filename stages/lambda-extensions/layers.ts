import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { AssetHashType, CfnMapping, DockerImage, Fn, Aws } from 'aws-cdk-lib';
import * as appconfig from 'aws-cdk-lib/aws-appconfig';
import * as lambda from 'aws-cdk-lib/aws-lambda';
import { RegionInfo } from 'aws-cdk-lib/region-info';
import type { Construct } from 'constructs';
import { REPO_ROOT } from '../shared/pattern-function';

/** The extension's file name under /opt/extensions: Lambda starts it, and it registers by this name. */
export const EXTENSION_NAME = 'lifecycle-logger';
const PACKAGE = `./lambda-extensions/${EXTENSION_NAME}`;

/**
 * The AppConfig agent layer's ARN per Region and architecture, from aws-cdk-lib's own table
 * (appconfig.Application.getLambdaLayerVersionArn), for every Region that has both. AWS publishes
 * a layer per Region from a Region-specific account, so one ARN cannot serve a StackSet's Regions.
 */
export function appConfigAgentLayers(): Record<string, { arm64: string; x8664: string }> {
  const rows: Record<string, { arm64: string; x8664: string }> = {};
  for (const region of RegionInfo.regions.map((r) => r.name).sort()) {
    const arm64 = appconfig.Application.getLambdaLayerVersionArn(region, appconfig.Platform.ARM_64);
    const x8664 = appconfig.Application.getLambdaLayerVersionArn(region, appconfig.Platform.X86_64);
    if (arm64 && x8664) rows[region] = { arm64, x8664 };
  }
  return rows;
}

/** The agent layer for the stack's own Region (arm64), looked up at deploy time in a CfnMapping. */
export function appConfigAgentLayer(scope: Construct, id: string): lambda.ILayerVersion {
  const mapping = new CfnMapping(scope, `${id}Arns`, { mapping: appConfigAgentLayers() });
  return lambda.LayerVersion.fromLayerVersionArn(scope, id, Fn.findInMap(mapping.logicalId, Aws.REGION, 'arm64'));
}

/** Builds the extension for arm64 Linux into <outputDir>/extensions/<name>. */
export function buildExtension(outputDir: string): void {
  const dir = path.join(outputDir, 'extensions');
  fs.mkdirSync(dir, { recursive: true });
  const run = spawnSync('go', ['build', '-trimpath', '-ldflags=-s -w', '-o', path.join(dir, EXTENSION_NAME), PACKAGE], {
    cwd: path.join(REPO_ROOT, 'functions'),
    env: { ...process.env, GOOS: 'linux', GOARCH: 'arm64', CGO_ENABLED: '0' },
    encoding: 'utf8',
  });
  if (run.error) throw run.error;
  if (run.status !== 0) throw new Error(`go build ${PACKAGE} failed:\n${run.stderr}`);
}

/** The lifecycle-logger extension as a layer: /opt/extensions/lifecycle-logger, arm64. */
export function extensionLayer(scope: Construct, id: string): lambda.LayerVersion {
  return new lambda.LayerVersion(scope, id, {
    description: `${EXTENSION_NAME}: external extension that logs each invocation and a shutdown summary`,
    compatibleArchitectures: [lambda.Architecture.ARM_64],
    code: lambda.Code.fromAsset(path.join(REPO_ROOT, 'functions'), {
      // The binary is the asset: Go builds with -trimpath are reproducible, so an unchanged extension keeps its hash.
      assetHashType: AssetHashType.OUTPUT,
      bundling: {
        image: DockerImage.fromRegistry('public.ecr.aws/docker/library/golang:1.26'),
        environment: { GOOS: 'linux', GOARCH: 'arm64', CGO_ENABLED: '0' },
        command: ['bash', '-c', `go build -trimpath -ldflags='-s -w' -o /asset-output/extensions/${EXTENSION_NAME} ${PACKAGE}`],
        local: {
          tryBundle(outputDir: string) {
            buildExtension(outputDir);
            return true;
          },
        },
      },
    }),
  });
}
