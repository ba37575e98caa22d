/**
 * Pixels → grey levels in [0, 1], computed exactly as scikit-image does (img_as_float multiplies a uint8
 * by 1/255; rgb2gray weights R, G, B by 0.2125, 0.7154, 0.0721), so that the golden fixtures match to
 * the last bit. Bit-exactness matters for LBP, whose codes compare interpolated neighbours with equality.
 */

/** Bad images or sizes handed to the feature extractors. */
export class FeatureInputError extends Error {
  override name = 'FeatureInputError';
}

const SCALE = 1.0 / 255;
const R_LUT = new Float64Array(256);
const G_LUT = new Float64Array(256);
const B_LUT = new Float64Array(256);
const Y_LUT = new Float64Array(256);
for (let v = 0; v < 256; v++) {
  const x = v * SCALE;
  Y_LUT[v] = x;
  R_LUT[v] = x * 0.2125;
  G_LUT[v] = x * 0.7154;
  B_LUT[v] = x * 0.0721;
}

/**
 * Writes image `index` of a batch (count × height × width × channels, interleaved uint8, 1 or 3 channels)
 * as grey levels into `out` (height × width).
 */
export function toGray(
  images: Uint8Array,
  index: number,
  pixels: number,
  channels: number,
  out: Float64Array,
): void {
  const base = index * pixels * channels;
  if (channels === 1) {
    for (let i = 0; i < pixels; i++) out[i] = Y_LUT[images[base + i]];
  } else {
    // Same association as numpy's x[...,0]*c0 + x[...,1]*c1 + x[...,2]*c2.
    for (let i = 0, p = base; i < pixels; i++, p += 3) {
      out[i] = R_LUT[images[p]] + G_LUT[images[p + 1]] + B_LUT[images[p + 2]];
    }
  }
}

/** Checks a batch's shape; throws one FeatureInputError that names the problem and the fix. */
export function checkBatch(
  images: Uint8Array,
  count: number,
  height: number,
  width: number,
  channels: number,
): void {
  if (!(images instanceof Uint8Array)) {
    throw new FeatureInputError('images must be a Uint8Array of count×height×width×channels pixels');
  }
  for (const [name, v] of [
    ['count', count],
    ['height', height],
    ['width', width],
  ] as const) {
    if (!Number.isInteger(v) || v < 0 || (name !== 'count' && v === 0)) {
      throw new FeatureInputError(
        `${name} must be a ${name === 'count' ? 'non-negative' : 'positive'} integer, got ${v}`,
      );
    }
  }
  if (channels !== 1 && channels !== 3) {
    throw new FeatureInputError(
      `channels must be 1 (grey) or 3 (RGB), got ${channels}; convert the images first`,
    );
  }
  const expected = count * height * width * channels;
  if (images.length !== expected) {
    throw new FeatureInputError(
      `images holds ${images.length} bytes but count×height×width×channels = ${count}×${height}×${width}×${channels} = ${expected}; pass the matching shape`,
    );
  }
}
