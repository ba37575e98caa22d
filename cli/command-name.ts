/** Global options that take a value (their value is not the command's name). */
const VALUE_OPTIONS = new Set(['--store', '--s3-endpoint']);

/** The top-level command argv names, if any: the first word that is neither an option nor an option's value. */
export function commandName(argv: string[]): string | undefined {
  for (let i = 0; i < argv.length; i++) {
    if (VALUE_OPTIONS.has(argv[i])) i++;
    else if (!argv[i].startsWith('-')) return argv[i];
  }
  return undefined;
}
