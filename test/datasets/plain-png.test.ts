// The PNG fast path must give exactly the bytes of sharp's pipeline, and hand everything else to sharp.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { crc32 } from 'node:zlib';
import { PNG } from 'pngjs';
import sharp, { type PngOptions } from 'sharp';
import { DEFAULT_IMAGE_FOLDER_OPTIONS, decodeWithSharp } from '../../src/datasets/folder';
import { packageDir } from '../../src/datasets/offline';
import { decodePlainPng } from '../../src/datasets/plain-png';

const SIZE = 32;
const opts = { ...DEFAULT_IMAGE_FOLDER_OPTIONS, height: SIZE, width: SIZE };

/** Seeded pixels with structure (gradients) and noise, so that every PNG filter type gets used. */
function pixels(channels: number, seed: number, side = SIZE): Buffer {
  const out = Buffer.alloc(side * side * channels);
  let s = seed;
  for (let i = 0; i < out.length; i++) {
    s = (s * 1103515245 + 12345) >>> 0;
    const p = Math.floor(i / channels);
    out[i] = i % 7 === 0 ? s >>> 24 : ((p % side) * 8 + Math.floor(p / side) * 3 + (i % channels) * 40) & 255;
  }
  return out;
}

const sharpPng = (channels: 1 | 2 | 3 | 4, png: PngOptions = {}, seed = 1) =>
  sharp(pixels(channels, seed), { raw: { width: SIZE, height: SIZE, channels } })
    .toColourspace(channels < 3 ? 'b-w' : 'srgb')
    .png(png)
    .toBuffer();

function pngjsPng(colorType: 0 | 2 | 4 | 6, seed: number): Buffer {
  const png = new PNG({ width: SIZE, height: SIZE, colorType, inputColorType: 6, inputHasAlpha: true });
  png.data = pixels(4, seed);
  return PNG.sync.write(png, { colorType, inputColorType: 6, inputHasAlpha: true });
}

/** `png` with one more chunk just before IEND. */
function withChunk(png: Buffer, type: string, data: Buffer): Buffer {
  const body = Buffer.concat([Buffer.from(type, 'latin1'), data]);
  const chunk = Buffer.alloc(12 + data.length);
  chunk.writeUInt32BE(data.length, 0);
  body.copy(chunk, 4);
  chunk.writeUInt32BE(crc32(body), 8 + data.length);
  return Buffer.concat([png.subarray(0, png.length - 12), chunk, png.subarray(png.length - 12)]);
}

/** `png` must be of this colour type (and interlacing) for the case to test what it says. */
function ofType(png: Buffer, colourType: number, interlaced = 0): Buffer {
  assert.deepEqual([png[25], png[28]], [colourType, interlaced], 'colour type and interlace method');
  return png;
}

async function sameAsSharp(name: string, png: Buffer, o = opts): Promise<void> {
  const fast = decodePlainPng(png, o.width, o.height);
  assert.ok(fast, `${name}: should take the fast path`);
  assert.ok(fast.equals(await decodeWithSharp(png, o)), `${name}: pixels differ from sharp's`);
}

test('plain PNGs of every colour type decode to exactly what sharp gives', async () => {
  await sameAsSharp('grey (sharp)', ofType(await sharpPng(1), 0));
  await sameAsSharp('grey + alpha (sharp)', ofType(await sharpPng(2), 4));
  await sameAsSharp('RGB (sharp)', ofType(await sharpPng(3), 2));
  await sameAsSharp('RGBA (sharp)', ofType(await sharpPng(4), 6));
  await sameAsSharp('palette', ofType(await sharpPng(3, { palette: true, colours: 64, dither: 0 }), 3));
  await sameAsSharp(
    'palette with transparency',
    ofType(await sharpPng(4, { palette: true, colours: 64 }), 3),
  );
  await sameAsSharp('interlaced (Adam7)', ofType(await sharpPng(3, { progressive: true }), 2, 1));
  for (const colorType of [0, 2, 4, 6] as const) {
    await sameAsSharp(
      `pngjs colour type ${colorType}`,
      ofType(pngjsPng(colorType, 7 + colorType), colorType),
    );
  }
  const rgb = await sharpPng(3, {}, 3);
  const key = Buffer.from([0, rgb[0], 0, rgb[1], 0, rgb[2]]); // a transparent colour (tRNS) the image uses
  await sameAsSharp('RGB with a transparent colour', withChunk(rgb, 'tRNS', key));
  await sameAsSharp('with a text chunk', withChunk(rgb, 'tEXt', Buffer.from('Comment\0dlrec', 'latin1')));
});

test('real emoji PNGs (64×64 RGBA) decode to exactly what sharp gives', async () => {
  const dir = path.join(packageDir('emoji-datasource-google'), 'img', 'google', '64');
  const files = readdirSync(dir)
    .filter((f) => f.endsWith('.png'))
    .slice(0, 40);
  assert.equal(files.length, 40);
  for (const f of files)
    await sameAsSharp(f, readFileSync(path.join(dir, f)), { ...opts, height: 64, width: 64 });
});

test('PNGs that sharp must decode are left to it', async () => {
  const rgb = await sharpPng(3);
  const cases: Array<[string, Buffer]> = [
    [
      'another size',
      await sharp(pixels(3, 1, 40), { raw: { width: 40, height: 40, channels: 3 } })
        .png()
        .toBuffer(),
    ],
    ['16 bits per sample', await rgb16()],
    ['a gamma chunk', withChunk(rgb, 'gAMA', Buffer.from([0, 0, 0xb1, 0x8f]))],
    ['an ICC profile chunk', withChunk(rgb, 'iCCP', Buffer.from('x\0\0', 'latin1'))],
    [
      'EXIF (orientation)',
      await sharp(rgb)
        .withExif({ IFD0: { Orientation: '6' } })
        .png()
        .toBuffer(),
    ],
    [
      'a JPEG',
      await sharp(pixels(3, 1), { raw: { width: SIZE, height: SIZE, channels: 3 } })
        .jpeg()
        .toBuffer(),
    ],
    ['truncated', rgb.subarray(0, rgb.length - 20)],
  ];
  const corrupt = Buffer.from(rgb);
  corrupt[corrupt.indexOf('IDAT', 0, 'latin1') + 10] ^= 0xff; // a bad CRC
  cases.push(['a corrupt data chunk', corrupt]);
  for (const [name, png] of cases) assert.equal(decodePlainPng(png, SIZE, SIZE), undefined, name);
  await assert.rejects(decodeWithSharp(corrupt, opts), 'sharp words the error of a corrupt PNG');
});

/** A 16-bit RGB PNG of SIZE×SIZE. */
async function rgb16(): Promise<Buffer> {
  const png = await sharp(pixels(3, 1), { raw: { width: SIZE, height: SIZE, channels: 3 } })
    .toColourspace('rgb16')
    .png()
    .toBuffer();
  assert.equal(png[24], 16, 'bit depth');
  return png;
}
