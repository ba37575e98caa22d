import { createHash } from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import sharp from 'sharp';
import { packageDir } from './offline';
import { findEntry, getEntry } from './registry';
import { DatasetError, labelArray, type ImageSet, type Split, type SplitPair } from './types';

/**
 * The emoji datasets: the 64-px PNGs of the npm packages emoji-datasource-{google,apple,twitter}, one
 * dataset per art style, classified by the emoji's Unicode category.
 *
 * - Base emoji only. Skin-tone variants are left out: each is its base emoji recoloured, so keeping them
 *   would put near-copies of a test image in train (or make the split depend on more than one key).
 * - 'Component' (the five skin-tone swatches) is not a category of pictures and is dropped.
 * - Images identical after the 32×32 composite (e.g. flag-no = flag-sj, Apple's family silhouettes) are kept
 *   once, the first in sort_order: duplicates across the split would be test images seen in training.
 * - The split is per category over every non-Component entry of emoji.json (the same file in all three
 *   packages): the entries sorted by sha256 of their `unified` code points, the first half test, the rest
 *   train. So an emoji lands in the same split in every style, and a package upgrade moves only a few.
 */

/** 'facebook' is not a repository dataset: the family probe's unseen art style (its images have no clear licence). */
export type EmojiStyle = 'google' | 'apple' | 'twitter' | 'facebook';
export const EMOJI_SIZE = 32;
/** Half: a set holds ~1,900 emoji; ~940 test images keep an accuracy's standard error at most ~1.6 points. */
export const EMOJI_TEST_SHARE = 0.5;
const DROPPED_CATEGORY = 'Component';

/** The fields of an emoji.json entry we use. */
export interface EmojiEntry {
  unified: string;
  short_name: string;
  image: string;
  category: string;
  sort_order: number;
  has_img_google?: boolean;
  has_img_apple?: boolean;
  has_img_twitter?: boolean;
  has_img_facebook?: boolean;
}

/** A loaded style with the `unified` id of every image, so tests and tools can tell which emoji is which. */
export interface EmojiSet {
  pair: SplitPair;
  unified: Record<Split, string[]>;
  /** Dropped as a duplicate: `unified` → the `unified` of the image it duplicates. */
  duplicates: Map<string, string>;
}

export function emojiStyle(pkg: string): EmojiStyle {
  const m = /^emoji-datasource-(google|apple|twitter|facebook)$/.exec(pkg);
  if (!m) throw new DatasetError(`no emoji style for package '${pkg}'`);
  return m[1] as EmojiStyle;
}

export function readEmojiEntries(style: EmojiStyle): EmojiEntry[] {
  const file = path.join(packageDir(`emoji-datasource-${style}`), 'emoji.json');
  return JSON.parse(fs.readFileSync(file, 'utf8')) as EmojiEntry[];
}

/** The test-split `unified` ids (see the module comment); depends on emoji.json only, never on the style. */
export function emojiTestIds(entries: EmojiEntry[]): Set<string> {
  const byCategory = new Map<string, string[]>();
  for (const e of entries)
    if (e.category !== DROPPED_CATEGORY)
      byCategory.set(e.category, [...(byCategory.get(e.category) ?? []), e.unified]);
  const test = new Set<string>();
  for (const ids of byCategory.values()) {
    const ranked = ids.map((u) => [createHash('sha256').update(u).digest('hex'), u]).sort();
    for (const [, u] of ranked.slice(0, Math.round(ids.length * EMOJI_TEST_SHARE))) test.add(u);
  }
  return test;
}

/**
 * 64-px RGBA → over white (the PNGs are transparent around the glyph) → 32×32 RGB. Flattened before the resize,
 * which is sharp's default (lanczos3, as `datasets add` resizes), so the filter sees what a viewer would.
 */
async function composite(file: string): Promise<Buffer> {
  const { data, info } = await sharp(file, { failOn: 'warning' })
    .flatten({ background: '#ffffff' })
    .resize(EMOJI_SIZE, EMOJI_SIZE, { fit: 'fill' })
    .toColourspace('srgb')
    .raw()
    .toBuffer({ resolveWithObject: true });
  if (info.channels !== 3 || data.length !== EMOJI_SIZE * EMOJI_SIZE * 3)
    throw new DatasetError(`${file}: ${info.channels} channels after decoding`);
  return data;
}

/** Decodes in batches: all at once would queue ~1,900 sharp jobs and their buffers. */
async function mapBatched<T, R>(items: T[], size: number, fn: (t: T) => Promise<R>): Promise<R[]> {
  const out: R[] = [];
  for (let i = 0; i < items.length; i += size)
    out.push(...(await Promise.all(items.slice(i, i + size).map(fn))));
  return out;
}

export async function loadEmojiSet(style: EmojiStyle): Promise<EmojiSet> {
  // The styles share their classes; 'facebook' has no registry entry of its own.
  const classNames = (findEntry(`emoji-${style}`) ?? getEntry('emoji-google')).classNames;
  const entries = readEmojiEntries(style);
  const unknown = entries.find((e) => e.category !== DROPPED_CATEGORY && !classNames.includes(e.category));
  if (unknown)
    throw new DatasetError(`emoji ${unknown.unified}: category '${unknown.category}' not in the registry`);
  const imgDir = path.join(packageDir(`emoji-datasource-${style}`), 'img', style, '64');
  // In Unicode's order (sort_order): classes come grouped, and of identical images the first is kept.
  const usable = entries
    .filter((e) => e.category !== DROPPED_CATEGORY && e[`has_img_${style}`] === true)
    .filter((e) => fs.existsSync(path.join(imgDir, e.image)))
    .sort((a, b) => a.sort_order - b.sort_order);
  const pixels = await mapBatched(usable, 32, (e) => composite(path.join(imgDir, e.image)));
  const testIds = emojiTestIds(entries);
  const seen = new Map<string, string>();
  const duplicates = new Map<string, string>();
  const chosen: Record<Split, number[]> = { train: [], test: [] };
  usable.forEach((e, i) => {
    const key = createHash('sha256').update(pixels[i]).digest('hex');
    const first = seen.get(key);
    if (first !== undefined) duplicates.set(e.unified, first);
    else {
      seen.set(key, e.unified);
      chosen[testIds.has(e.unified) ? 'test' : 'train'].push(i);
    }
  });
  const per = EMOJI_SIZE * EMOJI_SIZE * 3;
  const build = (idx: number[]): ImageSet => {
    const images = new Uint8Array(idx.length * per);
    const labels = labelArray(idx.length, classNames.length);
    idx.forEach((i, k) => {
      images.set(pixels[i], k * per);
      labels[k] = classNames.indexOf(usable[i].category);
    });
    return {
      images,
      labels,
      count: idx.length,
      height: EMOJI_SIZE,
      width: EMOJI_SIZE,
      channels: 3,
      classNames,
    };
  };
  return {
    pair: { train: build(chosen.train), test: build(chosen.test) },
    unified: {
      train: chosen.train.map((i) => usable[i].unified),
      test: chosen.test.map((i) => usable[i].unified),
    },
    duplicates,
  };
}

/** What the repository stores: the pair only. */
export async function loadEmojiOffline(pkg: string): Promise<SplitPair> {
  return (await loadEmojiSet(emojiStyle(pkg))).pair;
}

/** Part of the stored recipe: sharp's resampler decides the pixels, so a libvips upgrade rebuilds the sets. */
export function emojiEnvironment(): Record<string, string> {
  return { vips: sharp.versions.vips ?? 'unknown' };
}
