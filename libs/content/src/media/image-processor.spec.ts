import { crc32, deflateSync } from 'node:zlib';
import { decode, isBlurhashValid } from 'blurhash';
import sharp from 'sharp';
import { gif, jpeg, png, webp } from '../../../../test/fixtures/images';
import { ContentErrorCode, ContentException } from '../content.exception';
import { probeImage } from './image-probe';
import { previewSize, processImage } from './image-processor';

type Rgb = [number, number, number];

const BASE83 = '0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz#$%*+,-.:;=?@[]^_{|}~';

/** A PNG from sharp: one colour, or two halves (left, right). */
function solid(width: number, height: number, rgb: Rgb): Promise<Buffer> {
  return sharp({ create: { width, height, channels: 3, background: { r: rgb[0], g: rgb[1], b: rgb[2] } } })
    .png()
    .toBuffer();
}

async function halves(width: number, height: number, left: Rgb, right: Rgb): Promise<Buffer> {
  const half = Math.floor(width / 2);
  const rightHalf = await sharp({
    create: { width: width - half, height, channels: 3, background: { r: right[0], g: right[1], b: right[2] } },
  })
    .png()
    .toBuffer();
  return sharp({ create: { width, height, channels: 3, background: { r: left[0], g: left[1], b: left[2] } } })
    .composite([{ input: rightHalf, left: half, top: 0 }])
    .png()
    .toBuffer();
}

function pngChunk(type: string, data: Buffer): Buffer {
  const length = Buffer.alloc(4);
  length.writeUInt32BE(data.length);
  const body = Buffer.concat([Buffer.from(type, 'latin1'), data]);
  const crc = Buffer.alloc(4);
  crc.writeUInt32BE(crc32(body));
  return Buffer.concat([length, body, crc]);
}

/** A black-and-white PNG of `side`×`side` zeros: a few KB that decode to side² pixels. */
function bombPng(side: number): Buffer {
  const header = Buffer.alloc(13);
  header.writeUInt32BE(side, 0);
  header.writeUInt32BE(side, 4);
  header.set([1, 0, 0, 0, 0], 8); // 1-bit greyscale
  const rows = Buffer.alloc((1 + Math.ceil(side / 8)) * side);
  return Buffer.concat([
    Buffer.from('\x89PNG\r\n\x1a\n', 'latin1'),
    pngChunk('IHDR', header),
    pngChunk('IDAT', deflateSync(rows, { level: 9 })),
    pngChunk('IEND', Buffer.alloc(0)),
  ]);
}

async function reasonOf(promise: Promise<unknown>): Promise<string | undefined> {
  try {
    await promise;
  } catch (error) {
    if (error instanceof ContentException) return error.reason;
    throw error;
  }
  return undefined;
}

/** The colour a BlurHash shows at (x, y) of a 32×32 rendering. */
function blurColourAt(hash: string, x: number, y: number): Rgb {
  const pixels = decode(hash, 32, 32);
  const at = (y * 32 + x) * 4;
  return [pixels[at], pixels[at + 1], pixels[at + 2]];
}

describe('previewSize (Mastodon’s small style: at most 230,400 pixels)', () => {
  it.each([
    [1920, 1080, 640, 360],
    [1080, 1920, 360, 640],
    [4000, 3000, 554, 415],
    [1000, 1000, 480, 480],
    [640, 360, 640, 360],
    [300, 200, 300, 200],
    [8192, 100, 4344, 53],
    [1, 8192, 1, 8192],
  ])('fits %i×%i into %i×%i', (width, height, w, h) => {
    expect(previewSize(width, height)).toEqual({ width: w, height: h });
    expect(w * h).toBeLessThanOrEqual(230_400);
  });
});

describe('processImage', () => {
  it.each([
    ['landscape', 1920, 1080, 640, 360],
    ['portrait', 900, 1600, 360, 640],
  ])('makes a WebP preview of a %s image within 230,400 pixels', async (_name, width, height, w, h) => {
    const bytes = await solid(width, height, [10, 120, 200]);
    const result = await processImage(bytes, probeImage(bytes));
    expect(result).toMatchObject({ width, height, rewritten: false });
    expect(result.original).toBe(bytes);
    expect(result.preview).toMatchObject({ width: w, height: h, mimeType: 'image/webp' });
    const meta = await sharp(result.preview.bytes).metadata();
    expect([meta.format, meta.width, meta.height]).toEqual(['webp', w, h]);
  });

  it('computes a 4×4 BlurHash whose colours are the image’s', async () => {
    const bytes = await halves(400, 200, [230, 20, 20], [20, 20, 230]);
    const { blurhash } = await processImage(bytes, probeImage(bytes));
    expect(isBlurhashValid(blurhash)).toEqual({ result: true });
    // 4×4 components: a size flag of (4 − 1) + (4 − 1) × 9 = 30 ('U'), the maximum, the average
    // colour (4 characters), then 15 components of 2 characters.
    expect(blurhash).toHaveLength(36);
    expect(blurhash[0]).toBe('U');
    const [lr, , lb] = blurColourAt(blurhash, 2, 16);
    const [rr, , rb] = blurColourAt(blurhash, 29, 16);
    expect(lr).toBeGreaterThan(150);
    expect(lb).toBeLessThan(100);
    expect(rb).toBeGreaterThan(150);
    expect(rr).toBeLessThan(100);
  });

  it('gives a one-colour image a flat BlurHash of that colour', async () => {
    const bytes = await solid(400, 200, [200, 40, 90]);
    const { blurhash } = await processImage(bytes, probeImage(bytes));
    // Characters 2–5 are the average colour, as sRGB packed in base 83.
    const average = [...blurhash.slice(2, 6)].reduce((n, c) => n * 83 + BASE83.indexOf(c), 0);
    expect([average >> 16, (average >> 8) & 255, average & 255]).toEqual([200, 40, 90]);
    // BlurHash's cosine basis is not exactly orthogonal on a sampled image (here 100×50 pixels),
    // so a flat image keeps a little energy in its other components: the rendering stays close.
    for (const [x, y] of [
      [0, 0],
      [31, 31],
      [16, 8],
    ]) {
      const colour = blurColourAt(blurhash, x, y);
      colour.forEach((channel, i) => expect(Math.abs(channel - [200, 40, 90][i])).toBeLessThanOrEqual(12));
    }
  });

  it.each([
    ['PNG', png(3, 2), 3, 2],
    ['JPEG', jpeg(16, 9), 16, 9],
    ['GIF', gif(5, 4), 5, 4],
    ['WebP', webp(7, 3), 7, 3],
  ])('processes the %s fixture, storing its bytes unchanged', async (_name, bytes, width, height) => {
    const result = await processImage(bytes, probeImage(bytes));
    expect(result).toMatchObject({ width, height, rewritten: false, original: bytes });
    expect(result.preview).toMatchObject({ width, height });
    expect(isBlurhashValid(result.blurhash).result).toBe(true);
  });

  it('handles a greyscale image with transparency', async () => {
    const bytes = await sharp({ create: { width: 50, height: 50, channels: 4, background: '#80808080' } })
      .toColourspace('b-w')
      .png()
      .toBuffer();
    expect((await sharp(bytes).metadata()).channels).toBe(2);
    const result = await processImage(bytes, probeImage(bytes));
    const [r, g, b] = blurColourAt(result.blurhash, 16, 16);
    expect(Math.abs(r - 128)).toBeLessThanOrEqual(3);
    expect([g, b]).toEqual([r, r]);
  });

  it('strips EXIF (GPS included) from a JPEG and turns it upright by its orientation', async () => {
    const bytes = await sharp({ create: { width: 40, height: 20, channels: 3, background: '#3366cc' } })
      .jpeg()
      .withExif({
        IFD0: { Make: 'PhoneCo', Model: 'Pocket 9' },
        IFD3: { GPSLatitudeRef: 'N', GPSLatitude: '48/1 51/1 24/1' },
      })
      .withMetadata({ orientation: 6 })
      .toBuffer();
    const before = await sharp(bytes).metadata();
    expect(before.orientation).toBe(6);
    expect(before.exif?.toString('latin1')).toContain('PhoneCo');

    const result = await processImage(bytes, probeImage(bytes));
    // Orientation 6 is a quarter turn: the upright image is 20 wide and 40 high.
    expect(result).toMatchObject({ rewritten: true, width: 20, height: 40 });
    expect(result.preview).toMatchObject({ width: 20, height: 40 });
    const after = await sharp(result.original).metadata();
    expect([after.format, after.width, after.height]).toEqual(['jpeg', 20, 40]);
    expect(after.exif).toBeUndefined();
    expect(after.orientation).toBeUndefined();
    expect(result.original.includes('PhoneCo')).toBe(false);
    expect(result.original.includes('Exif\0')).toBe(false);
  });

  it('strips text chunks from a PNG and keeps its pixels', async () => {
    const bytes = await sharp(await solid(8, 8, [1, 2, 3]))
      .png()
      .withMetadata()
      .withXmp('<x:xmpmeta xmlns:x="adobe:ns:meta/"><secret>where I live</secret></x:xmpmeta>')
      .toBuffer();
    expect((await sharp(bytes).metadata()).xmp).toBeDefined();
    const result = await processImage(bytes, probeImage(bytes));
    expect(result.rewritten).toBe(true);
    expect(result.original.includes('where I live')).toBe(false);
    const after = await sharp(result.original).metadata();
    expect([after.format, after.width, after.height, after.xmp]).toEqual(['png', 8, 8, undefined]);
    const { data } = await sharp(result.original).raw().toBuffer({ resolveWithObject: true });
    expect([...data.subarray(0, 3)]).toEqual([1, 2, 3]);
  });

  it('refuses a decompression bomb: 8 KB of PNG that would decode to 67 megapixels', async () => {
    const bomb = bombPng(8192);
    expect(bomb.length).toBeLessThan(16_384);
    expect(await reasonOf(processImage(bomb, { mimeType: 'image/png' }))).toBe(
      ContentErrorCode.ImageDimensionsTooLarge,
    );
  });

  it('refuses more pixels than the cap, and an animation whose frames together exceed it', async () => {
    const still = await solid(300, 300, [9, 9, 9]);
    expect(await reasonOf(processImage(still, { mimeType: 'image/png' }, 80_000))).toBe(
      ContentErrorCode.ImageDimensionsTooLarge,
    );
    // Five 100×100 frames: each within a 40,000-pixel cap, 50,000 together.
    const frames = await Promise.all([1, 2, 3, 4, 5].map((i) => solid(100, 100, [i * 40, 0, 0])));
    const animation = await sharp(frames, { join: { animated: true } })
      .gif()
      .toBuffer();
    expect((await sharp(animation).metadata()).pages).toBe(5);
    expect(await reasonOf(processImage(animation, { mimeType: 'image/gif' }, 40_000))).toBe(
      ContentErrorCode.ImageDimensionsTooLarge,
    );
    const result = await processImage(animation, { mimeType: 'image/gif' }, 50_000);
    expect(result).toMatchObject({ width: 100, height: 100, rewritten: false, original: animation });
  });

  it('refuses an image that cannot be decoded as UNPROCESSABLE_IMAGE', async () => {
    const good = png(16, 16);
    // The header is intact (so the probe passes); the pixel data is not.
    const broken = Buffer.from(good);
    broken.fill(0x55, 41, good.length - 12);
    expect(probeImage(broken)).toMatchObject({ width: 16, height: 16 });
    expect(await reasonOf(processImage(broken, probeImage(broken)))).toBe(ContentErrorCode.UnprocessableImage);
  });
});
