import type { Command } from 'commander';
import { register as doctor } from './doctor';
import { register as server } from './server';
import { register as worker } from './worker';

/** Every command group registers itself here; one module per group under cli/commands/. */
const groups: Array<(program: Command) => void> = [doctor, server, worker];

export function registerAll(program: Command): void {
  for (const register of groups) register(program);
}
