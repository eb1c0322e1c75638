/**
 * What a client may upload, and the presigned POST that enforces it: the key is generated here,
 * the content type is fixed, and S3 itself refuses a body outside 1..maxUploadBytes. No AWS here.
 */
import type { PresignedPostOptions } from '@aws-sdk/s3-presigned-post';
import { z } from 'zod';
import { HttpError } from '../../shared/http';
import { IMAGE_TYPES, renditionKey, UPLOAD_PREFIX, type ImageType, type Settings } from '../shared/settings';

export function uploadRequestSchema(settings: Settings) {
  return z.strictObject({
    contentType: z.enum(settings.allowedContentTypes as [ImageType, ...ImageType[]], { error: `contentType is one of ${settings.allowedContentTypes.join(', ')}` }),
    contentLength: z
      .number()
      .int()
      .min(1)
      .max(settings.maxUploadBytes, { error: `contentLength is at most ${settings.maxUploadBytes} bytes` })
      .optional()
      .describe('Size the client intends to send; S3 enforces the limit either way.'),
  });
}

export interface UploadPlan {
  readonly id: string;
  readonly key: string;
  readonly post: PresignedPostOptions;
  readonly expiresAt: string;
  /** Where each rendition will be served once resized. */
  readonly renditions: Record<string, Record<string, string>>;
}

export function uploadPlan(request: { contentType: ImageType }, settings: Settings, options: { bucket: string; cdnUrl: string; id: string; now: Date }): UploadPlan {
  if (!settings.allowedContentTypes.includes(request.contentType)) throw new HttpError(400, 'BadRequest', `contentType ${request.contentType} is not allowed`);
  const extension = IMAGE_TYPES[request.contentType];
  const key = `${UPLOAD_PREFIX}${options.id}.${extension}`;
  const formats = request.contentType === 'image/webp' ? ['webp'] : [extension, 'webp'];
  return {
    id: options.id,
    key,
    post: {
      Bucket: options.bucket,
      Key: key,
      Fields: { 'Content-Type': request.contentType },
      Conditions: [
        ['content-length-range', 1, settings.maxUploadBytes],
        ['eq', '$Content-Type', request.contentType],
        ['eq', '$key', key],
      ],
      Expires: settings.uploadUrlExpirySeconds,
    },
    expiresAt: new Date(options.now.getTime() + settings.uploadUrlExpirySeconds * 1000).toISOString(),
    renditions: Object.fromEntries(settings.sizes.map((s) => [s.name, Object.fromEntries(formats.map((f) => [f, `${options.cdnUrl}/${renditionKey(options.id, s.name, f)}`]))])),
  };
}
