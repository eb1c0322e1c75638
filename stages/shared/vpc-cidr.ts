import { z } from 'zod';

/** The `vpcCidr` parameter of patterns that create their own VPC. */
export function vpcCidrParameter(defaultCidr: string, what: string) {
  return z
    .string()
    .regex(/^(\d{1,3}\.){3}\d{1,3}\/(1[6-9]|2[0-4])$/, { error: `a CIDR block from /16 to /24, e.g. ${defaultCidr}` })
    .default(defaultCidr)
    .describe(`Address range of ${what}.`);
}
