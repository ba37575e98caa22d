export { logme, type LogMeResult } from './logme';
export { leep } from './leep';
export { softmaxRows } from '../ml/softmax';
export { TransferabilityInputError } from './labels';
export {
  transferabilityScores,
  type ForwardPass,
  type TransferabilityFile,
  type TransferabilityScores,
} from './scores';
