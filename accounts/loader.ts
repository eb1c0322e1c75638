/**
 * Reads a config directory into typed objects, or into every issue found at once, and merges the
 * generated organization file into the hand-written one. Layers, as in Landing Zone Accelerator:
 * YAML syntax → schema (here) → cross-checks (cross-checks.ts). It knows nothing of patterns: the
 * planner checks config against the registry.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import * as yaml from 'js-yaml';
import type { z } from 'zod';
import { CONFIG_FILES, type Config } from './config';
import { crossChecks } from './cross-checks';
import { ConfigError, type ConfigIssue } from './issues';
import { Baseline, Delivery, GeneratedOrganization, Organization, UpdateFile } from './schema';
import { fromZodIssues } from './zod-issues';

/** The sample organization shipped with the repository: the default `--config`. */
export const DEFAULT_CONFIG_DIR = path.resolve(__dirname);

/** The default config directory as a user would write it from here (`accounts` in the repository). */
export function defaultConfigDir(cwd: string = process.cwd()): string {
  const rel = path.relative(cwd, DEFAULT_CONFIG_DIR);
  return rel && !rel.startsWith('..') ? rel : DEFAULT_CONFIG_DIR;
}

export interface LoadResult {
  /** Present when every file parsed and matched its schema (cross-check issues may still exist). */
  readonly config?: Config;
  readonly issues: ConfigIssue[];
}

/** Loads and validates a config directory; never throws for bad content. */
export function loadConfig(dir: string = defaultConfigDir()): LoadResult {
  const issues: ConfigIssue[] = [];
  const shown = (name: string) => path.join(dir, name);
  if (!fs.existsSync(dir) || !fs.statSync(dir).isDirectory()) {
    return { issues: [{ file: dir, path: '', problem: 'no such config directory', fix: 'pass --config DIR with organization.yaml and delivery.yaml in it' }] };
  }
  const unreadable = unreadableIssue(dir, 'folder');
  if (unreadable) return { issues: [unreadable] };

  const organization = parseFile(shown(CONFIG_FILES.organization), Organization, issues, true);
  const generated = parseFile(shown(CONFIG_FILES.generated), GeneratedOrganization, issues, false);
  const delivery = parseFile(shown(CONFIG_FILES.delivery), Delivery, issues, true);
  const baselineFileIssues = issues.length;
  const parsedBaseline = parseFile(shown(CONFIG_FILES.baseline), Baseline, issues, false);
  const baselineParsed = issues.length === baselineFileIssues;
  const baseline = parsedBaseline ?? Baseline.parse({});
  const updates: Array<{ file: string; content: UpdateFile }> = [];
  const updatesDir = path.join(dir, CONFIG_FILES.updates);
  const updatesUnreadable = fs.existsSync(updatesDir) ? unreadableIssue(updatesDir, fs.statSync(updatesDir).isDirectory() ? 'folder' : 'file') : undefined;
  if (updatesUnreadable) issues.push(updatesUnreadable);
  else if (fs.existsSync(updatesDir) && !fs.statSync(updatesDir).isDirectory()) {
    issues.push({
      file: shown(CONFIG_FILES.updates),
      path: '',
      problem: 'is a file; update files go in a folder of this name',
      fix: `make ${CONFIG_FILES.updates} a folder of <name>.yaml files (or remove it: no rollout is pending)`,
    });
  } else if (fs.existsSync(updatesDir)) {
    for (const name of fs
      .readdirSync(updatesDir)
      .filter((n) => /\.ya?ml$/i.test(n))
      .sort()) {
      const file = shown(path.join(CONFIG_FILES.updates, name));
      const refused = updateFileNameIssue(name);
      if (refused) {
        issues.push({ file, path: '', ...refused });
        continue;
      }
      const content = parseFile(file, UpdateFile, issues, true);
      if (content) updates.push({ file, content });
    }
  }
  if (!organization || !delivery) return { issues };
  const parseIssues = issues.length;

  const merged = generated ? mergeGenerated(organization, generated) : organization;
  const kept = generated ? generatedAccountsKept(organization, generated) : [];
  const accountOrigins = [...organization.accounts.map((_, index) => ({ file: shown(CONFIG_FILES.organization), index })), ...kept.map((index) => ({ file: shown(CONFIG_FILES.generated), index }))];
  const config: Config = { dir, organization: merged, delivery, baseline, updates, accountOrigins };
  // Every check whose files parsed runs, so a broken baseline.yaml does not hide a delivery.yaml error.
  issues.push(...crossChecks(config, { baselineParsed }));
  // A config is returned only when every file parsed: callers never see a stand-in for a broken file.
  return parseIssues > 0 ? { issues } : { config, issues };
}

/** A file or folder this process may not read: said so, rather than reported as missing. */
function unreadableIssue(target: string, kind: 'file' | 'folder'): ConfigIssue | undefined {
  try {
    fs.accessSync(target, kind === 'folder' ? fs.constants.R_OK | fs.constants.X_OK : fs.constants.R_OK);
    return undefined;
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code ?? 'error';
    return {
      file: target,
      path: '',
      problem: `the ${kind} cannot be read (${code})`,
      fix: `give the user running this read${kind === 'folder' ? ' and search (x)' : ''} permission: chmod ${kind === 'folder' ? 'u+rx' : 'u+r'} ${target}`,
    };
  }
}

/** Update file names the baseliner runs: `updates/*.yaml`, in characters that S3 keys and events carry unchanged. */
export const UPDATE_FILE_NAME = /^[A-Za-z0-9][A-Za-z0-9._-]*\.yaml$/;

/** Why an update file's name is refused, or nothing: a file the baseliner would never run is an error here, not a silent no-op there. */
export function updateFileNameIssue(name: string): { problem: string; fix: string } | undefined {
  if (/\.yml$/i.test(name) || /\.YAML$/.test(name)) {
    return { problem: 'update files end in .yaml: the baseliner runs updates/*.yaml only, so this one would be uploaded and never run', fix: `rename it to ${name.replace(/\.ya?ml$/i, '.yaml')}` };
  }
  if (!UPDATE_FILE_NAME.test(name)) {
    return {
      problem: `"${name}" has characters that S3 encodes in keys and events (spaces, %, +, and others)`,
      fix: `rename it with letters, digits, ".", "_" and "-" only, for example ${
        name
          .replace(/\.yaml$/, '')
          .replace(/[^A-Za-z0-9._-]+/g, '-')
          .replace(/^[^A-Za-z0-9]+|-+$/g, '') || 'update'
      }.yaml`,
    };
  }
  return undefined;
}

/** Loads a config or throws one ConfigError listing every issue. */
export function loadConfigOrThrow(dir?: string): Config {
  const { config, issues } = loadConfig(dir);
  if (!config || issues.length > 0) throw new ConfigError(issues);
  return config;
}

function parseFile<S extends z.ZodType>(file: string, schema: S, issues: ConfigIssue[], required: boolean): z.output<S> | undefined {
  if (!fs.existsSync(file)) {
    if (required) issues.push({ file, path: '', problem: 'file not found', fix: 'create it; see the sample in accounts/ and README "Configuration"' });
    return undefined;
  }
  if (fs.statSync(file).isDirectory()) {
    issues.push({ file, path: '', problem: 'is a folder, not a YAML file', fix: `replace it with the file ${path.basename(file)}` });
    return undefined;
  }
  const unreadable = unreadableIssue(file, 'file');
  if (unreadable) {
    issues.push(unreadable);
    return undefined;
  }
  let data: unknown;
  try {
    data = yaml.load(fs.readFileSync(file, 'utf8'), { filename: file });
  } catch (err) {
    const e = err as { reason?: string; mark?: { line: number; column: number }; message: string };
    const where = e.mark ? `line ${e.mark.line + 1}, column ${e.mark.column + 1}` : '';
    issues.push({ file, path: where, problem: `YAML syntax: ${e.reason ?? e.message}` });
    return undefined;
  }
  if (data === undefined || data === null) data = {};
  const result = schema.safeParse(data);
  if (!result.success) {
    issues.push(...fromZodIssues(file, schema, data, result.error.issues));
    return undefined;
  }
  return result.data;
}

/** Indexes of the synced accounts that the merge keeps: those organization.yaml does not name (by id or name). */
function generatedAccountsKept(org: Organization, gen: GeneratedOrganization): number[] {
  const ids = new Set(org.accounts.map((a) => a.id));
  const names = new Set(org.accounts.map((a) => a.name));
  return gen.accounts.flatMap((a, i) => (!ids.has(a.id) && !names.has(a.name) ? [i] : []));
}

/** Synced accounts and OUs fill in; hand-written entries (same id or name) win. */
export function mergeGenerated(org: Organization, gen: GeneratedOrganization): Organization {
  const extra = generatedAccountsKept(org, gen).map((i) => gen.accounts[i]);
  const ous = [...org.organizationalUnits, ...gen.organizationalUnits.filter((ou) => !org.organizationalUnits.includes(ou))];
  return { ...org, organizationalUnits: ous, organizationalUnitIds: { ...gen.organizationalUnitIds, ...org.organizationalUnitIds }, accounts: [...org.accounts, ...extra] };
}
