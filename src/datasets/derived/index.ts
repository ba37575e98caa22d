import { DatasetError } from '../types';
import { colourDigits } from './colour-digits';
import { glyphs } from './glyphs';
import { shapes } from './shapes';
import type { DerivedGenerator } from './types';

export type { DerivedGenerator, PerClass } from './types';

const GENERATORS: Record<string, DerivedGenerator> = {
  [colourDigits.name]: colourDigits,
  [glyphs.name]: glyphs,
  [shapes.name]: shapes,
};

export function derivedGenerator(name: string): DerivedGenerator {
  const g = GENERATORS[name];
  if (!g)
    throw new DatasetError(
      `no derived-dataset generator '${name}'; known: ${Object.keys(GENERATORS).join(', ')}`,
    );
  return g;
}
