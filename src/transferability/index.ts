export { logme, type LogMeResult } from './logme';
export { leep, softmaxRows } from './leep';
export { TransferabilityInputError } from './labels';
