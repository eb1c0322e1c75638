import { z } from 'zod';
import { CustomDomain } from '../shared/cdn';
import { ApiThrottle } from '../shared/http-api';
import { LogRetentionDays } from '../shared/log-retention';

/** The resizer's memory, chosen with bench/image-optimizer (see the README's image-optimizer section). */
export const RESIZER_MEMORY_MB = 1024;

/** Upload content types the resizer reads (the functions' IMAGE_TYPES; test/stages/image-optimizer.test.ts keeps the two in step). */
export const IMAGE_CONTENT_TYPES = ['image/jpeg', 'image/png', 'image/webp'] as const;

const Size = z.strictObject({
  name: z.string().regex(/^[a-z0-9][a-z0-9-]{0,19}$/, { error: 'a size name is 1 to 20 lowercase letters, digits or hyphens' }),
  width: z.number().int().min(16).max(4096).describe('Width in pixels; the height follows the aspect ratio. Smaller images are never enlarged.'),
});

export const ImageOptimizerParameters = z.strictObject({
  sizes: z
    .array(Size)
    .min(1)
    .max(4)
    .refine((sizes) => new Set(sizes.map((s) => s.name)).size === sizes.length, { error: 'size names must be distinct' })
    .default([
      { name: 'small', width: 480 },
      { name: 'large', width: 1280 },
    ])
    .describe('Renditions to make of every upload, each in the original format and in WebP.'),
  allowedContentTypes: z.array(z.enum(IMAGE_CONTENT_TYPES)).min(1).default(['image/jpeg', 'image/png']).describe('Content types the presign API accepts.'),
  maxUploadMegabytes: z.number().int().min(1).max(50).default(10).describe('Largest upload S3 accepts through a presigned POST.'),
  uploadUrlExpirySeconds: z.number().int().min(60).max(3600).default(300).describe('How long a presigned POST stays valid.'),
  originalsExpireDays: z.number().int().min(1).max(3650).default(30).describe('Days before uploaded originals are deleted (renditions stay).'),
  jpegQuality: z.number().int().min(1).max(100).default(82),
  webpQuality: z.number().int().min(1).max(100).default(80),
  resizerMemoryMb: z.number().int().min(512).max(10240).default(RESIZER_MEMORY_MB).describe('Resizer memory (and with it CPU).'),
  maxReceiveCount: z.number().int().min(1).max(10).default(3).describe('Attempts per upload before it moves to the dead-letter queue.'),
  throttle: ApiThrottle,
  customDomain: CustomDomain,
  notifyEmail: z.email({ error: 'not an email address' }).optional().describe('Subscribed to the alarms: an upload the resizer gave up on, or an event that never reached it.'),
  logRetentionDays: LogRetentionDays.default(365),
});
export type ImageOptimizerParameters = z.output<typeof ImageOptimizerParameters>;
