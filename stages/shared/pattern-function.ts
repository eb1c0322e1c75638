import * as fs from 'node:fs';
import * as path from 'node:path';
import { Duration, RemovalPolicy, type Size, Validations } from 'aws-cdk-lib';
import type * as ec2 from 'aws-cdk-lib/aws-ec2';
import * as iam from 'aws-cdk-lib/aws-iam';
import type * as kms from 'aws-cdk-lib/aws-kms';
import * as lambda from 'aws-cdk-lib/aws-lambda';
import { NodejsFunction, OutputFormat } from 'aws-cdk-lib/aws-lambda-nodejs';
import { GoFunction, type BundlingOptions } from '@aws-cdk/aws-lambda-go-alpha';
import * as logs from 'aws-cdk-lib/aws-logs';
import type * as sqs from 'aws-cdk-lib/aws-sqs';
import { Construct } from 'constructs';

export const REPO_ROOT = path.resolve(__dirname, '..', '..');
/** Newest Node.js LTS that Lambda supports (2026). */
export const NODE_RUNTIME = lambda.Runtime.NODEJS_24_X;

/** Why a function's role has a `*` resource for active tracing. */
export const XRAY_REASON =
  'Active tracing: xray:PutTraceSegments and xray:PutTelemetryRecords, which CDK grants with tracing on, take no resource ARN. Any other action of this role names its resources (or states its own reason).';

export interface PatternFunctionProps {
  /** `<patternId>/<function>/index.ts` (TypeScript) or `<patternId>/<function>` (a Go main package), relative to functions/. */
  readonly entry: string;
  readonly description: string;
  readonly environment?: Record<string, string>;
  readonly timeout?: Duration;
  readonly memorySize?: number;
  readonly logRetention: logs.RetentionDays;
  /** Key for the environment variables and the log group. */
  readonly key: kms.IKey;
  /** For asynchronous invocations: where failed events go after Lambda's retries. */
  readonly deadLetterQueue?: sqs.IQueue;
  readonly reservedConcurrentExecutions?: number;
  /** The VPC to run in, with its subnets and security groups. */
  readonly network?: { vpc: ec2.IVpc; subnets: ec2.SubnetSelection; securityGroups: ec2.ISecurityGroup[] };
  /**
   * Why this function runs outside a VPC (Control Tower CT.LAMBDA.PR.3 asks for one). Every
   * function either gets a `network` or states this reason.
   */
  readonly noVpcReason?: string;
  /**
   * Why this function has no deadLetterQueue: a DLQ catches failed asynchronous invocations only,
   * so one invoked synchronously (an event source mapping, a Step Functions task, a direct caller)
   * or with an on-failure destination needs none. Every function has a DLQ or states this reason.
   */
  readonly noDeadLetterReason?: string;
  /** Go only: run the package's `go test` before building it, so a failing test fails synth. */
  readonly testDuringBundling?: boolean;
  /**
   * TypeScript only: packages with native binaries for linux-arm64 (sharp), left out of the esbuild
   * bundle and copied into the asset from `nodeModules`, a folder installed for arm64 by setup.
   */
  readonly nativeModules?: { readonly modules: readonly string[]; readonly nodeModules: string };
  /** Layers (extensions under /opt/extensions, shared code under /opt), at most 5. */
  readonly layers?: lambda.ILayerVersion[];
  /** An EFS access point mounted under /mnt (needs a network). */
  readonly filesystem?: lambda.FileSystem;
  /** Size of /tmp (512 MiB unless given, up to 10,240 MiB). */
  readonly ephemeralStorageSize?: Size;
}

/** How a Go main package (relative to the module folder) is built: static, lambda.norpc, stripped; its tests first when asked. */
export function goBundling(packageDir: string, testFirst: boolean): BundlingOptions {
  return {
    cgoEnabled: false,
    goBuildFlags: ['-trimpath', '-tags lambda.norpc', '-ldflags "-s -w"'],
    forcedDockerBundling: false,
    commandHooks: testFirst
      ? {
          // Local bundling runs these in a shell; a non-zero exit of go test stops the bundling, and synth with it.
          // The tests run for the build machine (bundling sets GOOS/GOARCH for the Lambda's arm64 binary).
          beforeBundling: (inputDir: string) => [`cd "${inputDir}" && env -u GOOS -u GOARCH go test -count=1 ./${packageDir}/`],
          afterBundling: () => [],
        }
      : undefined,
  };
}

/**
 * A TypeScript Lambda the way every pattern wants it: arm64, current Node LTS, bundled locally by
 * esbuild (no Docker), minified, its own log group with retention, and a role that may write to
 * that log group only (no AWSLambdaBasicExecutionRole with logs on every group).
 */
export class PatternFunction extends Construct {
  readonly fn: lambda.Function;
  readonly role: iam.Role;

  constructor(scope: Construct, id: string, props: PatternFunctionProps) {
    super(scope, id);
    const logGroup = new logs.LogGroup(this, 'Logs', {
      retention: props.logRetention,
      encryptionKey: props.key,
      removalPolicy: RemovalPolicy.RETAIN,
    });
    this.role = new iam.Role(this, 'Role', {
      assumedBy: new iam.ServicePrincipal('lambda.amazonaws.com'),
      description: `${props.description} (execution role)`,
    });
    logGroup.grantWrite(this.role);
    const common = {
      description: props.description,
      architecture: lambda.Architecture.ARM_64,
      role: this.role,
      // Active tracing: Lambda samples requests into X-Ray (the role gets PutTraceSegments/PutTelemetryRecords).
      tracing: lambda.Tracing.ACTIVE,
      logGroup,
      loggingFormat: lambda.LoggingFormat.JSON,
      environment: props.environment,
      environmentEncryption: props.key,
      timeout: props.timeout ?? Duration.seconds(30),
      memorySize: props.memorySize ?? 256,
      deadLetterQueue: props.deadLetterQueue,
      reservedConcurrentExecutions: props.reservedConcurrentExecutions,
      vpc: props.network?.vpc,
      vpcSubnets: props.network?.subnets,
      securityGroups: props.network?.securityGroups,
      layers: props.layers,
      filesystem: props.filesystem,
      ephemeralStorageSize: props.ephemeralStorageSize,
    };
    this.fn = props.entry.endsWith('.ts') ? this.typeScript(props.entry, common, props.nativeModules) : this.go(props.entry, common, props.testDuringBundling ?? false);
    Validations.of(this.role).acknowledge({ id: 'AwsSolutions::AwsSolutions-IAM5[Resource::*]', reason: XRAY_REASON });
    // Decrypt its own environment variables; nothing broader (CDK's grantEncryptDecrypt adds wildcards).
    props.key.grant(this.role, 'kms:Decrypt');
    if (!props.deadLetterQueue) {
      if (!props.noDeadLetterReason) throw new Error(`${this.node.path}: give the function a deadLetterQueue, or say in noDeadLetterReason why it needs none`);
      Validations.of(this.fn).acknowledge({ id: 'Serverless::Serverless-LambdaDLQ', reason: props.noDeadLetterReason });
    }
    if (!props.network) {
      if (!props.noVpcReason) throw new Error(`${this.node.path}: a function outside a VPC needs noVpcReason`);
      Validations.of(this.fn).acknowledge({ id: 'cdk-validator-cfnguard::lambda_inside_vpc_check', reason: props.noVpcReason });
    } else {
      // Lambda manages the function's network interfaces in the VPC.
      this.role.addToPolicy(
        new iam.PolicyStatement({
          actions: ['ec2:CreateNetworkInterface', 'ec2:DescribeNetworkInterfaces', 'ec2:DeleteNetworkInterface', 'ec2:AssignPrivateIpAddresses', 'ec2:UnassignPrivateIpAddresses'],
          // These EC2 calls accept no resource-level scoping for ENI creation by Lambda.
          resources: ['*'],
        }),
      );
    }
  }

  /** Current Node LTS, bundled locally by esbuild (no Docker), minified. */
  private typeScript(entry: string, common: lambda.FunctionOptions, native?: PatternFunctionProps['nativeModules']): lambda.Function {
    if (native && !fs.existsSync(native.nodeModules))
      throw new Error(`${this.node.path}: ${native.nodeModules} is missing: run npm run setup (it installs the arm64 binaries of ${native.modules.join(', ')})`);
    return new NodejsFunction(this, 'Function', {
      ...common,
      entry: path.join(REPO_ROOT, 'functions', entry),
      handler: 'handler',
      runtime: NODE_RUNTIME,
      projectRoot: REPO_ROOT,
      depsLockFilePath: path.join(REPO_ROOT, 'package-lock.json'),
      bundling: {
        minify: true,
        target: 'node24',
        format: OutputFormat.CJS,
        // The Lambda Node runtime ships SDK v3, but bundling pins the exact version we test with.
        externalModules: native ? [...native.modules] : [],
        forceDockerBundling: false,
        commandHooks: native
          ? {
              beforeBundling: () => [],
              beforeInstall: () => [],
              // The arm64 packages (and their dependencies) beside index.js, where require() finds them.
              afterBundling: (_input: string, outputDir: string) => [`cp -R "${native.nodeModules}" "${outputDir}/node_modules"`],
            }
          : undefined,
      },
    });
  }

  /** One static binary on provided.al2023, built locally by the Go toolchain (no Docker), symbols stripped. */
  private go(entry: string, common: lambda.FunctionOptions, testFirst: boolean): lambda.Function {
    const fn = new GoFunction(this, 'Function', {
      ...common,
      entry: path.join(REPO_ROOT, 'functions', entry),
      moduleDir: path.join(REPO_ROOT, 'functions', 'go.mod'),
      runtime: lambda.Runtime.PROVIDED_AL2023,
      bundling: goBundling(entry, testFirst),
    });
    // GoFunction puts these warnings on its scope, this construct.
    Validations.of(this).acknowledge({
      id: 'Annotation::@aws-cdk/aws-lambda-go-alpha:goBuildFlagsSecurityWarning',
      reason: 'The Go build flags are fixed in this file (trim paths, lambda.norpc, strip symbols), not taken from input.',
    });
    if (testFirst) {
      Validations.of(this).acknowledge({
        id: 'Annotation::@aws-cdk/aws-lambda-go-alpha:commandHooksSecurityWarning',
        reason: 'The one hook is `go test` of this package, fixed in goBundling, not taken from input.',
      });
    }
    return fn;
  }
}
