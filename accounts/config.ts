/** A loaded config directory, and the files it is made of. */
import type { Baseline, Delivery, Organization, UpdateFile } from './schema';

export const CONFIG_FILES = {
  organization: 'organization.yaml',
  generated: 'organization.generated.yaml',
  delivery: 'delivery.yaml',
  baseline: 'baseline.yaml',
  updates: 'updates',
} as const;

export interface Config {
  /** The directory as the user named it; file names in messages start with it. */
  readonly dir: string;
  readonly organization: Organization;
  readonly delivery: Delivery;
  readonly baseline: Baseline;
  readonly updates: ReadonlyArray<{ readonly file: string; readonly content: UpdateFile }>;
  /** Where each of organization.accounts was written: organization.yaml or the generated file, and its index there. */
  readonly accountOrigins: ReadonlyArray<{ readonly file: string; readonly index: number }>;
}
