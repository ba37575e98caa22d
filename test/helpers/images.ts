import fs from 'node:fs';
import path from 'node:path';
import sharp from 'sharp';
import { loadMnistOffline } from '../../src/datasets/offline';

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
