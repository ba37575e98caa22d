import type { Command } from 'commander';

type Register = (program: Command) => void;

// Each command group's module, required only when used: loading every group brought TF.js, the Temporal worker
// and every activity, 1.1 s before `dlrec recommend` could start. Literal requires, so that
// scripts/check-imports.js sees the edges.
const GROUPS = {
  build: () => (require('./build') as typeof import('./build')).register,
  doctor: () => (require('./doctor') as typeof import('./doctor')).register,
  evaluate: () => (require('./evaluate') as typeof import('./evaluate')).register,
  recommend: () => (require('./recommend') as typeof import('./recommend')).register,
  schedule: () => (require('./schedule') as typeof import('./schedule')).register,
  server: () => (require('./server') as typeof import('./server')).register,
  worker: () => (require('./worker') as typeof import('./worker')).register,
  arch: () => (require('./arch') as typeof import('./arch')).register,
  datasets: () => (require('./datasets') as typeof import('./datasets')).register,
  encoder: () => (require('./encoder') as typeof import('./encoder')).register,
  ranker: () => (require('./ranker') as typeof import('./ranker')).register,
  training: () => (require('./training') as typeof import('./training')).register,
} satisfies Record<string, () => Register>;

export type CommandGroup = keyof typeof GROUPS;

/** The group that registers each top-level command (test/platform/cli-groups.test.ts checks it is complete). */
export const COMMAND_GROUPS: Record<string, CommandGroup> = {
  build: 'build',
  doctor: 'doctor',
  evaluate: 'evaluate',
  report: 'evaluate',
  recommend: 'recommend',
  schedule: 'schedule',
  server: 'server',
  worker: 'worker',
  generate: 'arch',
  tokens: 'arch',
  vocab: 'arch',
  zoo: 'arch',
  datasets: 'datasets',
  encoder: 'encoder',
  encode: 'encoder',
  ranker: 'ranker',
  similarity: 'ranker',
  train: 'training',
  sweep: 'training',
};

/** Registers one command group. */
export function registerGroup(program: Command, group: CommandGroup): void {
  GROUPS[group]()(program);
}

/** Every command group registers itself here; one module per group under cli/commands/. */
export function registerAll(program: Command): void {
  for (const group of Object.keys(GROUPS) as CommandGroup[]) registerGroup(program, group);
}

/** Only the group of `command` when it is a known top-level command; every group otherwise (help, typos). */
export function registerFor(program: Command, command: string | undefined): void {
  const group = command !== undefined ? COMMAND_GROUPS[command] : undefined;
  if (group) registerGroup(program, group);
  else registerAll(program);
}
