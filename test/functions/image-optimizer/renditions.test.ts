/** Real resizing with sharp on real JPEG and PNG files: sizes, formats, aspect ratio, orientation, and unreadable inputs. */
import * as fs from 'node:fs';
import * as path from 'node:path';
import sharp from 'sharp';
import { renditions, UnreadableImage } from '../../../functions/image-optimizer/resizer/renditions';
import { renditionKey, Settings, uploadId } from '../../../functions/image-optimizer/shared/settings';

const fixture = (name: string) => fs.readFileSync(path.join(__dirname, '..', '..', 'fixtures', 'images', name));
const ID = '9b2f7c1e-3d4a-4b5c-8d6e-7f8091a2b3c4';
const settings = {
  sizes: [
    { name: 'small', width: 480 },
    { name: 'large', width: 1280 },
  ],
  jpegQuality: 82,
  webpQuality: 80,
};

it('makes each size in JPEG and WebP from a JPEG, keeping the aspect ratio', async () => {
  const out = await renditions(fixture('landscape.jpg'), ID, settings);
  expect(out.map((r) => [r.key, r.contentType, r.width, r.height])).toEqual([
    [`images/${ID}/small.jpg`, 'image/jpeg', 480, 320],
    [`images/${ID}/small.webp`, 'image/webp', 480, 320],
    [`images/${ID}/large.jpg`, 'image/jpeg', 1280, 854],
    [`images/${ID}/large.webp`, 'image/webp', 1280, 854],
  ]);
  for (const r of out) {
    const meta = await sharp(r.body).metadata();
    expect([meta.format, meta.width, meta.height]).toEqual([r.contentType === 'image/webp' ? 'webp' : 'jpeg', r.width, r.height]);
    expect(Math.abs(r.width / r.height - 1600 / 1067)).toBeLessThan(0.01);
  }
  // Every rendition is smaller than the original file.
  for (const r of out) expect(r.body.length).toBeLessThan(fixture('landscape.jpg').length);
});

it('makes PNG and WebP from a PNG and keeps its transparency', async () => {
  const out = await renditions(fixture('transparent.png'), ID, settings);
  expect(out.map((r) => [r.key.split('/').pop(), r.width, r.height])).toEqual([
    ['small.png', 480, 360],
    ['small.webp', 480, 360],
    ['large.png', 800, 600], // never enlarged past the original's 800 px
    ['large.webp', 800, 600],
  ]);
  for (const r of out) expect((await sharp(r.body).metadata()).hasAlpha).toBe(true);
});

it('applies the EXIF orientation and strips the metadata', async () => {
  const out = await renditions(fixture('portrait-exif6.jpg'), ID, { ...settings, sizes: [{ name: 'small', width: 450 }] });
  expect(out.map((r) => [r.width, r.height])).toEqual([
    [450, 600],
    [450, 600],
  ]);
  const meta = await sharp(out[0].body).metadata();
  expect(meta.orientation).toBeUndefined();
  expect(meta.exif).toBeUndefined();
});

it('never enlarges an image smaller than every size', async () => {
  const out = await renditions(fixture('small.png'), ID, settings);
  expect(out.map((r) => [r.width, r.height])).toEqual(Array(4).fill([200, 150]));
});

it.each([
  ['a truncated JPEG', 'truncated.jpg'],
  ['text named .jpg', 'not-an-image.jpg'],
])('refuses %s with UnreadableImage', async (_what, file) => {
  await expect(renditions(fixture(file), ID, settings)).rejects.toBeInstanceOf(UnreadableImage);
});

it('refuses a format other than JPEG, PNG or WebP', async () => {
  const gif = await sharp({ create: { width: 20, height: 20, channels: 3, background: '#336699' } })
    .gif()
    .toBuffer();
  await expect(renditions(gif, ID, settings)).rejects.toThrow(/gif is not JPEG, PNG or WebP/);
});

describe('settings and keys', () => {
  it('reads only keys the presign API hands out', () => {
    expect(uploadId(`uploads/${ID}.jpg`)).toBe(ID);
    for (const key of [`uploads/${ID}.gif`, `images/${ID}/small.jpg`, 'uploads/../x.jpg', `uploads/${ID}.jpg.exe`]) expect(uploadId(key)).toBeUndefined();
    expect(renditionKey(ID, 'small', 'webp')).toBe(`images/${ID}/small.webp`);
  });

  it('refuses duplicate size names and out-of-range widths', () => {
    const base = { allowedContentTypes: ['image/jpeg'], maxUploadBytes: 1, uploadUrlExpirySeconds: 300, jpegQuality: 80, webpQuality: 80 };
    expect(
      Settings.safeParse({
        ...base,
        sizes: [
          { name: 'a', width: 100 },
          { name: 'a', width: 200 },
        ],
      }).success,
    ).toBe(false);
    expect(Settings.safeParse({ ...base, sizes: [{ name: 'a', width: 8 }] }).success).toBe(false);
    expect(Settings.safeParse({ ...base, sizes: [{ name: 'Big', width: 100 }] }).success).toBe(false);
    expect(Settings.safeParse({ ...base, sizes: [{ name: 'a', width: 100 }] }).success).toBe(true);
  });
});
