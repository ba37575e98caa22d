/** Store keys of a trained pair (see activities/training.ts for the layout). */
export const trainingKeys = {
  result: (k: string) => `trained/${k}/result.json`,
  modelJson: (k: string) => `trained/${k}/model.json`,
  weightsBin: (k: string) => `trained/${k}/weights.bin`,
  checkpoint: (k: string) => `checkpoints/${k}/latest.bin`,
  checkpointMeta: (k: string) => `checkpoints/${k}/meta.json`,
};
