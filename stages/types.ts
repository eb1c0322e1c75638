/**
 * What a pattern is, to the registry and the planner. Only types and zod here, so the planner
 * stays a pure function that can be tested without CDK.
 */
import type { z } from 'zod';
import type { Construct } from 'constructs';
import type { Stage, StageProps } from 'aws-cdk-lib';

/** Where one copy of a pattern goes. */
export interface DeploymentTarget {
  readonly accountName: string;
  readonly accountId: string;
  readonly region: string;
}

/** What a stage may know of the organization beyond its own target. */
export interface OrganizationContext {
  readonly managementAccount: string;
  readonly homeRegion: string;
  readonly organizationId?: string;
  /** Governed Regions. */
  readonly regions: readonly string[];
  /** Every account of the organization config, management included. */
  readonly accounts: ReadonlyArray<{ readonly name: string; readonly id: string; readonly ou: string }>;
  /** The config directory the plan came from (the baseliner ships baseline.yaml and updates/ from it). */
  readonly configDir: string;
}

export interface PatternStageProps<P> extends StageProps {
  readonly target: DeploymentTarget;
  readonly parameters: P;
  readonly organization: OrganizationContext;
}

export interface PatternDefinition<S extends z.ZodType = z.ZodType> {
  /** The id users write in delivery.yaml; also the folder name under stages/ and functions/. */
  readonly id: string;
  /** One line for `plan --list-patterns` and the README. */
  readonly description: string;
  /** The pattern's parameters, with defaults; unknown keys are errors. */
  readonly parameters: S;
  /**
   * Whether the pattern may go to this account and Region with these parameters. Returns the
   * problem and its fix when it may not (a CLOUDFRONT-scoped web ACL only in us-east-1; the
   * baseliner only in the management account's home Region).
   */
  readonly targetRule?: (parameters: z.output<S>, target: DeploymentTarget, organization: Omit<OrganizationContext, 'configDir'>) => { problem: string; fix: string } | undefined;
  /** How many CloudFormation stacks one stage of this pattern deploys (2 pipeline actions each). */
  readonly stacksPerStage: number | ((parameters: z.output<S>, organization: Omit<OrganizationContext, 'configDir'>) => number);
  /**
   * Names of the file assets one stage publishes (Lambda bundles, CDK handlers, product templates).
   * Every copy of a pattern shares them, and patterns that share an asset (a CDK handler, a bundle
   * reused by a catalog product) name it alike, so the planner counts each asset once.
   */
  readonly assets: readonly string[];
  /** Builds the stage for one (account, Region). */
  readonly createStage: (scope: Construct, id: string, props: PatternStageProps<z.output<S>>) => Stage;
}

/** Ids that are reserved for work that has not landed: a plan naming one is refused. */
export interface PlannedPattern {
  readonly id: string;
  readonly description: string;
}

export interface Registry {
  readonly patterns: ReadonlyMap<string, PatternDefinition>;
  readonly planned: ReadonlyMap<string, PlannedPattern>;
}
