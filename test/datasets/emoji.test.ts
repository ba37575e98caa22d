import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import sharp from 'sharp';
import { FileArtifactStore } from '../../infra/store';
import { loadEmojiSet, type EmojiSet, type EmojiStyle } from '../../src/datasets/emoji';
import { packageDir } from '../../src/datasets/offline';
import { availability, getEntry, offlineNames } from '../../src/datasets/registry';
import { ensureDataset, loadDataset } from '../../src/datasets/repository';
import type { Split } from '../../src/datasets/types';
import { tempDir } from './helpers';

/** The styles the repository holds ('facebook' is only the family probe's). */
type RepositoryStyle = Exclude<EmojiStyle, 'facebook'>;
const STYLES: RepositoryStyle[] = ['google', 'apple', 'twitter'];
const PX = 32 * 32 * 3;

// Loading a style decodes ~1,900 PNGs (seconds), so each is loaded once for the whole file.
const cache = new Map<EmojiStyle, Promise<EmojiSet>>();
function load(style: EmojiStyle): Promise<EmojiSet> {
  if (!cache.has(style)) cache.set(style, loadEmojiSet(style));
  return cache.get(style)!;
}

function classCounts(set: EmojiSet['pair']['train']): number[] {
  const n = new Array<number>(set.classNames.length).fill(0);
  for (const l of set.labels) n[l]++;
  return n;
}

/** Measured on emoji-datasource 16.0.0, in the registry's class order; Apple lacks three Symbols images. */
const COUNTS: Record<RepositoryStyle, Record<Split, number[]>> = {
  google: {
    train: [84, 191, 79, 65, 109, 42, 132, 112, 129],
    test: [85, 190, 80, 66, 109, 43, 132, 112, 132],
  },
  apple: {
    train: [84, 181, 79, 65, 109, 42, 132, 111, 129],
    test: [85, 179, 80, 66, 109, 43, 132, 110, 131],
  },
  twitter: {
    train: [84, 181, 79, 65, 109, 42, 132, 112, 131],
    test: [85, 179, 80, 66, 109, 43, 132, 112, 132],
  },
};

test('emoji registry: three offline siblings, the package categories in their order without Component', () => {
  assert.deepEqual(
    offlineNames().filter((n) => n.startsWith('emoji-')),
    ['emoji-google', 'emoji-apple', 'emoji-twitter'],
  );
  for (const style of STYLES) {
    const e = getEntry(`emoji-${style}`);
    assert.equal(availability(e), 'offline');
    assert.equal(e.family, 'emoji');
    assert.equal(e.offline?.package, `emoji-datasource-${style}`);
    assert.deepEqual([e.height, e.width, e.channels], [32, 32, 3]);
    const file = path.join(packageDir(`emoji-datasource-${style}`), 'categories.json');
    const cats = Object.keys(JSON.parse(readFileSync(file, 'utf8')) as object);
    assert.ok(cats.includes('Component'));
    assert.deepEqual(
      e.classNames,
      cats.filter((c) => c !== 'Component'),
    );
  }
});

for (const style of STYLES) {
  test(`emoji-${style}: class counts per split, matching the registry`, async () => {
    const { pair } = await load(style);
    assert.deepEqual({ train: classCounts(pair.train), test: classCounts(pair.test) }, COUNTS[style]);
    const e = getEntry(`emoji-${style}`);
    assert.deepEqual({ train: pair.train.count, test: pair.test.count }, e.splits);
    assert.equal(pair.train.channels, 3);
    assert.ok(!pair.train.classNames.includes('Component'));
  });
}

test('emoji split: an emoji is in the same split in every style, about half of each category is test', async () => {
  const splitOf = new Map<string, Split>();
  for (const style of STYLES) {
    const { unified } = await load(style);
    for (const split of ['train', 'test'] as const)
      for (const u of unified[split]) {
        const seen = splitOf.get(u);
        assert.ok(seen === undefined || seen === split, `${u}: ${seen} elsewhere, ${split} in ${style}`);
        splitOf.set(u, split);
      }
  }
  const g = await load('google');
  const train = classCounts(g.pair.train);
  classCounts(g.pair.test).forEach((t, c) => {
    const share = t / (t + train[c]);
    assert.ok(share > 0.47 && share < 0.53, `${g.pair.test.classNames[c]}: test share ${share}`);
  });
});

test('emoji sets hold base emoji only: no skin tones, no Component, no repeated image', async () => {
  for (const style of STYLES) {
    const { pair, unified, duplicates } = await load(style);
    const ids = [...unified.train, ...unified.test];
    assert.equal(new Set(ids).size, ids.length);
    // 1F3FB–1F3FF are the skin-tone modifiers: alone they are Component, inside a sequence a variant.
    assert.ok(!ids.some((u) => /1F3F[B-F]/.test(u)), `${style}: a skin tone slipped in`);
    for (const set of [pair.train, pair.test]) {
      const hashes = new Set<string>();
      for (let i = 0; i < set.count; i++)
        hashes.add(
          createHash('sha256')
            .update(set.images.subarray(i * PX, (i + 1) * PX))
            .digest('hex'),
        );
      assert.equal(hashes.size, set.count, `${style}: identical images`);
    }
    // flag-sj is drawn as Norway's flag in every style, so it is dropped as a duplicate.
    assert.ok(duplicates.has('1F1F8-1F1EF'), `${style}: flag-sj kept`);
  }
  const apple = await load('apple');
  for (const u of ['2640-FE0F', '2642-FE0F', '2695-FE0F'])
    assert.ok(![...apple.unified.train, ...apple.unified.test].includes(u), `apple has no image for ${u}`);
});

/** Emoji with a known class and split, and the centre pixel of each style's 32×32 composite. */
const GOLDEN: Array<{
  unified: string;
  cls: string;
  split: Split;
  centre: Record<RepositoryStyle, number[]>;
}> = [
  {
    unified: '1F600', // grinning face
    cls: 'Smileys & Emotion',
    split: 'train',
    centre: { google: [253, 224, 49], apple: [255, 221, 48], twitter: [253, 202, 76] },
  },
  {
    unified: '1F44D', // thumbs up
    cls: 'People & Body',
    split: 'test',
    centre: { google: [255, 201, 40], apple: [255, 215, 91], twitter: [255, 221, 95] },
  },
  {
    unified: '1F355', // pizza
    cls: 'Food & Drink',
    split: 'test',
    centre: { google: [255, 210, 142], apple: [236, 172, 84], twitter: [255, 207, 77] },
  },
  {
    unified: '1F1EF-1F1F5', // flag of Japan: the red disc in the middle
    cls: 'Flags',
    split: 'train',
    centre: { google: [187, 0, 44], apple: [197, 38, 75], twitter: [237, 27, 47] },
  },
];

/** Straight alpha blend over white, per pixel, of sharp's RGBA output: the check on the loader's flatten. */
function overWhite(rgba: Buffer): number[] {
  const out: number[] = [];
  for (let p = 0; p < rgba.length; p += 4) {
    const a = rgba[p + 3] / 255;
    for (let c = 0; c < 3; c++) out.push(rgba[p + c] * a + 255 * (1 - a));
  }
  return out;
}

const mean = (px: ArrayLike<number>, c: number) => {
  let s = 0;
  for (let i = c; i < px.length; i += 3) s += px[i];
  return s / (px.length / 3);
};

for (const style of STYLES) {
  test(`emoji-${style} golden images: class, split and pixels against an independent composite`, async () => {
    const { pair, unified } = await load(style);
    for (const g of GOLDEN) {
      const i = unified[g.split].indexOf(g.unified);
      assert.ok(i >= 0, `${g.unified} is in ${style} ${g.split}`);
      const set = pair[g.split];
      assert.equal(set.classNames[set.labels[i]], g.cls, g.unified);
      const px = set.images.subarray(i * PX, (i + 1) * PX);
      assert.deepEqual([...px.subarray(0, 3)], [255, 255, 255], `${g.unified}: white background`);
      const c = (16 * 32 + 16) * 3;
      [...px.subarray(c, c + 3)].forEach((v, k) =>
        assert.ok(Math.abs(v - g.centre[style][k]) <= 2, `${g.unified} centre ${[...px.subarray(c, c + 3)]}`),
      );
      const file = path.join(
        packageDir(`emoji-datasource-${style}`),
        'img',
        style,
        '64',
        `${g.unified.toLowerCase()}.png`,
      );
      const rgba = (size: number) =>
        sharp(file).resize(size, size, { fit: 'fill' }).toColourspace('srgb').ensureAlpha().raw().toBuffer();
      // Resizing with alpha and blending after differs from flattening first only where lanczos rings.
      const small = overWhite(await rgba(32));
      const mad = small.reduce((a, v, k) => a + Math.abs(v - px[k]), 0) / PX;
      assert.ok(mad < 2, `${g.unified}: mean abs difference ${mad} from the blended RGBA resize`);
      // The mean colour survives a 2× downscale: compare with the 64-px original blended over white.
      const big = overWhite(await rgba(64));
      for (let k = 0; k < 3; k++)
        assert.ok(Math.abs(mean(px, k) - mean(big, k)) < 1.5, `${g.unified}: mean colour, channel ${k}`);
    }
  });
}

test('emoji through the repository: ensureDataset stores the loader output as an offline emoji dataset', async () => {
  const { dir, cleanup } = tempDir();
  try {
    const store = new FileArtifactStore(path.join(dir, 'store'));
    const m = await ensureDataset(store, 'emoji-twitter');
    assert.equal(m.kind, 'offline');
    assert.equal(m.family, 'emoji');
    assert.deepEqual(m.splits.test.classCounts, COUNTS.twitter.test);
    assert.equal((m.recipe as { version: string }).version, '16.0.0');
    const t = await loadDataset(store, 'emoji-twitter', 'test');
    assert.deepEqual(t.images, (await load('twitter')).pair.test.images);
  } finally {
    cleanup();
  }
});
