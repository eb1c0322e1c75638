import * as fs from 'node:fs';
import * as path from 'node:path';
import { DEFAULT_CONFIG_DIR } from '../../accounts/loader';
import { REPO_ROOT } from '../../stages/shared/pattern-function';

/** Config fixtures live inside the repository (git-ignored .tmp/): synth refuses a config folder outside it. */
export const FIXTURES_DIR = path.join(REPO_ROOT, '.tmp');

const made: string[] = [];
// Fixtures are removed when the test process ends.
process.once('exit', () => {
  for (const dir of made) fs.rmSync(dir, { recursive: true, force: true });
});

/** The patterns of the sample's dev wave (accounts/delivery.yaml), in order: one StackSet each. */
export const SAMPLE_DEV_PATTERNS: readonly string[] = [
  'sns-fifo-jobs',
  'stream-ingestion',
  'mq-consumer',
  'content-aggregator',
  'spice-refresh',
  'data-lake',
  'crud-microservice',
  'bundled-apps',
  'image-optimizer',
  'api-facade',
  'lambda-extensions',
  'lambda-storage',
  'fake-bot-blocker',
  'iot-itsm',
];

export type Edit = string | ((original: string) => string) | null;

/**
 * A copy of the sample organization in a temp dir, with some files replaced or edited
 * (null deletes a file). Returns the directory.
 */
export function configFixture(edits: Record<string, Edit> = {}): string {
  fs.mkdirSync(FIXTURES_DIR, { recursive: true });
  const dir = fs.mkdtempSync(path.join(FIXTURES_DIR, 'config-'));
  made.push(dir);
  for (const name of ['organization.yaml', 'delivery.yaml', 'baseline.yaml']) {
    fs.copyFileSync(path.join(DEFAULT_CONFIG_DIR, name), path.join(dir, name));
  }
  fs.mkdirSync(path.join(dir, 'updates'));
  for (const [name, edit] of Object.entries(edits)) {
    const file = path.join(dir, name);
    if (edit === null) {
      fs.rmSync(file, { force: true });
      continue;
    }
    const original = fs.existsSync(file) ? fs.readFileSync(file, 'utf8') : '';
    fs.mkdirSync(path.dirname(file), { recursive: true });
    fs.writeFileSync(file, typeof edit === 'function' ? edit(original) : edit);
  }
  return dir;
}

/** Replaces exactly one occurrence, so a fixture edit that stops matching fails loudly. */
export function replaceOnce(search: string, replacement: string): (original: string) => string {
  return (original) => {
    const at = original.indexOf(search);
    if (at < 0 || original.indexOf(search, at + 1) >= 0) throw new Error(`fixture: "${search}" must occur exactly once`);
    return original.slice(0, at) + replacement + original.slice(at + search.length);
  };
}

export const ORG_YAML = `management:
  account: "111111111111"
  homeRegion: us-east-1
pipeline:
  repository: example-org/platform-delivery
  connectionArn: arn:aws:codeconnections:us-east-1:111111111111:connection/0a1b2c3d-0000-4000-8000-000000000000
regions: [us-east-1, eu-west-1]
organizationalUnits: [Workloads, Workloads/Dev]
accounts:
  - { name: management, id: "111111111111", email: root@example.com, ou: Root }
  - { name: dev, id: "444444444444", email: dev@example.com, ou: Workloads/Dev }
`;
