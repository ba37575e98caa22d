/**
 * Activity timeouts a build takes from its input (the chart's values reach them through the schedule's
 * workflow arguments), so an operator tunes them without a new worker image.
 */
export interface BuildTimeouts {
  /** A long activity (training, language model, word2vec, regressor fit) silent this long is retried elsewhere. */
  heartbeatSeconds?: number;
  /**
   * A GPU activity that no worker starts within this is failed with a message (a build whose GPU pool is
   * absent or scaled to zero for good). 0: wait for ever.
   */
  scheduleToStartMinutes?: number;
}

export const DEFAULT_TIMEOUTS: Required<BuildTimeouts> = { heartbeatSeconds: 120, scheduleToStartMinutes: 0 };

/** The timeouts with defaults filled in; refuses values that cannot be meant. */
export function resolveTimeouts(t: BuildTimeouts | undefined): Required<BuildTimeouts> {
  const out = { ...DEFAULT_TIMEOUTS, ...(t ?? {}) };
  if (!(out.heartbeatSeconds >= 10))
    throw new Error(`timeouts.heartbeatSeconds must be at least 10, got ${out.heartbeatSeconds}`);
  if (!(out.scheduleToStartMinutes >= 0))
    throw new Error(`timeouts.scheduleToStartMinutes must be 0 or more, got ${out.scheduleToStartMinutes}`);
  return out;
}

/** The activity option for `minutes` of schedule-to-start (none for 0: wait for ever). */
export function scheduleToStart(minutes: number): { scheduleToStartTimeout?: `${number} minutes` } {
  return minutes > 0 ? { scheduleToStartTimeout: `${minutes} minutes` } : {};
}
