/**
 * Options over documented defaults (the mljs convention): each option the caller set (and not to undefined), else
 * its default. Keys come in the defaults' order and unknown keys are dropped, so a model's stored options do not
 * depend on how it was asked for.
 */
export function withDefaults<T extends object>(defaults: T, options: Partial<T>): T {
  const out = {} as T;
  for (const key of Object.keys(defaults) as (keyof T)[]) {
    const value = options[key] ?? defaults[key];
    // an array default (e.g. hidden layer sizes) is copied, so no two models share one
    out[key] = (Array.isArray(value) ? [...value] : value) as T[keyof T];
  }
  return out;
}

/** Every learner is seeded: the same seed gives the same model bit for bit (src/random.ts). */
export interface SeededOptions {
  seed?: number;
}
