/**
 * The S3 function against a local moto S3, on AWS's own sample notification with its bucket and
 * key varied: a created object under incoming/ gets its report under reports/.
 */
import { CreateBucketCommand, GetObjectCommand, PutObjectCommand, S3Client } from '@aws-sdk/client-s3';
import { awsSampleEvent } from '../../fixtures/aws-samples';
import { startMoto, useMotoForNewClients, type MotoServer } from '../../support/moto';
import { createdObjects, reportKey, summarize } from '../../../functions/lambda-storage/s3-report/report';

const BUCKET = 'lambda-storage-data';
let moto: MotoServer;
let s3: S3Client;
let handler: (event: unknown) => Promise<{ reports: string[] }>;

function notification(key: string, bucket = BUCKET): Record<string, any> {
  const event = structuredClone(awsSampleEvent('s3-event.json')) as Record<string, any>;
  event.Records[0].s3.bucket.name = bucket;
  event.Records[0].s3.object.key = key;
  return event;
}

beforeAll(async () => {
  moto = await startMoto();
  useMotoForNewClients(moto);
  s3 = new S3Client({ ...moto.clientConfig, forcePathStyle: true });
  await s3.send(new CreateBucketCommand({ Bucket: BUCKET }));
  process.env.POWERTOOLS_LOG_LEVEL = 'SILENT';
  ({ handler } = await import('../../../functions/lambda-storage/s3-report/index'));
});
afterAll(async () => moto?.stop());

describe('lambda-storage S3 function', () => {
  it('writes the report of a created object (key URL-encoded as S3 sends it)', async () => {
    const body = 'alpha beta\ngamma  delta epsilon\n\nzeta';
    await s3.send(new PutObjectCommand({ Bucket: BUCKET, Key: 'incoming/field notes 1.txt', Body: body }));
    await expect(handler(notification('incoming/field+notes+1.txt'))).resolves.toEqual({ reports: ['reports/field notes 1.txt.json'] });
    const report = JSON.parse(await (await s3.send(new GetObjectCommand({ Bucket: BUCKET, Key: 'reports/field notes 1.txt.json' }))).Body!.transformToString());
    expect(report).toMatchObject({ source: 'incoming/field notes 1.txt', bytes: Buffer.byteLength(body), lines: 4, words: 6 });
    // A repeated notification rewrites the same report.
    await expect(handler(notification('incoming/field+notes+1.txt'))).resolves.toEqual({ reports: ['reports/field notes 1.txt.json'] });
  });

  it("takes S3's test event as a no-op", async () => {
    await expect(
      handler({
        Service: 'Amazon S3',
        Event: 's3:TestEvent',
        Time: '2026-12-02T10:00:00.000Z',
        Bucket: BUCKET,
        RequestId: '5582815E1AEA5ADF',
        HostId: '8cLeGAmw098X5cv4Zkwcmo8vvZa3eH3eKxsPzbB9wrR+YstdA6Knx4Ip8EXAMPLE',
      }),
    ).resolves.toEqual({ reports: [] });
  });

  it('fails a missing object with S3’s error, so Lambda retries and then dead-letters the event', async () => {
    await expect(handler(notification('incoming/gone.txt'))).rejects.toThrow(/NoSuchKey|does not exist/);
  });

  it('refuses malformed events, saying why', () => {
    expect(() => createdObjects({})).toThrow('not an S3 ObjectCreated notification: Records: ');
    const deleted = notification('incoming/a.txt');
    deleted.Records[0].eventName = 'ObjectRemoved:Delete';
    expect(() => createdObjects(deleted)).toThrow(/Records\.0\.eventName/);
    expect(() => createdObjects(notification('incoming/100%.txt'))).toThrow('is not valid URL encoding');
    expect(() => createdObjects({ Records: [{ eventSource: 'aws:sqs' }] })).toThrow(/eventSource/);
    expect(() => reportKey('reports/a.txt')).toThrow('is not under incoming/');
  });

  it('counts like wc, a chunk at a time', async () => {
    async function* chunks(...parts: string[]) {
      for (const p of parts) yield Buffer.from(p);
    }
    await expect(summarize(chunks('one tw', 'o\nthree', '\n'))).resolves.toEqual({ bytes: 14, lines: 2, words: 3 });
    await expect(summarize(chunks())).resolves.toEqual({ bytes: 0, lines: 0, words: 0 });
    await expect(summarize(chunks('no newline'))).resolves.toEqual({ bytes: 10, lines: 1, words: 2 });
  });
});
