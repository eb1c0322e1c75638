/**
 * What a pattern is, to the registry and the planner. Only types and zod here, so the planner
 * stays a pure function that can be tested without CDK.
 */
import type { z } from 'zod';
import type { Construct } from 'constructs';
import type { Environment, IStackSynthesizer, Stack, Stage, StageProps } from 'aws-cdk-lib';
import type { ConfigIssue } from '../accounts/issues';
import type { Config } from '../accounts/config';

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
  /** The delivery pipeline's name (organization.yaml pipeline.name). */
  readonly pipelineName: string;
  readonly organizationId?: string;
  /** Governed Regions. */
  readonly regions: readonly string[];
  /** Governed OUs (organization.yaml organizationalUnits), as paths from the root. */
  readonly organizationalUnits: readonly string[];
  /** Every account of the organization config, management included. */
  readonly accounts: ReadonlyArray<{ readonly name: string; readonly id: string; readonly ou: string }>;
  /** The config directory the plan came from (the baseliner ships baseline.yaml and updates/ from it). */
  readonly configDir: string;
}

/** What a workload pattern's stack is built from, in either delivery mode. */
export interface PatternStackProps<P> {
  readonly parameters: P;
  readonly stackName?: string;
  /** Absent in StackSet mode: the template then serves every account and Region. */
  readonly env?: Environment;
  /** StackSet mode gives a synthesizer that writes the template for the StackSet and sends the assets to the regional asset buckets. */
  readonly synthesizer?: IStackSynthesizer;
}

export interface PatternStageProps<P> extends StageProps {
  readonly target: DeploymentTarget;
  readonly parameters: P;
  readonly organization: OrganizationContext;
}

/** A problem with one placement of a pattern, and its fix. */
export type TargetRule<P> = (parameters: P, target: DeploymentTarget, organization: Omit<OrganizationContext, 'configDir'>) => { problem: string; fix: string } | undefined;

interface PatternBase<S extends z.ZodType> {
  /** The id users write in delivery.yaml; also the folder name under stages/ and functions/. */
  readonly id: string;
  /** One line for `plan --list-patterns` and the README. */
  readonly description: string;
  /** The pattern's parameters, with defaults; unknown keys are errors. */
  readonly parameters: S;
  /**
   * Whether the pattern may go to this account and Region with these parameters. Returns the
   * problem and its fix when it may not (QuickSight Regions only; the baseliner only in the
   * management account's home Region).
   */
  readonly targetRule?: TargetRule<z.output<S>>;
  /** What targetRule allows, in words, for `plan --list-patterns` (default: any governed account and Region). */
  readonly targetLimits?: string;
}

/**
 * A workload pattern: one environment-agnostic stack, the same class in both delivery modes
 * (a CDK Stage per account and Region, or the template of a StackSet) and in a catalog product.
 */
export interface WorkloadPattern<S extends z.ZodType = z.ZodType> extends PatternBase<S> {
  readonly kind: 'workload';
  /** Construct id of the stack (its logical ids and asset paths follow from it). */
  readonly stackId: string;
  readonly createStack: (scope: Construct, id: string, props: PatternStackProps<z.output<S>>) => Stack;
}

/** A platform part in the management account (baseliner, catalog): a stage of its own, CDK Stages only. */
export interface PlatformPattern<S extends z.ZodType = z.ZodType> extends PatternBase<S> {
  readonly kind: 'platform';
  /** It creates the regional asset buckets that StackSet templates read their code from (the catalog). */
  readonly providesStackSetAssetBuckets?: boolean;
  /** Config it must agree with beyond its own parameters (the catalog: baseline.yaml and the update files name its products). */
  readonly configIssues?: (parameters: z.output<S>, config: Config) => ConfigIssue[];
  readonly createStage: (scope: Construct, id: string, props: PatternStageProps<z.output<S>>) => Stage;
}

export type PatternDefinition<S extends z.ZodType = z.ZodType> = WorkloadPattern<S> | PlatformPattern<S>;

/** Ids that are reserved for work that has not landed: a plan naming one is refused. */
export interface PlannedPattern {
  readonly id: string;
  readonly description: string;
}

export interface Registry {
  readonly patterns: ReadonlyMap<string, PatternDefinition>;
  readonly planned: ReadonlyMap<string, PlannedPattern>;
}
