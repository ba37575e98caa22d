import { DatasetError, imageBytes, type ImageSet } from './types';

/**
 * The set with 1 or 3 channels: grayscale is copied into R, G and B (for models that want RGB);
 * RGB becomes luma with ITU-R BT.601 weights (as PIL's convert('L')). Returns the set itself when it fits.
 */
export function toChannels(set: ImageSet, channels: 1 | 3): ImageSet {
  if (set.channels === channels) return set;
  const pixels = set.count * set.height * set.width;
  const images = new Uint8Array(pixels * channels);
  if (channels === 3) {
    for (let p = 0; p < pixels; p++) {
      const v = set.images[p];
      images[3 * p] = v;
      images[3 * p + 1] = v;
      images[3 * p + 2] = v;
    }
  } else {
    const src = set.images;
    for (let p = 0; p < pixels; p++) {
      images[p] = Math.round((299 * src[3 * p] + 587 * src[3 * p + 1] + 114 * src[3 * p + 2]) / 1000);
    }
  }
  return { ...set, images, channels };
}

interface Taps {
  index: Int32Array[];
  weight: Float32Array[];
}

/** 1-D resampling taps: box (area) filter when shrinking, bilinear with pixel centres when growing. */
function taps(inN: number, outN: number): Taps {
  const index: Int32Array[] = [];
  const weight: Float32Array[] = [];
  const scale = inN / outN;
  for (let o = 0; o < outN; o++) {
    const idx: number[] = [];
    const w: number[] = [];
    if (scale >= 1) {
      const lo = o * scale;
      const hi = lo + scale;
      for (let i = Math.floor(lo); i < Math.min(inN, Math.ceil(hi)); i++) {
        const overlap = Math.min(hi, i + 1) - Math.max(lo, i);
        if (overlap > 1e-9) {
          idx.push(i);
          w.push(overlap / scale);
        }
      }
    } else {
      const x = Math.min(Math.max((o + 0.5) * scale - 0.5, 0), inN - 1);
      const i0 = Math.floor(x);
      const i1 = Math.min(i0 + 1, inN - 1);
      idx.push(i0, i1);
      w.push(1 - (x - i0), x - i0);
    }
    index.push(Int32Array.from(idx));
    weight.push(Float32Array.from(w));
  }
  return { index, weight };
}

/** Every image resized to height×width (separable box/bilinear filter; channels unchanged). */
export function resizeSet(set: ImageSet, height: number, width: number): ImageSet {
  if (set.height === height && set.width === width) return set;
  if (height < 1 || width < 1) throw new DatasetError(`cannot resize to ${height}×${width}`);
  const c = set.channels;
  const tx = taps(set.width, width);
  const ty = taps(set.height, height);
  const inPer = imageBytes(set);
  const outPer = height * width * c;
  const images = new Uint8Array(set.count * outPer);
  const rows = new Float32Array(set.height * width * c); // horizontally resized rows of one image
  for (let n = 0; n < set.count; n++) {
    const src = n * inPer;
    for (let y = 0; y < set.height; y++) {
      for (let x = 0; x < width; x++) {
        const idx = tx.index[x];
        const w = tx.weight[x];
        for (let ch = 0; ch < c; ch++) {
          let acc = 0;
          for (let k = 0; k < idx.length; k++)
            acc += w[k] * set.images[src + (y * set.width + idx[k]) * c + ch];
          rows[(y * width + x) * c + ch] = acc;
        }
      }
    }
    const dst = n * outPer;
    for (let y = 0; y < height; y++) {
      const idx = ty.index[y];
      const w = ty.weight[y];
      for (let x = 0; x < width * c; x++) {
        let acc = 0;
        for (let k = 0; k < idx.length; k++) acc += w[k] * rows[idx[k] * width * c + x];
        images[dst + y * width * c + x] = Math.min(255, Math.max(0, Math.round(acc)));
      }
    }
  }
  return { ...set, images, height, width };
}
