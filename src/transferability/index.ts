export { logme, type LogMeResult } from './logme';
export { leep, softmaxRows } from './leep';
export { TransferabilityInputError } from './labels';
export {
  transferabilityScores,
  type ForwardPass,
  type TransferabilityFile,
  type TransferabilityScores,
} from './scores';
