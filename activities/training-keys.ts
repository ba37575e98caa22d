/** Store keys of a trained pair (src/store-layout.ts; see activities/training.ts for the layout). */
export { trainingKeys } from '../src/store-layout';
