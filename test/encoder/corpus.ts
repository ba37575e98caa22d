/**
 * Small hand-made corpora of layer-token sentences for the encoder tests. Two families with
 * distinct grammar: "vgg" (conv-BN-ReLU stacks, max pooling, dense head) and "allconv"
 * (strided convolutions, average pooling, no dense layers), with interchangeable tokens per slot.
 */
import { SeededRandom } from '../../src/random';

export const VGG_CONVS = [
  'Convolution2D_64_3_3_1_1_SAME',
  'Convolution2D_128_3_3_1_1_SAME',
  'Convolution2D_256_3_3_1_1_SAME',
];
export const VGG_DENSES = ['Dense_512_glorot_normal', 'Dense_256_glorot_normal', 'Dense_1024_glorot_normal'];
export const ALLCONV_CONVS = [
  'Convolution2D_96_5_5_2_2_VALID',
  'Convolution2D_192_5_5_2_2_VALID',
  'Convolution2D_48_5_5_2_2_VALID',
];

function pick(rng: SeededRandom, xs: string[]): string {
  return xs[rng.int(xs.length)];
}

export function vggSentence(rng: SeededRandom): string {
  const out: string[] = [];
  const blocks = 2 + rng.int(3);
  for (let b = 0; b < blocks; b++) {
    const convs = 1 + rng.int(3);
    for (let c = 0; c < convs; c++) out.push(pick(rng, VGG_CONVS), 'BatchNormalization', 'ReLU');
    out.push('Pooling2D_2_2_2_2_MAX_VALID', 'Dropout_0.3');
  }
  out.push('Flatten', pick(rng, VGG_DENSES), 'ReLU', 'Dense_10_glorot_normal');
  return out.join(' ');
}

export function allConvSentence(rng: SeededRandom): string {
  const out: string[] = [];
  const blocks = 2 + rng.int(3);
  for (let b = 0; b < blocks; b++) {
    out.push(pick(rng, ALLCONV_CONVS), 'Tanh');
    if (rng.next() < 0.3) out.push('UNK');
    out.push('Pooling2D_3_3_1_1_AVERAGE_SAME');
  }
  out.push('GlobalAveragePooling2D', 'Softmax');
  return out.join(' ');
}

export function mixedCorpus(count: number, seed: number): { sentences: string[]; labels: number[] } {
  const rng = new SeededRandom(seed);
  const sentences: string[] = [];
  const labels: number[] = [];
  for (let i = 0; i < count; i++) {
    const label = i % 2;
    sentences.push(label === 0 ? vggSentence(rng) : allConvSentence(rng));
    labels.push(label);
  }
  return { sentences, labels };
}
