/**
 * Generated Control Tower organizations for the scale benchmarks and the planner's tests: nested
 * OUs with ids, accounts spread over them, and a delivery.yaml of dev, staging and prod waves.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { REGISTRY } from '../pipeline/registry';

/** Parameters a pattern cannot do without, for a generated organization. */
export const REQUIRED_PARAMETERS: Readonly<Record<string, Record<string, unknown>>> = {
  'content-aggregator': { repository: 'example-org/serverless-site' },
  'api-facade': { backendUrl: 'https://legacy.example.com/CustomerService.svc' },
};

/**
 * The Regions a pattern with its generated parameters may go to, by its own Region rule (a
 * CLOUDFRONT web ACL in us-east-1 only, QuickSight or Greengrass Regions), as a user would narrow it.
 */
export function allowedRegions(id: string, regions: readonly string[]): string[] {
  const pattern = REGISTRY.patterns.get(id);
  if (!pattern?.targetRule) return [...regions];
  const parameters: unknown = pattern.parameters.parse(REQUIRED_PARAMETERS[id] ?? {});
  const organization = { managementAccount: '111111111111', homeRegion: regions[0], pipelineName: 'platform-delivery', regions, organizationalUnits: [], accounts: [] };
  const rule = pattern.targetRule as (p: unknown, t: { accountName: string; accountId: string; region: string }, o: typeof organization) => unknown;
  return regions.filter((region) => rule(parameters, { accountName: 'generated', accountId: '200000000000', region }, organization) === undefined);
}

/** Every workload pattern of the registry. */
export function workloadPatterns(): string[] {
  return [...REGISTRY.patterns.values()].filter((p) => p.kind === 'workload').map((p) => p.id);
}

export interface GeneratedOrganizationOptions {
  /** Member accounts, spread over Workloads/{Dev,Staging,Prod}/Team<n> (nested OUs). */
  readonly accounts: number;
  readonly regions: readonly string[];
  readonly patterns: readonly string[];
  /** How the waves are delivered: StackSets by OU, or CDK Stages by account list. */
  readonly mode: 'stackset' | 'stages';
  /** Teams (OUs) under each environment OU. */
  readonly teams?: number;
}

export const ENVIRONMENTS = ['Dev', 'Staging', 'Prod'] as const;

/** organization.yaml and delivery.yaml of a generated organization, as text. */
export function generatedOrganization(options: GeneratedOrganizationOptions): { organization: string; delivery: string } {
  const teams = options.teams ?? 4;
  const ous = ['Workloads', ...ENVIRONMENTS.flatMap((env) => [`Workloads/${env}`, ...Array.from({ length: teams }, (_, t) => `Workloads/${env}/Team${t}`)])];
  const ouIds: Record<string, string> = Object.fromEntries([['Root', 'r-a1b2'], ...ous.map((ou, i) => [ou, `ou-a1b2-${String(10000000 + i)}`])]);
  const accounts = Array.from({ length: options.accounts }, (_, i) => {
    const env = ENVIRONMENTS[i % ENVIRONMENTS.length];
    return { name: `${env.toLowerCase()}-${i}`, id: String(200000000000 + i), ou: `Workloads/${env}/Team${Math.floor(i / ENVIRONMENTS.length) % teams}` };
  });
  const organization = `management: { account: "111111111111", homeRegion: ${options.regions[0]}, organizationId: o-a1b2c3d4e5 }
pipeline:
  repository: example-org/platform-delivery
  connectionArn: arn:aws:codeconnections:${options.regions[0]}:111111111111:connection/0a1b2c3d-0000-4000-8000-000000000000
regions: [${options.regions.join(', ')}]
organizationalUnits: [${ous.join(', ')}]
organizationalUnitIds:
${Object.entries(ouIds)
  .map(([ou, id]) => `  ${ou}: ${id}`)
  .join('\n')}
accounts:
  - { name: management, id: "111111111111", email: root@example.com, ou: Root }
${accounts.map((a) => `  - { name: ${a.name}, id: "${a.id}", email: ${a.name}@example.com, ou: ${a.ou} }`).join('\n')}
`;
  const patterns = options.patterns
    .map((id) => {
      const regions = allowedRegions(id, options.regions);
      if (!REQUIRED_PARAMETERS[id] && regions.length === options.regions.length) return id;
      const narrowed = regions.length === options.regions.length ? '' : `, regions: [${regions.join(', ')}]`;
      return `{ id: ${id}${REQUIRED_PARAMETERS[id] ? `, parameters: ${JSON.stringify(REQUIRED_PARAMETERS[id])}` : ''}${narrowed} }`;
    })
    .join(', ');
  const target = (env: string) =>
    options.mode === 'stackset'
      ? `{ organizationalUnits: [Workloads/${env}], regions: [${options.regions.join(', ')}] }`
      : `{ accounts: [${accounts
          .filter((a) => a.ou.startsWith(`Workloads/${env}/`))
          .map((a) => a.name)
          .join(', ')}], regions: [${options.regions.join(', ')}] }`;
  const waves = ENVIRONMENTS.filter((env) => options.mode === 'stackset' || accounts.some((a) => a.ou.startsWith(`Workloads/${env}/`))).map(
    (env) => `  - name: ${env.toLowerCase()}\n    approval: ${env === 'Prod'}\n    targets: [${target(env)}]\n    patterns: [${patterns}]`,
  );
  const delivery = `waves:
  - name: platform
    targets: [{ accounts: [management], regions: [${options.regions[0]}] }]
    patterns: [catalog]
${waves.join('\n')}
`;
  return { organization, delivery };
}

/** Writes a generated organization into `dir` (created). */
export function writeGeneratedOrganization(dir: string, options: GeneratedOrganizationOptions): void {
  const { organization, delivery } = generatedOrganization(options);
  fs.mkdirSync(path.join(dir, 'updates'), { recursive: true });
  fs.writeFileSync(path.join(dir, 'organization.yaml'), organization);
  fs.writeFileSync(path.join(dir, 'delivery.yaml'), delivery);
}
