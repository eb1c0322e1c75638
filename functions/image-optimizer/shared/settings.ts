/**
 * What the presign and resizer functions agree on: the sizes, the formats, and where originals
 * and renditions live. The stack passes it to both as one JSON environment variable.
 */
import { z } from 'zod';

export const UPLOAD_PREFIX = 'uploads/';
export const RENDITION_PREFIX = 'images/';

/** Content types an upload may declare, and the extension its key gets. */
export const IMAGE_TYPES = { 'image/jpeg': 'jpg', 'image/png': 'png', 'image/webp': 'webp' } as const;
export type ImageType = keyof typeof IMAGE_TYPES;

export const Size = z.strictObject({
  name: z.string().regex(/^[a-z0-9][a-z0-9-]{0,19}$/, { error: 'a size name is 1 to 20 lowercase letters, digits or hyphens' }),
  width: z.number().int().min(16).max(4096).describe('Width in pixels; the height follows the aspect ratio. Smaller images are never enlarged.'),
});
export type Size = z.output<typeof Size>;

export const Settings = z.strictObject({
  sizes: z
    .array(Size)
    .min(1)
    .max(4)
    .refine((sizes) => new Set(sizes.map((s) => s.name)).size === sizes.length, { error: 'size names must be distinct' }),
  allowedContentTypes: z.array(z.enum(Object.keys(IMAGE_TYPES) as [ImageType, ...ImageType[]])).min(1),
  maxUploadBytes: z.number().int().min(1),
  uploadUrlExpirySeconds: z.number().int().min(60).max(3600),
  jpegQuality: z.number().int().min(1).max(100),
  webpQuality: z.number().int().min(1).max(100),
});
export type Settings = z.output<typeof Settings>;

/** The settings from the environment, or an error naming what is wrong (a deploy defect, not an input). */
export function settingsFromEnv(value = process.env.IMAGE_SETTINGS): Settings {
  if (!value) throw new Error('IMAGE_SETTINGS is not set');
  return Settings.parse(JSON.parse(value));
}

/** `images/<id>/<size>.<ext>`: one key per rendition, so reprocessing an upload overwrites, never duplicates. */
export function renditionKey(id: string, size: string, extension: string): string {
  return `${RENDITION_PREFIX}${id}/${size}.${extension}`;
}

/** The id of an upload key `uploads/<id>.<ext>`, or undefined for any other key. */
export function uploadId(key: string): string | undefined {
  return /^uploads\/([0-9a-f-]{36})\.(jpg|png|webp)$/.exec(key)?.[1];
}
