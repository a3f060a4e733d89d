import { crc32 } from 'node:zlib';
import { gif, jpeg, png, webp } from '../../../../test/fixtures/images';
import { ContentErrorCode, type ContentException } from '../content.exception';
import { probeImage } from './image-probe';

/** A PNG whose header claims other dimensions (enough for a probe, which reads only the header). */
function pngClaiming(width: number, height: number): Buffer {
  const bytes = Buffer.from(png(1, 1));
  bytes.writeUInt32BE(width, 16);
  bytes.writeUInt32BE(height, 20);
  bytes.writeUInt32BE(crc32(bytes.subarray(12, 29)), 29);
  return bytes;
}

function reasonOf(run: () => unknown): string | undefined {
  try {
    run();
  } catch (error) {
    return (error as ContentException).reason;
  }
  return undefined;
}

describe('probeImage', () => {
  it.each([
    ['PNG', png(3, 2), 'image/png', 3, 2],
    ['JPEG', jpeg(16, 9), 'image/jpeg', 16, 9],
    ['GIF', gif(5, 4), 'image/gif', 5, 4],
    ['WebP', webp(7, 3), 'image/webp', 7, 3],
  ])('reads a %s from its bytes', (_name, bytes, mimeType, width, height) => {
    expect(probeImage(bytes)).toMatchObject({ mimeType, width, height });
  });

  it.each([
    ['text', Buffer.from('hello, I am not an image')],
    ['an empty file', Buffer.alloc(0)],
    ['SVG', Buffer.from('<svg xmlns="http://www.w3.org/2000/svg"/>')],
    ['a truncated PNG', png(3, 2).subarray(0, 12)],
    ['a RIFF that is not WebP', Buffer.from('RIFF\x10\x00\x00\x00WAVEfmt ', 'latin1')],
  ])('refuses %s as an unsupported type', (_name, bytes) => {
    expect(reasonOf(() => probeImage(bytes))).toBe(ContentErrorCode.UnsupportedMediaType);
  });

  it.each([
    [8193, 1],
    [1, 8193],
    [7000, 7000],
  ])('refuses %i×%i pixels', (width, height) => {
    expect(reasonOf(() => probeImage(pngClaiming(width, height)))).toBe(ContentErrorCode.ImageDimensionsTooLarge);
  });

  it('accepts 8192×4882 (just under 40 megapixels)', () => {
    expect(probeImage(pngClaiming(8192, 4882))).toMatchObject({ width: 8192, height: 4882 });
  });
});
