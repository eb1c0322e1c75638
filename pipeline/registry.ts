/**
 * The registry: every pattern a config may name, in the order `plan --list-patterns` shows them.
 * The patterns of `stages/` and the catalog, which builds on the stages and so
 * lives a floor up, in `catalog-products/`.
 */
import { CATALOG_PATTERN } from '../catalog-products/pattern';
import { PLANNED, STAGE_PATTERNS } from '../stages';
import type { PatternDefinition, Registry } from '../stages/types';

/** Platform patterns (management account) first, then the workload patterns. */
export const PATTERNS: readonly PatternDefinition[] = [...STAGE_PATTERNS.filter((p) => p.kind === 'platform'), CATALOG_PATTERN, ...STAGE_PATTERNS.filter((p) => p.kind === 'workload')];

export const REGISTRY: Registry = {
  patterns: new Map(PATTERNS.map((p) => [p.id, p])),
  planned: new Map(PLANNED.map((p) => [p.id, p])),
};
