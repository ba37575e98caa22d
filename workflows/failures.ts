// Errors thrown in workflow code fail the workflow *task*, which Temporal retries forever: a typo in a run started
// from the UI would hang, and a schedule's overlap policy would then skip every later run. Bad input and dead ends
// fail the *run* instead, non-retryably, with the problem named (visible in the Temporal UI and to the caller).
import { ApplicationFailure } from '@temporalio/workflow';

export const BAD_INPUT = 'DlrecBadInput';

/** Fails the run: `message` names the problem and the fix. */
export function failRun(message: string, type = BAD_INPUT): never {
  throw ApplicationFailure.nonRetryable(message, type);
}

/** `check()`'s value, or the run failed with its error's message (for validators shared with src/, e.g. profile()). */
export function validInput<T>(check: () => T): T {
  try {
    return check();
  } catch (e) {
    return failRun(e instanceof Error ? e.message : String(e));
  }
}
