/**
 * Resizing with sharp (libvips): each configured width in the original's format plus WebP, the
 * aspect ratio kept, EXIF orientation applied and metadata (GPS and the rest) stripped. No AWS
 * here, so it is tested on real image files directly.
 */
import sharp, { type OutputInfo } from 'sharp';
import { renditionKey, type Settings } from '../shared/settings';

// One invocation works on one image at a time; libvips' cache would only hold memory between them.
sharp.cache(false);

/** At most 50 megapixels per input (about 200 MB decoded): a decompression bomb fails alone. */
export const MAX_INPUT_PIXELS = 50_000_000;

export interface Rendition {
  readonly key: string;
  readonly body: Buffer;
  readonly contentType: string;
  readonly width: number;
  readonly height: number;
}

/** An object that is not an image we can read: corrupt, truncated, another format, or too large. */
export class UnreadableImage extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'UnreadableImage';
  }
}

const OUTPUTS = {
  jpeg: { extension: 'jpg', contentType: 'image/jpeg' },
  png: { extension: 'png', contentType: 'image/png' },
  webp: { extension: 'webp', contentType: 'image/webp' },
} as const;

type OutputFormat = keyof typeof OUTPUTS;

export async function renditions(input: Buffer, id: string, settings: Pick<Settings, 'sizes' | 'jpegQuality' | 'webpQuality'>): Promise<Rendition[]> {
  let format: OutputFormat;
  try {
    const meta = await sharp(input, { limitInputPixels: MAX_INPUT_PIXELS }).metadata();
    if (meta.format !== 'jpeg' && meta.format !== 'png' && meta.format !== 'webp') throw new UnreadableImage(`${meta.format ?? 'unknown'} is not JPEG, PNG or WebP`);
    format = meta.format;
  } catch (err) {
    throw err instanceof UnreadableImage ? err : new UnreadableImage(`not a readable image: ${(err as Error).message}`);
  }
  const formats: OutputFormat[] = format === 'webp' ? ['webp'] : [format, 'webp'];
  const out: Rendition[] = [];
  for (const size of settings.sizes) {
    for (const target of formats) {
      const pipeline = sharp(input, { limitInputPixels: MAX_INPUT_PIXELS }).rotate().resize({ width: size.width, withoutEnlargement: true });
      const encoded =
        target === 'jpeg'
          ? pipeline.jpeg({ quality: settings.jpegQuality, mozjpeg: true })
          : target === 'png'
            ? pipeline.png({ compressionLevel: 6, adaptiveFiltering: true })
            : pipeline.webp({ quality: settings.webpQuality, effort: 4 });
      let result: { data: Buffer; info: OutputInfo };
      try {
        result = await encoded.toBuffer({ resolveWithObject: true });
      } catch (err) {
        throw new UnreadableImage(`could not decode the image: ${(err as Error).message}`);
      }
      out.push({ key: renditionKey(id, size.name, OUTPUTS[target].extension), body: result.data, contentType: OUTPUTS[target].contentType, width: result.info.width, height: result.info.height });
    }
  }
  return out;
}
