/**
 * Options over documented defaults (the mljs convention): each option the caller set (and not to undefined), else
 * its default. Keys come in the defaults' order and unknown keys are dropped, so a model's stored options do not
 * depend on how it was asked for.
 */
export function withDefaults<O extends object>(defaults: Required<O>, options: O): Required<O> {
  const out = {} as Required<O>;
  for (const key of Object.keys(defaults) as (keyof O)[]) {
    const value = options[key] ?? defaults[key];
    // an array default (e.g. hidden layer sizes) is copied, so no two models share one
    out[key] = (Array.isArray(value) ? [...value] : value) as Required<O>[keyof O];
  }
  return out;
}

/** Every learner is seeded: the same seed gives the same model bit for bit (src/random.ts). */
export interface SeededOptions {
  seed?: number;
}
