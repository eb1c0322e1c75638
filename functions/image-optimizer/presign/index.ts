/** POST /uploads — a presigned POST for one image upload, and the URLs its renditions will have. */
import { randomUUID } from 'node:crypto';
import { Logger } from '@aws-lambda-powertools/logger';
import { S3Client } from '@aws-sdk/client-s3';
import { createPresignedPost } from '@aws-sdk/s3-presigned-post';
import { httpHandler, json, jsonBody } from '../../shared/http';
import { settingsFromEnv, type Settings } from '../shared/settings';
import { uploadPlan, uploadRequestSchema } from './upload-request';

const logger = new Logger({ serviceName: 'image-optimizer-presign' });
/** Read once per execution environment: the stack fixes it at deploy. */
let cachedSettings: Settings | undefined;
const s3 = new S3Client({});

export const handler = httpHandler(logger, async (request) => {
  const bucket = process.env.UPLOAD_BUCKET;
  const cdnUrl = process.env.CDN_URL;
  if (!bucket || !cdnUrl) throw new Error('UPLOAD_BUCKET and CDN_URL must be set');
  const settings = (cachedSettings ??= settingsFromEnv());
  const body = jsonBody(request, uploadRequestSchema(settings));
  const plan = uploadPlan(body, settings, { bucket, cdnUrl, id: randomUUID(), now: new Date() });
  const { url, fields } = await createPresignedPost(s3, plan.post);
  logger.info('upload presigned', { key: plan.key, contentType: body.contentType });
  return json(201, { id: plan.id, key: plan.key, upload: { url, fields }, expiresAt: plan.expiresAt, renditions: plan.renditions });
});
