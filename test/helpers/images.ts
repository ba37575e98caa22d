import fs from 'node:fs';
import path from 'node:path';
import sharp from 'sharp';
import { loadMnistOffline } from '../../src/datasets/offline';
import { SeededRandom } from '../../src/random';

/** `count` real MNIST test digits as 28×28 grey PNGs in class sub-folders (the layout dlrec accepts). */
export async function writeDigitFolder(dir: string, count = 64): Promise<void> {
  const { test: digits } = loadMnistOffline();
  for (let i = 0; i < count; i++) {
    const cls = path.join(dir, String(digits.labels[i]));
    fs.mkdirSync(cls, { recursive: true });
    const px = Buffer.from(digits.images.subarray(i * 784, (i + 1) * 784));
    await sharp(px, { raw: { width: 28, height: 28, channels: 1 } })
      .png()
      .toFile(path.join(cls, `${i}.png`));
  }
}

/**
 * `count` 32×32 colour PNGs of seeded uniform noise in `classes` class folders — images that resemble no
 * repository dataset — plus two corrupt files in the first class: a PNG cut in half and random bytes named .jpg.
 */
export async function writeNoiseFolder(dir: string, count = 48, classes = 3): Promise<void> {
  const rng = new SeededRandom(7);
  let png = Buffer.alloc(0);
  for (let i = 0; i < count; i++) {
    const cls = path.join(dir, `class-${i % classes}`);
    fs.mkdirSync(cls, { recursive: true });
    const px = Buffer.from(Array.from({ length: 32 * 32 * 3 }, () => rng.int(256)));
    png = await sharp(px, { raw: { width: 32, height: 32, channels: 3 } })
      .png()
      .toBuffer();
    fs.writeFileSync(path.join(cls, `${i}.png`), png);
  }
  fs.writeFileSync(path.join(dir, 'class-0', 'truncated.png'), png.subarray(0, png.length >> 1));
  fs.writeFileSync(
    path.join(dir, 'class-0', 'garbage.jpg'),
    Buffer.from(Array.from({ length: 500 }, () => rng.int(256))),
  );
}
