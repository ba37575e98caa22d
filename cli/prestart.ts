// What a command can start before its modules load (bin/dlrec.js calls this first): `recommend` and
// `similarity` compute image features on helper threads, which then boot and warm up during the ~0.45 s
// of module loading instead of after it. Only light modules here: the threads must not wait for the rest.
import { startQueryThreads } from '../src/ranker/query-threads';
import { commandName } from './command-name';

export function prestartFor(argv: string[]): void {
  if (argv.includes('--help') || argv.includes('-h')) return;
  const name = commandName(argv);
  const query =
    name === 'recommend' || name === 'similarity' || (name === 'ranker' && argv.includes('similarity'));
  if (query) startQueryThreads();
}
