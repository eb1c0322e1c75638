/**
 * `npm run catalog:snapshot`: writes the template of each versioned product's current version to
 * product-stack-snapshots/ (with `--check`, only says which differ). Commit the files: they are how
 * old versions stay provisionable after the code moves on.
 */
import * as fs from 'node:fs';
import { generatedFilesCommand, runCommand } from './command-line';
import * as os from 'node:os';
import * as path from 'node:path';
import { defaultConfigDir, loadConfigOrThrow } from '../../accounts/loader';
import { newApp } from '../app-context';
import { organizationContext } from '../organization-context';
import { CatalogStack, snapshotFile } from '../../catalog-products/catalog';
import { CatalogParameters } from '../../catalog-products/parameters';

/** A product template without what names where it was synthesized (construct paths, CDK metadata). */
export function normalizeProductTemplate(text: string): string {
  const t = JSON.parse(text) as { Resources?: Record<string, { Type: string; Metadata?: Record<string, unknown> }>; Conditions?: Record<string, unknown> };
  for (const [id, r] of Object.entries(t.Resources ?? {})) {
    if (r.Type === 'AWS::CDK::Metadata') delete t.Resources![id];
    else if (r.Metadata) {
      delete r.Metadata['aws:cdk:path'];
      if (Object.keys(r.Metadata).length === 0) delete r.Metadata;
    }
  }
  if (t.Conditions) {
    delete t.Conditions.CDKMetadataAvailable;
    if (Object.keys(t.Conditions).length === 0) delete t.Conditions;
  }
  return `${JSON.stringify(t, null, 2)}\n`;
}

/** The current versions' templates, keyed by snapshot file. */
export function currentProductTemplates(configDir: string = defaultConfigDir()): Map<string, string> {
  const outdir = fs.mkdtempSync(path.join(os.tmpdir(), 'catalog-snapshot-'));
  const app = newApp({ 'aws:cdk:bundling-stacks': [], guards: false }, outdir);
  const config = loadConfigOrThrow(configDir);
  const org = organizationContext(config);
  const catalog = new CatalogStack(app, 'Catalog', { parameters: CatalogParameters.parse({}), organization: org, env: { account: org.managementAccount, region: org.homeRegion } });
  app.synth();
  return new Map(catalog.versioned.map((v) => [snapshotFile(v.product, v.version), normalizeProductTemplate(fs.readFileSync(path.join(outdir, v.stack.templateFile), 'utf8'))]));
}

const parseFlags = generatedFilesCommand(
  'catalog:snapshot',
  'write the templates of new product versions to catalog-products/product-stack-snapshots/ (released ones are never overwritten)',
  'write nothing; exit 1 when a product changed under a released version name or a snapshot is missing',
);

function main(argv: string[]): number {
  const check = parseFlags(argv);
  if (check === undefined) return 0;
  let stale = 0;
  for (const [file, text] of currentProductTemplates()) {
    const current = fs.existsSync(file) ? fs.readFileSync(file, 'utf8') : undefined;
    if (current === text) continue;
    if (current !== undefined && check) {
      stale++;
      process.stderr.write(`${path.relative(process.cwd(), file)}: the product changed but its version did not; give it a new version name in catalog-products/catalog.ts\n`);
    } else if (current !== undefined) {
      stale++;
      process.stderr.write(`${path.relative(process.cwd(), file)}: refusing to overwrite a released version; give the product a new version name\n`);
    } else if (!check) {
      fs.mkdirSync(path.dirname(file), { recursive: true });
      fs.writeFileSync(file, text);
      process.stdout.write(`wrote ${path.relative(process.cwd(), file)}\n`);
    } else {
      stale++;
      process.stderr.write(`${path.relative(process.cwd(), file)} is missing: run npm run catalog:snapshot\n`);
    }
  }
  return stale > 0 ? 1 : 0;
}

if (require.main === module) void runCommand(() => main(process.argv.slice(2)));
