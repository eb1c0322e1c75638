import { z } from 'zod';
import { CustomDomain } from '../shared/cdn';
import { ApiThrottle } from '../shared/http-api';
import { LogRetentionDays } from '../shared/log-retention';

export const BundledAppsParameters = z.strictObject({
  throttle: ApiThrottle,
  customDomain: CustomDomain,
  logRetentionDays: LogRetentionDays.default(365),
});
export type BundledAppsParameters = z.output<typeof BundledAppsParameters>;
