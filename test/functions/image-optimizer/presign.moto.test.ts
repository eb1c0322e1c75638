/**
 * The presign API against a local moto S3: an HTTP API request (payload 2.0, IAM-authorized)
 * gets a presigned POST for a key it did not choose, and a browser-style multipart POST of a
 * real image with those fields lands under uploads/.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { CreateBucketCommand, HeadObjectCommand, S3Client } from '@aws-sdk/client-s3';
import { httpApiEvent } from '../../fixtures/aws-samples';
import { startMoto, useMotoForNewClients, type MotoServer } from '../../support/moto';

const UPLOADS = 'presign-uploads';
let moto: MotoServer;
let s3: S3Client;
let handler: (event: unknown) => Promise<{ statusCode: number; body: string }>;

beforeAll(async () => {
  moto = await startMoto();
  useMotoForNewClients(moto);
  s3 = new S3Client({ ...moto.clientConfig, forcePathStyle: true });
  await s3.send(new CreateBucketCommand({ Bucket: UPLOADS }));
  Object.assign(process.env, {
    UPLOAD_BUCKET: UPLOADS,
    CDN_URL: 'https://d111111abcdef8.cloudfront.net',
    POWERTOOLS_LOG_LEVEL: 'SILENT',
    IMAGE_SETTINGS: JSON.stringify({
      sizes: [{ name: 'small', width: 320 }],
      allowedContentTypes: ['image/jpeg', 'image/png'],
      maxUploadBytes: 1_000_000,
      uploadUrlExpirySeconds: 300,
      jpegQuality: 82,
      webpQuality: 80,
    }),
  });
  ({ handler } = await import('../../../functions/image-optimizer/presign'));
});

afterAll(async () => {
  await moto?.stop();
});

const presign = async (body: unknown) => {
  const response = await handler(httpApiEvent({ method: 'POST', route: '/uploads', body: body as object, claims: null }));
  return { status: response.statusCode, body: JSON.parse(response.body) };
};

it('presigns a POST whose fields upload a real JPEG under uploads/<uuid>.jpg', async () => {
  const { status, body } = await presign({ contentType: 'image/jpeg', contentLength: 569435 });
  expect(status).toBe(201);
  expect(body.key).toMatch(/^uploads\/[0-9a-f-]{36}\.jpg$/);
  expect(body.upload.fields).toMatchObject({ key: body.key, 'Content-Type': 'image/jpeg', Policy: expect.any(String), 'X-Amz-Signature': expect.any(String) });
  expect(body.renditions).toEqual({ small: { jpg: `https://d111111abcdef8.cloudfront.net/images/${body.id}/small.jpg`, webp: `https://d111111abcdef8.cloudfront.net/images/${body.id}/small.webp` } });
  const policy = JSON.parse(Buffer.from(body.upload.fields.Policy, 'base64').toString('utf8'));
  expect(policy.conditions).toEqual(
    expect.arrayContaining([
      ['content-length-range', 1, 1_000_000],
      ['eq', '$Content-Type', 'image/jpeg'],
      ['eq', '$key', body.key],
    ]),
  );

  const form = new FormData();
  for (const [name, value] of Object.entries(body.upload.fields as Record<string, string>)) form.append(name, value);
  form.append('file', new Blob([fs.readFileSync(path.join(__dirname, '..', '..', 'fixtures', 'images', 'landscape.jpg'))], { type: 'image/jpeg' }));
  const posted = await fetch(body.upload.url, { method: 'POST', body: form });
  expect(posted.status).toBeLessThan(300);
  const head = await s3.send(new HeadObjectCommand({ Bucket: UPLOADS, Key: body.key }));
  expect(head.ContentLength).toBe(569435);
  expect(head.ContentType).toBe('image/jpeg');
});

it.each([
  ['a content type not allowed', { contentType: 'image/gif' }],
  ['a size over the limit', { contentType: 'image/png', contentLength: 1_000_001 }],
  ['a key chosen by the client', { contentType: 'image/png', key: 'uploads/mine.png' }],
  ['no body', undefined],
])('answers 400 to %s', async (_what, body) => {
  const { status, body: error } = await presign(body);
  expect(status).toBe(400);
  expect(error.error.code).toMatch(/BadRequest|ValidationError/);
});
