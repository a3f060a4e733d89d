import { imageSize } from 'image-size';
import { ContentErrorCode, ContentException } from '../content.exception';

/** Larger images cost too much memory to decode anywhere (a "pixel bomb" is a few KB of PNG). */
export const MAX_IMAGE_SIDE = 8192;
export const MAX_IMAGE_PIXELS = 40_000_000;

export interface ImageInfo {
  mimeType: 'image/png' | 'image/jpeg' | 'image/gif' | 'image/webp';
  extension: 'png' | 'jpg' | 'gif' | 'webp';
  /** image-size's name for the format, to check that its parse agrees with the magic number. */
  probeType: 'png' | 'jpg' | 'gif' | 'webp';
  width: number;
  height: number;
}

type Format = Omit<ImageInfo, 'width' | 'height'>;

const startsWith = (bytes: Buffer, ascii: string, at = 0) =>
  bytes.length >= at + ascii.length && bytes.toString('latin1', at, at + ascii.length) === ascii;

/** The format from the file's magic number: what the client says (name, content type) is ignored. */
export function detectFormat(bytes: Buffer): Format | null {
  if (startsWith(bytes, '\x89PNG\r\n\x1a\n')) {
    return { mimeType: 'image/png', extension: 'png', probeType: 'png' };
  }
  if (startsWith(bytes, '\xff\xd8\xff')) {
    return { mimeType: 'image/jpeg', extension: 'jpg', probeType: 'jpg' };
  }
  if (startsWith(bytes, 'GIF87a') || startsWith(bytes, 'GIF89a')) {
    return { mimeType: 'image/gif', extension: 'gif', probeType: 'gif' };
  }
  if (startsWith(bytes, 'RIFF') && startsWith(bytes, 'WEBP', 8)) {
    return { mimeType: 'image/webp', extension: 'webp', probeType: 'webp' };
  }
  return null;
}

/** The format and dimensions of an upload; refuses anything but a readable, reasonably sized image. */
export function probeImage(bytes: Buffer): ImageInfo {
  const format = detectFormat(bytes);
  if (!format) {
    throw new ContentException(
      ContentErrorCode.UnsupportedMediaType,
      'Only PNG, JPEG, GIF and WebP images are accepted',
    );
  }
  let size: { width: number; height: number; type?: string };
  try {
    size = imageSize(bytes);
  } catch {
    throw new ContentException(ContentErrorCode.UnsupportedMediaType, 'The image could not be read');
  }
  if (size.type !== format.probeType || !(size.width > 0) || !(size.height > 0)) {
    throw new ContentException(ContentErrorCode.UnsupportedMediaType, 'The image could not be read');
  }
  if (size.width > MAX_IMAGE_SIDE || size.height > MAX_IMAGE_SIDE || size.width * size.height > MAX_IMAGE_PIXELS) {
    throw new ContentException(
      ContentErrorCode.ImageDimensionsTooLarge,
      `Images may be at most ${MAX_IMAGE_SIDE}×${MAX_IMAGE_SIDE} pixels and ${MAX_IMAGE_PIXELS / 1_000_000} megapixels`,
      { width: size.width, height: size.height },
    );
  }
  return { ...format, width: size.width, height: size.height };
}
