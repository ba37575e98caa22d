import { createHash } from 'node:crypto';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import path from 'node:path';
import { gzipSync } from 'node:zlib';
import { encodeCifarBinary } from './cifar';
import { encodeIdx } from './idx';
import { getEntry, type DownloadFile, type RegistryEntry } from './registry';
import { SeededRandom, subSeed } from '../random';
import { STL10_CLASSES } from './stl10';
import { encodeSvhnMat } from './svhn-mat';
import { makeTar } from './tar';
import { DatasetError, labelArray, type ImageSet } from './types';
import { makeZip } from './zip';

/**
 * A dataset mirror: small archives in each paper dataset's real file format and file names, served over HTTP on
 * 127.0.0.1 with a size and sha256 table, so that tests, benchmarks and `dlrec build --simulate` run the same
 * fetch → verify → convert path as a production build that downloads the real files.
 */

/**
 * Where datasets are downloaded from instead of the registry's URLs: per dataset its files (role, url, size,
 * sha256), the same shape as a registry entry's `files`. A build profile's `datasets.mirror` (src/profiles.ts).
 */
export interface DatasetMirror {
  baseUrl: string;
  files: Record<string, DownloadFile[]>;
}

/** The seven datasets of the paper that are fetched from the network, in the paper's order. */
export const PAPER_DATASETS = ['mnist', 'fashion-mnist', 'cifar-10', 'cifar-100', 'svhn', 'stl-10', 'gtsrb'];

export interface SyntheticArchive {
  /** The registry file's role (train-images, archive, test-labels…). */
  role: string;
  /** The registry URL's file name (train-images-idx3-ubyte.gz, cifar-10-binary.tar.gz…). */
  basename: string;
  data: Buffer;
}

export interface SyntheticOptions {
  /** Images in the train and the test split. */
  train: number;
  test: number;
  seed: number;
}

// ---------------------------------------------------------------------------------------------------------
// Images: every class has a look (grating orientation and frequency, blob position and size, hue, shape) fixed
// by the dataset and the class; every image jitters it and adds the dataset's background, colour and noise.

interface ClassLook {
  angle: number;
  freq: number;
  cx: number;
  cy: number;
  radius: number;
  hue: number;
  shape: number;
  phase: number;
}

function classLook(dataset: string, k: number, classes: number): ClassLook {
  const r = new SeededRandom(subSeed(7919, `${dataset}#${k}`));
  return {
    // Golden-ratio spacing spreads orientations and frequencies evenly for any number of classes.
    angle: Math.PI * ((k * 0.6180339887 + 0.05) % 1),
    freq: 1.2 + 3.6 * ((k * 0.3819660113 + 0.1) % 1),
    cx: r.range(-0.3, 0.3),
    cy: r.range(-0.3, 0.3),
    radius: r.range(0.35, 0.65),
    hue: (k / classes + r.range(0, 0.3 / classes)) % 1,
    shape: k % 3,
    phase: r.range(0, 2 * Math.PI),
  };
}

interface ImageJitter {
  angle: number;
  freq: number;
  phase: number;
  cx: number;
  cy: number;
  radius: number;
  gain: number;
}

function jitter(look: ClassLook, rng: SeededRandom): ImageJitter {
  return {
    angle: look.angle + rng.range(-0.18, 0.18),
    freq: look.freq * rng.range(0.92, 1.08),
    phase: look.phase + rng.range(-1, 1),
    cx: look.cx + rng.range(-0.08, 0.08),
    cy: look.cy + rng.range(-0.08, 0.08),
    radius: look.radius * rng.range(0.9, 1.1),
    gain: rng.range(0.8, 1.15),
  };
}

/** Standard normal from two uniforms (Box–Muller). */
function gauss(rng: SeededRandom): number {
  return Math.sqrt(-2 * Math.log(1 - rng.next())) * Math.cos(2 * Math.PI * rng.next());
}

function hsv(h: number, s: number, v: number): [number, number, number] {
  const i = Math.floor(h * 6) % 6;
  const f = h * 6 - Math.floor(h * 6);
  const p = v * (1 - s);
  const q = v * (1 - f * s);
  const t = v * (1 - (1 - f) * s);
  return (
    [
      [v, t, p],
      [q, v, p],
      [p, v, t],
      [p, q, v],
      [t, p, v],
      [v, p, q],
    ] as Array<[number, number, number]>
  )[i];
}

const byte = (x: number) => Math.max(0, Math.min(255, Math.round(x)));

/** Value in [0,1] of one pixel (u, v in [-1, 1]) for a dataset's style; RGB styles return three. */
type Painter = (u: number, v: number) => number | [number, number, number];

function painter(dataset: string, look: ClassLook, j: ImageJitter, rng: SeededRandom): Painter {
  const c = Math.cos(j.angle);
  const s = Math.sin(j.angle);
  const grating = (u: number, v: number, f = j.freq) =>
    0.5 + 0.5 * Math.sin(2 * Math.PI * f * (u * c + v * s) + j.phase);
  const blob = (u: number, v: number) =>
    Math.exp(-((u - j.cx) ** 2 + (v - j.cy) ** 2) / (2 * j.radius * j.radius));
  switch (dataset) {
    case 'mnist':
      // White strokes on black: a thresholded grating under the class's blob.
      return (u, v) => j.gain * blob(u, v) ** 1.5 * (grating(u, v) > 0.55 ? 1 : 0.08);
    case 'fashion-mnist': {
      // A grey silhouette (superellipse per class) with a woven texture, on black.
      const ax = 0.45 + 0.4 * ((look.shape + 1) / 3);
      const ay = 0.95 - 0.3 * (look.shape / 2);
      return (u, v) => {
        const inside = Math.abs(u / ax) ** 3 + Math.abs((v - j.cy * 0.3) / ay) ** 3;
        const mask = 1 / (1 + Math.exp((inside - 1) * 12));
        return mask * j.gain * (0.35 + 0.45 * grating(u, v) + 0.15 * grating(v, u, j.freq * 2.3));
      };
    }
    case 'cifar-10':
    case 'cifar-100': {
      // A coloured object (the class's hue, textured) over a smooth two-colour background gradient.
      const bgA = hsv(rng.next(), rng.range(0.1, 0.5), rng.range(0.3, 0.9));
      const bgB = hsv(rng.next(), rng.range(0.1, 0.5), rng.range(0.3, 0.9));
      const checker = dataset === 'cifar-100';
      return (u, v) => {
        const t = (v + 1) / 2;
        const m = blob(u, v);
        const g = checker
          ? 0.5 + 0.5 * Math.sign(Math.sin(Math.PI * j.freq * u + j.phase) * Math.sin(Math.PI * j.freq * v))
          : grating(u, v);
        const fg = hsv(look.hue, 0.75, 0.35 + 0.6 * g * j.gain);
        return [0, 1, 2].map((i) => (1 - m) * (bgA[i] * (1 - t) + bgB[i] * t) + m * fg[i]) as [
          number,
          number,
          number,
        ];
      };
    }
    case 'svhn': {
      // House-number plates: a flat background colour with contrasting bars, darker bars on the sides.
      const bg = hsv(rng.next(), rng.range(0.2, 0.7), rng.range(0.25, 0.85));
      const fg = hsv((look.hue + 0.5) % 1, 0.4, bg[0] + bg[1] + bg[2] > 1.6 ? 0.15 : 0.95);
      return (u, v) => {
        const bar = grating(u * 0.6, v * 1.4) > 0.6 && Math.abs(u - j.cx * 0.5) < 0.45 ? 1 : 0;
        const side = Math.abs(u) > 0.8 ? 0.5 : 1;
        return [0, 1, 2].map((i) => side * (bar ? fg[i] : bg[i])) as [number, number, number];
      };
    }
    case 'stl-10': {
      // Natural-looking 96×96 scenes: two octaves of the class texture in the class's muted hue over sky/ground.
      const sky = hsv(0.55 + rng.range(-0.05, 0.05), 0.35, rng.range(0.6, 0.95));
      const ground = hsv(0.2 + rng.range(-0.08, 0.08), 0.5, rng.range(0.25, 0.5));
      const horizon = rng.range(-0.2, 0.3);
      return (u, v) => {
        const m = blob(u, v);
        const g = 0.6 * grating(u, v) + 0.4 * grating(u, v, j.freq * 3.1);
        const fg = hsv(look.hue, 0.55, 0.25 + 0.65 * g * j.gain);
        const bg = v < horizon ? sky : ground;
        return [0, 1, 2].map((i) => (1 - m) * bg[i] + m * fg[i]) as [number, number, number];
      };
    }
    case 'gtsrb': {
      // A traffic sign: a circle, triangle or diamond in red, blue or yellow with a class pictogram (grating)
      // inside, filling most of the frame over a dim street background.
      const rim = ([hsv(0, 0.9, 0.8), hsv(0.62, 0.9, 0.7), hsv(0.13, 0.9, 0.9)] as const)[
        Math.floor(look.hue * 3) % 3
      ];
      const street = rng.range(0.15, 0.45);
      const inside = (u: number, v: number): number => {
        if (look.shape === 0) return Math.hypot(u, v) / 0.8;
        if (look.shape === 1) return Math.max(-v / 0.7, (v * 0.5 + Math.abs(u) * 0.87) / 0.6);
        return (Math.abs(u) + Math.abs(v)) / 0.85;
      };
      return (u, v) => {
        const d = inside(u - j.cx * 0.2, v - j.cy * 0.2);
        if (d > 1) return [street, street * 0.95, street * 0.9];
        if (d > 0.78) return rim;
        const ink = grating(u, v) > 0.6 ? 0.1 : 0.95;
        return [ink, ink, ink];
      };
    }
    default:
      throw new DatasetError(`no synthetic look for dataset '${dataset}'`);
  }
}

function render(dataset: string, look: ClassLook, rng: SeededRandom, h: number, w: number, ch: number) {
  const paint = painter(dataset, look, jitter(look, rng), rng);
  const noise =
    { mnist: 6, 'fashion-mnist': 8, 'cifar-10': 10, 'cifar-100': 14, svhn: 12, 'stl-10': 7 }[dataset] ?? 9;
  const out = new Uint8Array(h * w * ch);
  for (let y = 0; y < h; y++) {
    for (let x = 0; x < w; x++) {
      const val = paint((2 * x + 1) / w - 1, (2 * y + 1) / h - 1);
      const rgb = typeof val === 'number' ? [val, val, val] : val;
      const p = (y * w + x) * ch;
      if (ch === 1) out[p] = byte(rgb[0] * 255 + noise * gauss(rng));
      else for (let i = 0; i < 3; i++) out[p + i] = byte(rgb[i] * 255 + noise * gauss(rng));
    }
  }
  return out;
}

/** Labels 0..classes-1 in turn (balanced), then shuffled. */
function balancedLabels(count: number, classes: number, rng: SeededRandom): number[] {
  const labels = Array.from({ length: count }, (_, i) => i % classes);
  for (let i = count - 1; i > 0; i--) {
    const k = rng.int(i + 1);
    [labels[i], labels[k]] = [labels[k], labels[i]];
  }
  return labels;
}

/** One split as an ImageSet of the entry's size and channels. */
function syntheticSet(entry: RegistryEntry, count: number, rng: SeededRandom, size = entry.height): ImageSet {
  const K = entry.classNames.length;
  const ch = entry.channels;
  const labels = balancedLabels(count, K, rng);
  const per = size * size * ch;
  const images = new Uint8Array(count * per);
  const looks = new Map<number, ClassLook>();
  for (const [n, k] of labels.entries()) {
    if (!looks.has(k)) looks.set(k, classLook(entry.name, k, K));
    images.set(render(entry.name, looks.get(k)!, rng, size, size, ch), n * per);
  }
  const l = labelArray(count, K);
  l.set(labels);
  return { images, labels: l, count, height: size, width: size, channels: ch, classNames: entry.classNames };
}

// ---------------------------------------------------------------------------------------------------------
// File formats, named and laid out as the official downloads.

// prettier-ignore
const CIFAR100_FINE = [
  'apple', 'aquarium_fish', 'baby', 'bear', 'beaver', 'bed', 'bee', 'beetle', 'bicycle', 'bottle', 'bowl', 'boy',
  'bridge', 'bus', 'butterfly', 'camel', 'can', 'castle', 'caterpillar', 'cattle', 'chair', 'chimpanzee', 'clock',
  'cloud', 'cockroach', 'couch', 'crab', 'crocodile', 'cup', 'dinosaur', 'dolphin', 'elephant', 'flatfish', 'forest',
  'fox', 'girl', 'hamster', 'house', 'kangaroo', 'keyboard', 'lamp', 'lawn_mower', 'leopard', 'lion', 'lizard',
  'lobster', 'man', 'maple_tree', 'motorcycle', 'mountain', 'mouse', 'mushroom', 'oak_tree', 'orange', 'orchid',
  'otter', 'palm_tree', 'pear', 'pickup_truck', 'pine_tree', 'plain', 'plate', 'poppy', 'porcupine', 'possum',
  'rabbit', 'raccoon', 'ray', 'road', 'rocket', 'rose', 'sea', 'seal', 'shark', 'shrew', 'skunk', 'skyscraper',
  'snail', 'snake', 'spider', 'squirrel', 'streetcar', 'sunflower', 'sweet_pepper', 'table', 'tank', 'telephone',
  'television', 'tiger', 'tractor', 'train', 'trout', 'tulip', 'turtle', 'wardrobe', 'whale', 'willow_tree', 'wolf',
  'woman', 'worm',
];
// prettier-ignore
const CIFAR100_COARSE = [
  'aquatic_mammals', 'fish', 'flowers', 'food_containers', 'fruit_and_vegetables', 'household_electrical_devices',
  'household_furniture', 'insects', 'large_carnivores', 'large_man-made_outdoor_things',
  'large_natural_outdoor_scenes', 'large_omnivores_and_herbivores', 'medium_mammals', 'non-insect_invertebrates',
  'people', 'reptiles', 'small_mammals', 'trees', 'vehicles_1', 'vehicles_2',
];

const lines = (names: string[]) => Buffer.from(names.join('\n') + '\n');

/** Splits a set into `parts` nearly equal consecutive sets (CIFAR-10's five training batches). */
function chunks(set: ImageSet, parts: number): ImageSet[] {
  const per = set.height * set.width * set.channels;
  const out: ImageSet[] = [];
  for (let p = 0, start = 0; p < parts; p++) {
    const end = Math.round(((p + 1) * set.count) / parts);
    out.push({
      ...set,
      images: set.images.subarray(start * per, end * per),
      labels: set.labels.subarray(start, end),
      count: end - start,
    });
    start = end;
  }
  return out.filter((c) => c.count > 0);
}

/** STL-10's *_X.bin: per image the three channels, each column-major (MATLAB order). */
function stl10X(set: ImageSet): Buffer {
  const S = set.height;
  const plane = S * S;
  const out = Buffer.alloc(set.count * 3 * plane);
  for (let n = 0; n < set.count; n++) {
    const base = n * 3 * plane;
    for (let c = 0; c < 3; c++)
      for (let x = 0; x < S; x++)
        for (let y = 0; y < S; y++)
          out[base + c * plane + x * S + y] = set.images[base + (y * S + x) * 3 + c];
  }
  return out;
}

function ppm(w: number, h: number, rgb: Uint8Array): Buffer {
  return Buffer.concat([Buffer.from(`P6\n${w} ${h}\n255\n`, 'latin1'), rgb]);
}

const GTSRB_CSV_HEADER = 'Filename;Width;Height;Roi.X1;Roi.Y1;Roi.X2;Roi.Y2';

/** GTSRB's three zips: per-class training folders with GT-000NN.csv, test images, and the test ground truth. */
function gtsrbArchives(entry: RegistryEntry, opts: SyntheticOptions): Record<string, Buffer> {
  const K = entry.classNames.length;
  const draw = (rng: SeededRandom, k: number) => {
    // GTSRB's images vary in size (15×15 to 250×250, most 30–60 px) with a ~10% margin around the sign.
    const w = 30 + rng.int(31);
    const h = Math.max(30, Math.min(60, w + rng.int(7) - 3));
    const look = classLook(entry.name, k, K);
    const rgb = render(entry.name, look, rng, h, w, 3);
    const roi = `${Math.round(w * 0.1)};${Math.round(h * 0.1)};${w - 1 - Math.round(w * 0.1)};${h - 1 - Math.round(h * 0.1)}`;
    return { w, h, rgb, roi };
  };
  const trainRng = new SeededRandom(subSeed(opts.seed, `${entry.name}/train`));
  const perClass = new Map<number, Array<{ file: string; row: string; data: Buffer }>>();
  for (const k of balancedLabels(opts.train, K, trainRng)) {
    const list = perClass.get(k) ?? [];
    const j = list.length;
    const img = draw(trainRng, k);
    // 000TT_000II.ppm: track TT of 30 images, image II within it.
    const file = `${String(Math.floor(j / 30)).padStart(5, '0')}_${String(j % 30).padStart(5, '0')}.ppm`;
    list.push({ file, row: `${file};${img.w};${img.h};${img.roi};${k}`, data: ppm(img.w, img.h, img.rgb) });
    perClass.set(k, list);
  }
  const trainEntries: Array<{ name: string; data: Buffer }> = [];
  for (const k of [...perClass.keys()].sort((a, b) => a - b)) {
    const dir = `GTSRB/Final_Training/Images/${String(k).padStart(5, '0')}`;
    const list = perClass.get(k)!;
    for (const f of list) trainEntries.push({ name: `${dir}/${f.file}`, data: f.data });
    const csv = [`${GTSRB_CSV_HEADER};ClassId`, ...list.map((f) => f.row)].join('\n') + '\n';
    trainEntries.push({ name: `${dir}/GT-${String(k).padStart(5, '0')}.csv`, data: Buffer.from(csv) });
  }
  const testRng = new SeededRandom(subSeed(opts.seed, `${entry.name}/test`));
  const testEntries: Array<{ name: string; data: Buffer }> = [];
  const rows: string[] = [];
  for (const [i, k] of balancedLabels(opts.test, K, testRng).entries()) {
    const file = `${String(i).padStart(5, '0')}.ppm`;
    const img = draw(testRng, k);
    testEntries.push({ name: `GTSRB/Final_Test/Images/${file}`, data: ppm(img.w, img.h, img.rgb) });
    rows.push(`${file};${img.w};${img.h};${img.roi};${k}`);
  }
  const withoutClass = rows.map((r) => r.slice(0, r.lastIndexOf(';')));
  testEntries.push({
    name: 'GTSRB/Final_Test/Images/GT-final_test.test.csv',
    data: Buffer.from([GTSRB_CSV_HEADER, ...withoutClass].join('\n') + '\n'),
  });
  return {
    train: makeZip(trainEntries),
    'test-images': makeZip(testEntries),
    'test-labels': makeZip([
      {
        name: 'GT-final_test.csv',
        data: Buffer.from([`${GTSRB_CSV_HEADER};ClassId`, ...rows].join('\n') + '\n'),
      },
    ]),
  };
}

/** The file name of a registry download (the basename of its URL). */
export function downloadBasename(file: Pick<DownloadFile, 'url'>): string {
  return path.posix.basename(new URL(file.url).pathname);
}

/**
 * Small archives of one of the paper's seven datasets in its real file format and under its real file names
 * (the registry URLs' basenames), with the registry's class count and image size. Images are drawn
 * deterministically from the seed: each class has its own pattern, each dataset its own look, so a classifier
 * can tell both apart.
 */
export function syntheticArchives(name: string, opts: SyntheticOptions): SyntheticArchive[] {
  if (!PAPER_DATASETS.includes(name))
    throw new DatasetError(
      `no synthetic archives for '${name}'; the mirror serves ${PAPER_DATASETS.join(', ')}`,
    );
  if (!(opts.train >= 1 && opts.test >= 1))
    throw new DatasetError(`synthetic '${name}': train and test need at least one image each`);
  const entry = getEntry(name);
  const split = (s: 'train' | 'test', count: number) =>
    syntheticSet(entry, count, new SeededRandom(subSeed(opts.seed, `${name}/${s}`)));
  let byRole: Record<string, Buffer>;
  switch (entry.format) {
    case 'idx': {
      const idx = (set: ImageSet) => ({
        images: gzipSync(encodeIdx([set.count, set.height, set.width], set.images)),
        labels: gzipSync(encodeIdx([set.count], Uint8Array.from(set.labels))),
      });
      const train = idx(split('train', opts.train));
      const test = idx(split('test', opts.test));
      byRole = {
        'train-images': train.images,
        'train-labels': train.labels,
        'test-images': test.images,
        'test-labels': test.labels,
      };
      break;
    }
    case 'cifar10-binary': {
      const dir = 'cifar-10-batches-bin';
      const batches = chunks(split('train', opts.train), 5).map((b, i) => ({
        name: `${dir}/data_batch_${i + 1}.bin`,
        data: encodeCifarBinary(b, 'cifar10'),
      }));
      byRole = {
        archive: gzipSync(
          makeTar([
            { name: `${dir}/batches.meta.txt`, data: lines(entry.classNames) },
            ...batches,
            { name: `${dir}/test_batch.bin`, data: encodeCifarBinary(split('test', opts.test), 'cifar10') },
            {
              name: `${dir}/readme.html`,
              data: Buffer.from(
                '<meta HTTP-EQUIV="REFRESH" content="0; url=https://www.cs.toronto.edu/~kriz/cifar.html">\n',
              ),
            },
          ]),
        ),
      };
      break;
    }
    case 'cifar100-binary': {
      const dir = 'cifar-100-binary';
      // The coarse byte is written (the format has it) but is not the real superclass mapping; nothing reads it.
      const encode = (set: ImageSet) =>
        encodeCifarBinary(
          set,
          'cifar100',
          Array.from(set.labels, (l) => l % CIFAR100_COARSE.length),
        );
      byRole = {
        archive: gzipSync(
          makeTar([
            { name: `${dir}/coarse_label_names.txt`, data: lines(CIFAR100_COARSE) },
            { name: `${dir}/fine_label_names.txt`, data: lines(CIFAR100_FINE) },
            { name: `${dir}/train.bin`, data: encode(split('train', opts.train)) },
            { name: `${dir}/test.bin`, data: encode(split('test', opts.test)) },
          ]),
        ),
      };
      break;
    }
    case 'svhn-mat':
      byRole = {
        train: encodeSvhnMat(split('train', opts.train)),
        test: encodeSvhnMat(split('test', opts.test)),
      };
      break;
    case 'stl10-binary': {
      const dir = 'stl10_binary';
      const train = split('train', opts.train);
      const test = split('test', opts.test);
      const y = (set: ImageSet) => Buffer.from(Array.from(set.labels, (l) => l + 1));
      // The unlabelled pool (100,000 images in the real archive) is represented by a couple of images.
      const unlabeled = syntheticSet(entry, 2, new SeededRandom(subSeed(opts.seed, `${name}/unlabeled`)));
      const folds = Array.from({ length: 10 }, (_, f) =>
        Array.from({ length: train.count }, (_, i) => i)
          .filter((i) => i % 10 !== f)
          .join(' '),
      );
      byRole = {
        archive: gzipSync(
          makeTar([
            { name: `${dir}/class_names.txt`, data: lines(STL10_CLASSES) },
            { name: `${dir}/fold_indices.txt`, data: lines(folds) },
            { name: `${dir}/test_X.bin`, data: stl10X(test) },
            { name: `${dir}/test_y.bin`, data: y(test) },
            { name: `${dir}/train_X.bin`, data: stl10X(train) },
            { name: `${dir}/train_y.bin`, data: y(train) },
            { name: `${dir}/unlabeled_X.bin`, data: stl10X(unlabeled) },
          ]),
        ),
      };
      break;
    }
    case 'gtsrb-ppm-zip':
      byRole = gtsrbArchives(entry, opts);
      break;
    default:
      throw new DatasetError(`no synthetic archives for format ${entry.format}`);
  }
  return (entry.files ?? []).map((f) => {
    const data = byRole[f.role];
    if (!data) throw new DatasetError(`synthetic '${name}': no archive for the registry's '${f.role}' file`);
    return { role: f.role, basename: downloadBasename(f), data };
  });
}

// ---------------------------------------------------------------------------------------------------------
// The HTTP server.

export interface MirrorRequest {
  method: string;
  /** /<dataset>/<basename> */
  path: string;
  range?: string;
  status: number;
  /** Body bytes sent. */
  bytes: number;
}

export interface MirrorOptions {
  /** Which of the seven datasets to serve (default all of PAPER_DATASETS). */
  datasets?: string[];
  /** Images per split and dataset (defaults 20 and 10). */
  train?: number;
  test?: number;
  seed?: number;
  /**
   * Files served with one byte flipped (their table entry keeps the intended size and sha256): a basename
   * ('cifar-10-binary.tar.gz', every dataset with that file) or '<dataset>/<basename>' ('mnist/…' but not
   * 'fashion-mnist/…', which share file names).
   */
  corrupt?: string[];
}

export interface RunningMirror {
  /** http://127.0.0.1:<port> */
  url: string;
  /** The download table to put in a profile's `datasets.mirror`. */
  mirror: DatasetMirror;
  /** Every request served, in order. */
  requests: MirrorRequest[];
  /** Which files are served corrupted from now on (same forms as MirrorOptions.corrupt; [] heals all). */
  setCorrupt(corrupt: string[]): void;
  close(): Promise<void>;
}

function flipOneByte(data: Buffer): Buffer {
  const out = Buffer.from(data);
  out[out.length >> 1] ^= 0xff;
  return out;
}

/**
 * Serves synthetic archives of the given datasets at http://127.0.0.1:<free port>/<dataset>/<basename>, honouring
 * `Range: bytes=N-` (206, or 416 past the end) so that interrupted downloads resume as against a real server.
 */
export async function startDatasetMirror(opts: MirrorOptions = {}): Promise<RunningMirror> {
  const datasets = opts.datasets ?? PAPER_DATASETS;
  const size = { train: opts.train ?? 20, test: opts.test ?? 10, seed: opts.seed ?? 1 };
  const files = new Map<string, { dataset: string; basename: string; data: Buffer }>();
  const table: Record<string, Array<Omit<DownloadFile, 'url'> & { basename: string }>> = {};
  for (const name of datasets) {
    table[name] = [];
    for (const a of syntheticArchives(name, size)) {
      files.set(`/${name}/${a.basename}`, { dataset: name, basename: a.basename, data: a.data });
      table[name].push({
        role: a.role,
        basename: a.basename,
        size: a.data.length,
        sha256: createHash('sha256').update(a.data).digest('hex'),
      });
    }
  }
  let corrupt = new Set(opts.corrupt ?? []);
  const requests: MirrorRequest[] = [];
  const server = http.createServer((req, res) => {
    const pathname = decodeURIComponent(new URL(req.url ?? '/', 'http://mirror').pathname);
    const range = req.headers.range;
    const log = (status: number, bytes = 0) =>
      requests.push({
        method: req.method ?? 'GET',
        path: pathname,
        ...(range ? { range } : {}),
        status,
        bytes,
      });
    const file = files.get(pathname);
    if (req.method !== 'GET' && req.method !== 'HEAD') {
      log(405);
      res.writeHead(405, { allow: 'GET, HEAD' }).end();
      return;
    }
    if (!file) {
      log(404);
      res.writeHead(404, { 'content-type': 'text/plain' }).end(`no such file: ${pathname}\n`);
      return;
    }
    const body =
      corrupt.has(file.basename) || corrupt.has(`${file.dataset}/${file.basename}`)
        ? flipOneByte(file.data)
        : file.data;
    const m = /^bytes=(\d+)-$/.exec(range ?? '');
    const start = m ? Number(m[1]) : 0;
    const head = { 'accept-ranges': 'bytes', 'content-type': 'application/octet-stream' };
    if (start >= body.length && m) {
      log(416);
      res.writeHead(416, { ...head, 'content-range': `bytes */${body.length}` }).end();
      return;
    }
    const part = body.subarray(start);
    const status = m ? 206 : 200;
    log(status, req.method === 'HEAD' ? 0 : part.length);
    res.writeHead(status, {
      ...head,
      'content-length': part.length,
      ...(m ? { 'content-range': `bytes ${start}-${body.length - 1}/${body.length}` } : {}),
    });
    res.end(req.method === 'HEAD' ? undefined : part);
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => resolve());
  });
  const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  const mirror: DatasetMirror = {
    baseUrl: url,
    files: Object.fromEntries(
      Object.entries(table).map(([name, list]) => [
        name,
        list.map(({ basename, ...f }) => ({ ...f, url: `${url}/${name}/${basename}` })),
      ]),
    ),
  };
  return {
    url,
    mirror,
    requests,
    setCorrupt(list) {
      corrupt = new Set(list);
    },
    close: () =>
      new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      }),
  };
}
