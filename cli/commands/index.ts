import type { Command } from 'commander';
import { register as build } from './build';
import { register as doctor } from './doctor';
import { register as evaluate } from './evaluate';
import { register as recommend } from './recommend';
import { register as schedule } from './schedule';
import { register as server } from './server';
import { register as worker } from './worker';
import { register as arch } from './arch';
import { register as datasets } from './datasets';
import { register as encoder } from './encoder';
import { register as ranker } from './ranker';
import { register as training } from './training';

/** Every command group registers itself here; one module per group under cli/commands/. */
const groups: Array<(program: Command) => void> = [
  build,
  doctor,
  evaluate,
  recommend,
  schedule,
  server,
  worker,
  arch,
  datasets,
  encoder,
  ranker,
  training,
];

export function registerAll(program: Command): void {
  for (const register of groups) register(program);
}
