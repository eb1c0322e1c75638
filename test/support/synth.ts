import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import type { CloudAssembly } from 'aws-cdk-lib/cx-api';
import { buildApp } from '../../pipeline/app';
import { newApp } from '../../pipeline/app-context';

/** Synthesizes the whole app for a config dir, as `cdk synth -c config=DIR` would (guards on unless said). */
export function synthOrganization(configDir: string, context: Record<string, unknown> = {}): { assembly: CloudAssembly; outdir: string; app: ReturnType<typeof buildApp>['app'] } {
  const outdir = fs.mkdtempSync(path.join(os.tmpdir(), 'synth-'));
  const { app, ok, errors } = buildApp(newApp({ config: configDir, ...context }, outdir));
  if (!ok) throw new Error(errors.join('\n'));
  return { assembly: app.synth(), outdir, app };
}
