import { DatasetError, labelArray, type ImageSet } from './types';

/**
 * STL-10 binary files (stl10_binary/*_X.bin, *_y.bin): 96×96×3 uint8 images stored column-major one
 * channel at a time (MATLAB order), labels 1..10 one byte each.
 */
// prettier-ignore
export const STL10_CLASSES = [
  'airplane', 'bird', 'car', 'cat', 'deer', 'dog', 'horse', 'monkey', 'ship', 'truck',
];
const SIDE = 96;
const PLANE = SIDE * SIDE;
const IMAGE = 3 * PLANE;

export function parseStl10(xFile: Uint8Array, yFile: Uint8Array, classNames = STL10_CLASSES): ImageSet {
  if (xFile.length === 0 || xFile.length % IMAGE !== 0) {
    throw new DatasetError(`STL-10 images: ${xFile.length} bytes is not a multiple of ${IMAGE} (96×96×3)`);
  }
  const count = xFile.length / IMAGE;
  if (yFile.length !== count) throw new DatasetError(`STL-10: ${count} images but ${yFile.length} labels`);
  const labels = labelArray(count, classNames.length);
  for (let i = 0; i < count; i++) {
    if (yFile[i] < 1 || yFile[i] > classNames.length) {
      throw new DatasetError(`STL-10: label ${yFile[i]} of image ${i} is outside 1..${classNames.length}`);
    }
    labels[i] = yFile[i] - 1;
  }
  const images = new Uint8Array(count * IMAGE);
  for (let n = 0; n < count; n++) {
    const base = n * IMAGE;
    for (let c = 0; c < 3; c++) {
      for (let x = 0; x < SIDE; x++) {
        for (let y = 0; y < SIDE; y++)
          images[base + (y * SIDE + x) * 3 + c] = xFile[base + c * PLANE + x * SIDE + y];
      }
    }
  }
  return { images, labels, count, height: SIDE, width: SIDE, channels: 3, classNames };
}
