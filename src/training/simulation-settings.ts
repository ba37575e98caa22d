// The simulated trainer's settings (src/training/simulation.ts), apart from its laws: workflow code validates them,
// and the workflow bundle may not import node:crypto.

export interface SimulatedTraining {
  /** Seed of the law, the faults and the binomial test noise. */
  seed: number;
  /** Wall seconds of one simulated epoch per MFLOP of the model's forward pass, clamped to [min, max]. */
  secondsPerMflop: number;
  minEpochSeconds: number;
  maxEpochSeconds: number;
  epochs: number;
  /** Chance that an attempt fails (after a random share of its epochs; the retry resumes from the checkpoint). */
  failureRate: number;
  /** Test images behind a measured accuracy: the binomial noise around the law. */
  testImages: number;
}

export const SIMULATION_DEFAULTS: SimulatedTraining = {
  seed: 1,
  secondsPerMflop: 0.002,
  minEpochSeconds: 0.05,
  maxEpochSeconds: 2,
  epochs: 3,
  failureRate: 0.02,
  testImages: 2_000,
};

/** The settings with defaults filled in; refuses values that cannot be meant (a workflow input from the UI). */
export function simulationSettings(s: Partial<SimulatedTraining> | undefined): SimulatedTraining {
  const out = { ...SIMULATION_DEFAULTS, ...(s ?? {}) };
  const bad = (why: string) => new Error(`simulate: ${why}`);
  if (!(out.failureRate >= 0 && out.failureRate < 1)) throw bad('failureRate must be in [0, 1)');
  if (!(Number.isInteger(out.epochs) && out.epochs >= 1)) throw bad('epochs must be a whole number ≥ 1');
  if (!(out.minEpochSeconds >= 0 && out.maxEpochSeconds >= out.minEpochSeconds))
    throw bad('need 0 ≤ minEpochSeconds ≤ maxEpochSeconds');
  if (!(out.secondsPerMflop >= 0)) throw bad('secondsPerMflop must be ≥ 0');
  if (!(Number.isInteger(out.testImages) && out.testImages >= 10)) throw bad('testImages must be ≥ 10');
  return out;
}

/** What a simulated result depends on (its timing and faults do not change it): part of its pair key. */
export function simulationIdentity(s: SimulatedTraining): {
  simulated: { seed: number; testImages: number };
} {
  return { simulated: { seed: s.seed, testImages: s.testImages } };
}
