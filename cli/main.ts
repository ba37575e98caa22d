import { Command, CommanderError } from 'commander';
import { commandName } from './command-name';
import { registerFor } from './commands';
import { reportError, UsageError } from './output';

export { commandName } from './command-name';

/** The program with every command, or (given `argv`) only the group of the command argv names. */
export function buildProgram(argv?: string[]): Command {
  const program = new Command('dlrec')
    .description(
      'Recommend an architecture, its pre-training dataset and the expected accuracy for an image dataset',
    )
    .option('--json', 'print exactly one JSON document on stdout')
    .option('--verbose', 'show stack traces and debug logs')
    .option(
      '--store <url>',
      'artifact store: file:///path or s3://bucket/prefix (default $DLREC_STORE or $DLREC_HOME/artifacts)',
    )
    .option('--s3-endpoint <url>', 'S3 endpoint URL (default $AWS_ENDPOINT_URL_S3)')
    .option('--s3-path-style', 'use path-style S3 addressing (default when an endpoint is given)')
    .exitOverride()
    .configureOutput({ outputError: (str, write) => write(str.replace(/^error: /, 'dlrec: ')) })
    .enablePositionalOptions(false);
  registerFor(program, argv ? commandName(argv) : undefined);
  return program;
}

export async function main(argv: string[]): Promise<void> {
  const program = buildProgram(argv);
  try {
    await program.parseAsync(argv, { from: 'user' });
  } catch (err) {
    if (err instanceof CommanderError) {
      // --help and --version exit 0; every other parse problem is a usage error.
      process.exitCode = err.exitCode === 0 ? 0 : 2;
      return;
    }
    reportError(err instanceof UsageError ? err : err, argv.includes('--verbose'));
  }
}
