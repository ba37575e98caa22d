/** One feature extractor for a fixed image size; `compute` reuses its own buffers and allocates nothing. */
export interface ImageFeature {
  readonly dim: number;
  /** Reads one grey image (height × width, values in [0, 1]) and writes `dim` values at out[offset..]. */
  compute(gray: Float64Array, out: Float32Array, offset: number): void;
}
