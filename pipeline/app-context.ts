import * as fs from 'node:fs';
import * as path from 'node:path';
import { App } from 'aws-cdk-lib';

/**
 * A new App with cdk.json's context (feature flags), as the CLI would give it. The app, tests,
 * benches and the plan command all build through here, so they synthesize the same thing.
 * CDK's built-in template validation is registered by the guards instead (see guards.ts).
 */
export function newApp(context: Record<string, unknown> = {}, outdir?: string): App {
  const cdkJson = JSON.parse(fs.readFileSync(path.join(__dirname, '..', 'cdk.json'), 'utf8')) as { context: Record<string, unknown> };
  return new App({ builtinCloudFormationValidation: false, context: { ...cdkJson.context, ...context }, outdir });
}
