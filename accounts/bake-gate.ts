/**
 * The contract between the pipeline and its bake gate function: what a bake rule's UserParameters
 * hold. The pipeline writes it at synth (pipeline/wave-gates.ts); the function validates it at run
 * time (functions/delivery/bake-gate).
 */
import { z } from 'zod';
import { ACCOUNT_ID_PATTERN, REGION_PATTERN } from './schema';

export const BakeGateParameters = z.strictObject({
  wave: z.string().min(1).describe('The previous wave, which bakes.'),
  stages: z.array(z.string().min(1)).min(1).describe('Its pipeline stages; the bake counts from the last of them to succeed.'),
  minutes: z.number().int().min(1).max(2880),
  targets: z
    .array(z.tuple([z.string().regex(ACCOUNT_ID_PATTERN), z.string().regex(REGION_PATTERN), z.array(z.string().min(1)).min(1)]))
    .min(1)
    .describe('[account id, Region, alarm name prefixes] to read.'),
});
export type BakeGateParameters = z.output<typeof BakeGateParameters>;
