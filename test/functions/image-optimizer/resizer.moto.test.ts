/**
 * The resizer against a local moto S3, on SQS records holding EventBridge "Object Created" events:
 * renditions land in the distribution bucket, a corrupt image fails its record alone, and nothing
 * is ever written back to the upload bucket (so the output cannot retrigger the function).
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { CreateBucketCommand, GetObjectCommand, ListObjectsV2Command, PutObjectCommand, S3Client } from '@aws-sdk/client-s3';
import sharp from 'sharp';
import { s3ObjectCreatedEvent } from '../../fixtures/aws-events';
import { sqsRecord } from '../../fixtures/aws-samples';
import { startMoto, useMotoForNewClients, type MotoServer } from '../../support/moto';

const UPLOADS = 'image-uploads';
const RENDITIONS = 'image-renditions';
const fixture = (name: string) => fs.readFileSync(path.join(__dirname, '..', '..', 'fixtures', 'images', name));
let moto: MotoServer;
let s3: S3Client;
let handler: typeof import('../../../functions/image-optimizer/resizer').handler;

beforeAll(async () => {
  moto = await startMoto();
  useMotoForNewClients(moto);
  s3 = new S3Client({ ...moto.clientConfig, forcePathStyle: true });
  for (const Bucket of [UPLOADS, RENDITIONS]) await s3.send(new CreateBucketCommand({ Bucket }));
  Object.assign(process.env, {
    UPLOAD_BUCKET: UPLOADS,
    RENDITION_BUCKET: RENDITIONS,
    POWERTOOLS_LOG_LEVEL: 'SILENT',
    IMAGE_SETTINGS: JSON.stringify({
      sizes: [
        { name: 'small', width: 320 },
        { name: 'large', width: 1024 },
      ],
      allowedContentTypes: ['image/jpeg', 'image/png'],
      maxUploadBytes: 10 * 1024 * 1024,
      uploadUrlExpirySeconds: 300,
      jpegQuality: 82,
      webpQuality: 80,
    }),
  });
  ({ handler } = await import('../../../functions/image-optimizer/resizer'));
});

afterAll(async () => {
  await moto?.stop();
});

async function upload(id: string, file: string, extension: string) {
  const key = `uploads/${id}.${extension}`;
  const body = fixture(file);
  await s3.send(new PutObjectCommand({ Bucket: UPLOADS, Key: key, Body: body }));
  return sqsRecord(JSON.stringify(s3ObjectCreatedEvent(UPLOADS, key, body.length)));
}

const keysIn = async (Bucket: string, Prefix = '') => ((await s3.send(new ListObjectsV2Command({ Bucket, Prefix }))).Contents ?? []).map((o) => o.Key!).sort();

it('writes two sizes plus WebP for a JPEG and a PNG, and fails only the corrupt image', async () => {
  const jpeg = await upload('11111111-1111-4111-8111-111111111111', 'landscape.jpg', 'jpg');
  const corrupt = await upload('22222222-2222-4222-8222-222222222222', 'truncated.jpg', 'jpg');
  const png = await upload('33333333-3333-4333-8333-333333333333', 'transparent.png', 'png');

  const response = await handler({ Records: [jpeg, corrupt, png] } as never);
  expect(response).toEqual({ batchItemFailures: [{ itemIdentifier: corrupt.messageId }] });

  expect(await keysIn(RENDITIONS, 'images/11111111')).toEqual(['large.jpg', 'large.webp', 'small.jpg', 'small.webp'].map((f) => `images/11111111-1111-4111-8111-111111111111/${f}`));
  expect(await keysIn(RENDITIONS, 'images/33333333')).toEqual(['large.png', 'large.webp', 'small.png', 'small.webp'].map((f) => `images/33333333-3333-4333-8333-333333333333/${f}`));
  expect(await keysIn(RENDITIONS, 'images/22222222')).toEqual([]);

  const small = await s3.send(new GetObjectCommand({ Bucket: RENDITIONS, Key: 'images/11111111-1111-4111-8111-111111111111/small.webp' }));
  expect(small.ContentType).toBe('image/webp');
  expect(small.CacheControl).toBe('public, max-age=31536000, immutable');
  const meta = await sharp(Buffer.from(await small.Body!.transformToByteArray())).metadata();
  expect([meta.format, meta.width, meta.height]).toEqual(['webp', 320, 213]);

  // Nothing but the three originals in the upload bucket: no output was written where events come from.
  expect(await keysIn(UPLOADS)).toHaveLength(3);
});

it('is idempotent: the same event again overwrites the same keys and adds none', async () => {
  const record = await upload('44444444-4444-4444-8444-444444444444', 'small.png', 'png');
  await handler({ Records: [record] } as never);
  const before = await keysIn(RENDITIONS);
  await expect(handler({ Records: [{ ...record, messageId: 'redelivered' }] } as never)).resolves.toEqual({ batchItemFailures: [] });
  expect(await keysIn(RENDITIONS)).toEqual(before);
});

it.each([
  ['an event from another bucket', () => sqsRecord(JSON.stringify(s3ObjectCreatedEvent('other-bucket', 'uploads/55555555-5555-4555-8555-555555555555.jpg')))],
  ['a key the presign API never hands out', () => sqsRecord(JSON.stringify(s3ObjectCreatedEvent(UPLOADS, 'uploads/holiday.jpg')))],
  ['a body that is not JSON', () => sqsRecord('{"source": "aws.s3"')],
  ['an upload over the size limit', () => sqsRecord(JSON.stringify(s3ObjectCreatedEvent(UPLOADS, 'uploads/66666666-6666-4666-8666-666666666666.jpg', 50 * 1024 * 1024)))],
  ['an object deleted before it was read', () => sqsRecord(JSON.stringify(s3ObjectCreatedEvent(UPLOADS, 'uploads/77777777-7777-4777-8777-777777777777.jpg')))],
])('fails %s alone, writing nothing', async (_what, make) => {
  const good = await upload('88888888-8888-4888-8888-888888888888', 'small.png', 'png');
  const bad = make();
  const before = (await keysIn(RENDITIONS)).filter((k) => !k.includes('88888888'));
  await expect(handler({ Records: [bad, good] } as never)).resolves.toEqual({ batchItemFailures: [{ itemIdentifier: bad.messageId }] });
  expect((await keysIn(RENDITIONS)).filter((k) => !k.includes('88888888'))).toEqual(before);
});

it('refuses an event that is not an SQS batch', async () => {
  await expect(handler({ detail: {} } as never)).rejects.toThrow(/not an SQS event/);
});
