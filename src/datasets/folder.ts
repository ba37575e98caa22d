import path from 'node:path';
import sharp from 'sharp';
import { decodePlainPng } from './plain-png';
import { stratifiedSplit } from './sampler';
import type { SkipKind, SkippedFile } from './store';
import type { SourceFile } from './sources';
import { DatasetError, labelArray, type ImageSet, type SplitPair } from './types';

/** Image files of class sub-folders, decoded and resized by sharp. */
export const IMAGE_EXTENSIONS = ['.png', '.jpg', '.jpeg', '.webp', '.gif', '.tif', '.tiff'];

export interface ImageFolderOptions {
  height: number;
  width: number;
  /** Fraction of each class held out as test when the source has no train/ and test/ folders. */
  testFraction: number;
  seed: number;
  /** Refuse images over this many pixels before decoding them (a pixel bomb). */
  maxInputPixels: number;
  onProgress?: (done: number, total: number) => void;
}

export const DEFAULT_IMAGE_FOLDER_OPTIONS: ImageFolderOptions = {
  height: 32,
  width: 32,
  testFraction: 0.2,
  seed: 0,
  maxInputPixels: 64e6,
};

interface Candidate {
  file: SourceFile;
  className: string;
  split?: 'train' | 'test';
}

const SPLIT_DIRS: Record<string, 'train' | 'test'> = {
  train: 'train',
  training: 'train',
  test: 'test',
  testing: 'test',
};

/** Drops one wrapping folder that holds everything (zips often contain `mydata/<class>/...`). */
function stripCommonRoot(files: SourceFile[]): Array<{ file: SourceFile; parts: string[] }> {
  let items = files.map((file) => ({ file, parts: file.path.split('/') }));
  for (;;) {
    const first = items[0]?.parts[0];
    const wraps = items.length > 0 && items.every((i) => i.parts.length > 2 && i.parts[0] === first);
    const isSplit = first !== undefined && SPLIT_DIRS[first.toLowerCase()] !== undefined;
    if (!wraps || isSplit) return items;
    items = items.map((i) => ({ file: i.file, parts: i.parts.slice(1) }));
  }
}

/** Assigns each file its class (first folder, after an optional train/test folder) or a reason to skip it. */
function classify(files: SourceFile[], skipped: SkippedFile[]): Candidate[] {
  const items = stripCommonRoot(files);
  const hasSplitDirs = items.some((i) => i.parts.length > 2 && SPLIT_DIRS[i.parts[0].toLowerCase()]);
  const out: Candidate[] = [];
  for (const { file, parts } of items) {
    const ext = path.extname(file.path).toLowerCase();
    let rest = parts;
    let split: 'train' | 'test' | undefined;
    if (hasSplitDirs) {
      split = SPLIT_DIRS[parts[0].toLowerCase()];
      if (!split) {
        skipped.push({
          file: file.path,
          reason: 'outside the train/ and test/ folders',
          kind: 'outside-splits',
        });
        continue;
      }
      rest = parts.slice(1);
    }
    if (rest.length < 2)
      skipped.push({ file: file.path, reason: 'not inside a class folder', kind: 'not-in-class-folder' });
    else if (!IMAGE_EXTENSIONS.includes(ext)) {
      skipped.push({
        file: file.path,
        reason: `unsupported file type '${ext || '(none)'}'; use ${IMAGE_EXTENSIONS.join(' ')}`,
        kind: 'unsupported-format',
      });
    } else out.push({ file, className: rest[0], split });
  }
  return out;
}

/** Images read and files skipped, with a count per kind of skip (`other`: a skip recorded without a kind). */
export interface ImageCounts {
  read: number;
  skipped: number;
  skippedReasons: Partial<Record<SkipKind | 'other', number>>;
}

export function imageCounts(read: number, skipped: SkippedFile[]): ImageCounts {
  const skippedReasons: ImageCounts['skippedReasons'] = {};
  for (const s of skipped) skippedReasons[s.kind ?? 'other'] = (skippedReasons[s.kind ?? 'other'] ?? 0) + 1;
  return { read, skipped: skipped.length, skippedReasons };
}

interface Decoded {
  pixels: Buffer;
  channels: number;
}

/** Whether every pixel of an interleaved RGB buffer has R = G = B (a gray image stored as colour). */
function isGrayRgb(px: Buffer): boolean {
  for (let i = 0; i < px.length; i += 3) if (px[i] !== px[i + 1] || px[i] !== px[i + 2]) return false;
  return true;
}

/**
 * One pass to 8-bit sRGB; gray sources come out with R = G = B and are folded back to one channel (by
 * decode), which also catches gray images in formats without a gray mode (WebP, GIF).
 */
export async function decodeWithSharp(bytes: Buffer, opts: ImageFolderOptions): Promise<Buffer> {
  const { data, info } = await sharp(bytes, { failOn: 'warning', limitInputPixels: opts.maxInputPixels })
    .rotate() // honour EXIF orientation
    .removeAlpha()
    .resize(opts.width, opts.height, { fit: 'fill' })
    .toColourspace('srgb')
    .raw()
    .toBuffer({ resolveWithObject: true });
  if (info.channels !== 3 || data.length !== opts.width * opts.height * 3) {
    throw new Error(`${info.channels} channels after decoding`);
  }
  return data;
}

async function decode(file: SourceFile, opts: ImageFolderOptions): Promise<Decoded> {
  const bytes = await file.read();
  const data = decodePlainPng(bytes, opts.width, opts.height) ?? (await decodeWithSharp(bytes, opts));
  if (!isGrayRgb(data)) return { pixels: data, channels: 3 };
  const pixels = Buffer.allocUnsafe(data.length / 3);
  for (let i = 0; i < pixels.length; i++) pixels[i] = data[3 * i];
  return { pixels, channels: 1 };
}

/**
 * Decodes class sub-folders (optionally under train/ and test/) into a train/test pair. Grayscale stays
 * 1-channel unless some image is colour; undecodable or unsupported files are skipped with a reason.
 */
export async function ingestImageFolder(
  files: SourceFile[],
  options: Partial<ImageFolderOptions> = {},
  what = 'dataset',
): Promise<{ pair: SplitPair; skipped: SkippedFile[] }> {
  const opts = { ...DEFAULT_IMAGE_FOLDER_OPTIONS, ...options };
  const skipped: SkippedFile[] = [];
  const candidates = classify(files, skipped);
  const decoded: Array<{ c: Candidate; d: Decoded }> = [];
  const CONCURRENCY = 32;
  let done = 0;
  for (let i = 0; i < candidates.length; i += CONCURRENCY) {
    const batch = candidates.slice(i, i + CONCURRENCY);
    const results = await Promise.allSettled(batch.map((c) => decode(c.file, opts)));
    results.forEach((r, k) => {
      if (r.status === 'fulfilled') decoded.push({ c: batch[k], d: r.value });
      else {
        const message = (r.reason as Error).message;
        skipped.push({
          file: batch[k].file.path,
          reason: `corrupt or undecodable image: ${message}`,
          // sharp refuses images over maxInputPixels with this message: a size problem, not a broken file.
          kind: /pixel limit/i.test(message) ? 'too-large' : 'corrupt',
        });
      }
    });
    opts.onProgress?.((done += batch.length), candidates.length);
  }
  if (decoded.length === 0) {
    throw new DatasetError(
      `${what}: no usable images (${skipped.length} files skipped); expected class sub-folders like <path>/<class>/<image>.png`,
    );
  }
  const classNames = [...new Set(decoded.map((x) => x.c.className))].sort();
  if (classNames.length < 2) {
    throw new DatasetError(
      `${what}: all images are in one class ('${classNames[0]}'); a dataset needs at least two class folders`,
    );
  }
  const channels = decoded.every((x) => x.d.channels === 1) ? 1 : 3;
  const classIndex = new Map(classNames.map((c, i) => [c, i]));
  const hasSplits = decoded.some((x) => x.c.split);
  const build = (items: typeof decoded): ImageSet => {
    items.sort((a, b) => (a.c.file.path < b.c.file.path ? -1 : 1));
    const per = opts.height * opts.width * channels;
    const images = new Uint8Array(items.length * per);
    const labels = labelArray(items.length, classNames.length);
    items.forEach(({ c, d }, n) => {
      labels[n] = classIndex.get(c.className)!;
      if (d.channels === channels) images.set(d.pixels, n * per);
      else for (let p = 0; p < per / 3; p++) images.fill(d.pixels[p], n * per + 3 * p, n * per + 3 * p + 3);
    });
    return {
      images,
      labels,
      count: items.length,
      height: opts.height,
      width: opts.width,
      channels,
      classNames,
    };
  };
  if (!hasSplits) return { pair: stratifiedSplit(build(decoded), opts.testFraction, opts.seed), skipped };
  return {
    pair: {
      train: build(decoded.filter((x) => x.c.split !== 'test')),
      test: build(decoded.filter((x) => x.c.split === 'test')),
    },
    skipped,
  };
}
