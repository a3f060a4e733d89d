import { encode } from 'blurhash';
import sharp, { type Metadata, type SharpOptions } from 'sharp';
import { ContentErrorCode, ContentException } from '../content.exception';
import { type ImageInfo, MAX_IMAGE_PIXELS } from './image-probe';
import {
  BLURHASH_COMPONENTS,
  BLURHASH_SOURCE_SIDE,
  PREVIEW_MAX_PIXELS,
  PREVIEW_MIME_TYPE,
  PREVIEW_QUALITY,
  REWRITE_QUALITY,
} from './media.constants';

export interface ImageSize {
  width: number;
  height: number;
}

/** What an upload becomes: the original to store, its preview and its BlurHash. */
export interface ProcessedImage extends ImageSize {
  /** The upload itself, or (when it carried metadata) a re-encoded copy without it, upright. */
  original: Buffer;
  /** The original was re-encoded to strip metadata (EXIF, GPS, XMP, IPTC, comments). */
  rewritten: boolean;
  preview: ImageSize & { bytes: Buffer; mimeType: string };
  blurhash: string;
}

type SharpFormat = 'jpeg' | 'png' | 'gif' | 'webp';

const FORMAT_BY_MIME: Record<ImageInfo['mimeType'], SharpFormat> = {
  'image/jpeg': 'jpeg',
  'image/png': 'png',
  'image/gif': 'gif',
  'image/webp': 'webp',
};

const tooLarge = (details: Record<string, unknown>) =>
  new ContentException(
    ContentErrorCode.ImageDimensionsTooLarge,
    `Images may be at most ${MAX_IMAGE_PIXELS / 1_000_000} megapixels, all frames together`,
    details,
  );

/**
 * sharp's own refusals, as the upload's error: its pixel cap, or an image it cannot decode (the
 * decoder's message stays in `cause`, for the log, not for the client).
 */
function translate(error: unknown): ContentException {
  if (error instanceof ContentException) return error;
  const message = error instanceof Error ? error.message : String(error);
  if (/pixel limit/i.test(message)) return tooLarge({});
  const unreadable = new ContentException(ContentErrorCode.UnprocessableImage, 'The image could not be decoded');
  unreadable.cause = error;
  return unreadable;
}

/**
 * The preview's size: at most `maxPixels` pixels, the aspect kept, never larger than the image
 * (Mastodon's `small` style, ImageMagick's `<area>@>` geometry).
 */
export function previewSize(width: number, height: number, maxPixels = PREVIEW_MAX_PIXELS): ImageSize {
  if (width * height <= maxPixels) return { width, height };
  const scale = Math.sqrt(maxPixels / (width * height));
  // The epsilon keeps an exact fit exact (1920×1080 → 640×360, not 639×359).
  let w = Math.max(1, Math.floor(width * scale + 1e-9));
  let h = Math.max(1, Math.floor(height * scale + 1e-9));
  while (w * h > maxPixels) {
    if (w >= h) w -= 1;
    else h -= 1;
  }
  return { width: w, height: h };
}

/** Metadata a stored original must not carry (Mastodon strips all but the colour profile). */
function carriesMetadata(meta: Metadata): boolean {
  return Boolean(meta.exif || meta.xmp || meta.iptc || meta.tifftagPhotoshop || meta.comments?.length);
}

function rewrite(bytes: Buffer, format: SharpFormat, options: SharpOptions, animated: boolean): Promise<Buffer> {
  // Upright first (the EXIF orientation goes with the EXIF); the colour profile is kept.
  const pipeline = sharp(bytes, { ...options, animated });
  if (!animated) pipeline.autoOrient();
  pipeline.keepIccProfile();
  switch (format) {
    case 'jpeg':
      return pipeline.jpeg({ quality: REWRITE_QUALITY }).toBuffer();
    case 'webp':
      return pipeline.webp({ quality: REWRITE_QUALITY }).toBuffer();
    case 'png':
      return pipeline.png().toBuffer();
    case 'gif':
      return pipeline.gif().toBuffer();
  }
}

/** Decoded pixels, 8-bit sRGB (with alpha when the image has it). */
interface Pixels {
  data: Buffer;
  raw: { width: number; height: number; channels: 3 | 4 };
}

/** The upload decoded once (its first frame), upright and already at the preview's size. */
async function previewPixels(bytes: Buffer, options: SharpOptions, size: ImageSize): Promise<Pixels> {
  const { data, info } = await sharp(bytes, options)
    .autoOrient()
    .resize(size.width, size.height, { fit: 'fill' })
    .toColourspace('srgb')
    .raw()
    .toBuffer({ resolveWithObject: true });
  if (info.channels !== 3 && info.channels !== 4) throw new Error(`expected RGB(A) pixels, got ${info.channels}`);
  return { data, raw: { width: info.width, height: info.height, channels: info.channels } };
}

async function encodePreview(pixels: Pixels): Promise<ProcessedImage['preview']> {
  const bytes = await sharp(pixels.data, { raw: pixels.raw }).webp({ quality: PREVIEW_QUALITY }).toBuffer();
  return { bytes, width: pixels.raw.width, height: pixels.raw.height, mimeType: PREVIEW_MIME_TYPE };
}

/**
 * Mastodon's 4×4-component BlurHash, computed as Mastodon does from the preview's pixels, at most
 * BLURHASH_SOURCE_SIDE across; alpha is ignored.
 */
async function makeBlurhash(pixels: Pixels): Promise<string> {
  const { data, info } = await sharp(pixels.data, { raw: pixels.raw })
    .resize(BLURHASH_SOURCE_SIDE, BLURHASH_SOURCE_SIDE, { fit: 'inside', withoutEnlargement: true })
    .removeAlpha()
    .ensureAlpha(1)
    .raw()
    .toBuffer({ resolveWithObject: true });
  if (info.channels !== 4) throw new Error(`expected RGBA pixels, got ${info.channels} channels`);
  return encode(
    new Uint8ClampedArray(data.buffer, data.byteOffset, data.length),
    info.width,
    info.height,
    BLURHASH_COMPONENTS,
    BLURHASH_COMPONENTS,
  );
}

/**
 * Decodes an upload (already probed: a PNG, JPEG, GIF or WebP within MAX_IMAGE_SIDE) and makes
 * what a Mastodon client needs: a preview of at most PREVIEW_MAX_PIXELS, a BlurHash, and an
 * original without metadata, upright. Decoding is bounded: sharp refuses more than `maxPixels`
 * (a decompression bomb), and an animated image may not hold more than that in all its frames
 * together (clients decode every frame). Only the first frame is decoded for the preview.
 */
export async function processImage(
  bytes: Buffer,
  image: Pick<ImageInfo, 'mimeType'>,
  maxPixels = MAX_IMAGE_PIXELS,
): Promise<ProcessedImage> {
  const format = FORMAT_BY_MIME[image.mimeType];
  const options: SharpOptions = { limitInputPixels: maxPixels, failOn: 'error' };
  try {
    const meta = await sharp(bytes, options).metadata();
    if (meta.format !== format) throw translate(new Error(`sharp reads ${meta.format}, the probe ${format}`));
    const pages = meta.pages ?? 1;
    const frameHeight = meta.pageHeight ?? meta.height;
    if (meta.width * frameHeight * pages > maxPixels) {
      throw tooLarge({ width: meta.width, height: frameHeight, frames: pages });
    }
    const animated = pages > 1;
    const upright: ImageSize = animated
      ? { width: meta.width, height: frameHeight }
      : { width: meta.autoOrient.width, height: meta.autoOrient.height };
    const rewritten = carriesMetadata(meta);
    // One decode at a time (memory), and only one of the whole image unless metadata must go.
    const pixels = await previewPixels(bytes, options, previewSize(upright.width, upright.height));
    const [preview, blurhash] = await Promise.all([encodePreview(pixels), makeBlurhash(pixels)]);
    const original = rewritten ? await rewrite(bytes, format, options, animated) : bytes;
    return { original, rewritten, ...upright, preview, blurhash };
  } catch (error) {
    throw translate(error);
  }
}
