/** Command-line options of the benches: `--name value`. */

/** The value after `--name`, or undefined when it is absent. */
export function stringOption(args: string[], name: string): string | undefined {
  const i = args.indexOf(`--${name}`);
  return i < 0 ? undefined : args[i + 1];
}

/** A whole number ≥ min (default 1) after `--name`, or `fallback` when it is absent. */
export function intOption(args: string[], name: string, fallback: number, min = 1): number {
  const raw = stringOption(args, name);
  if (raw === undefined) return fallback;
  const v = Number(raw);
  if (!Number.isInteger(v) || v < min)
    throw new Error(`--${name} needs a whole number ≥ ${min}, got '${raw}'`);
  return v;
}
