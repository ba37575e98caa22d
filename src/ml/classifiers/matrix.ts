// Small helpers shared by the classifiers: input checks, L2 row normalisation and a compact, exact JSON encoding
// of typed arrays.

export class ClassifierInputError extends Error {
  override name = 'ClassifierInputError';
}

/** Row-major n×d matrix of float32 features. */
export interface FeatureMatrix {
  X: Float32Array;
  n: number;
  d: number;
}

export function checkMatrix(X: Float32Array, n: number, d: number, what = 'X'): void {
  if (!(X instanceof Float32Array))
    throw new ClassifierInputError(`${what} must be a Float32Array (row-major n×d)`);
  if (!Number.isInteger(n) || !Number.isInteger(d) || n < 0 || d <= 0) {
    throw new ClassifierInputError(`${what}: n=${n}, d=${d} must be non-negative integers with d > 0`);
  }
  if (X.length !== n * d) {
    throw new ClassifierInputError(
      `${what} has ${X.length} values but n×d = ${n}×${d} = ${n * d}; pass the real shape`,
    );
  }
}

export function checkLabels(y: ArrayLike<number>, n: number, numClasses: number): Int32Array {
  if (y.length !== n)
    throw new ClassifierInputError(`y has ${y.length} labels for ${n} rows; give one label per row`);
  if (!Number.isInteger(numClasses) || numClasses < 2) {
    throw new ClassifierInputError(`numClasses=${numClasses}: a classifier needs at least 2 classes`);
  }
  const out = new Int32Array(n);
  for (let i = 0; i < n; i++) {
    const c = y[i];
    if (!Number.isInteger(c) || c < 0 || c >= numClasses) {
      throw new ClassifierInputError(
        `label y[${i}]=${c} is not an integer in [0, ${numClasses}); relabel classes 0..k-1`,
      );
    }
    out[i] = c;
  }
  return out;
}

/** Copy of X with every row scaled to unit L2 norm (all-zero rows stay zero), as sklearn's Normalizer. */
export function l2NormalizeRows(X: Float32Array, n: number, d: number): Float32Array {
  const out = new Float32Array(n * d);
  for (let i = 0; i < n; i++) {
    const o = i * d;
    let s = 0;
    for (let j = 0; j < d; j++) s += X[o + j] * X[o + j];
    if (!Number.isFinite(s))
      throw new ClassifierInputError(`row ${i} of the features contains NaN or Infinity`);
    const inv = s > 0 ? 1 / Math.sqrt(s) : 0;
    for (let j = 0; j < d; j++) out[o + j] = X[o + j] * inv;
  }
  return out;
}

/** Rows `idx` of X as a new matrix. */
export function takeRows(X: Float32Array, d: number, idx: ArrayLike<number>): Float32Array {
  const out = new Float32Array(idx.length * d);
  for (let i = 0; i < idx.length; i++) out.set(X.subarray(idx[i] * d, idx[i] * d + d), i * d);
  return out;
}

export function argmaxRows(P: Float64Array | Float32Array, n: number, k: number): Int32Array {
  const out = new Int32Array(n);
  for (let i = 0; i < n; i++) {
    let best = 0;
    for (let c = 1; c < k; c++) if (P[i * k + c] > P[i * k + best]) best = c;
    out[i] = best;
  }
  return out;
}

// Typed arrays are stored as base64 of their bytes: exact (predictions survive a round trip bit for bit)
// and ~4× smaller than number lists for the MLP's weights.
/** An array in a model's JSON: base64 of its bytes, or (from a packed model, src/ml/packed-json.ts) the bytes. */
export type EncodedArray =
  { dtype: 'f32' | 'f64' | 'i32'; b64: string } | { dtype: 'f32' | 'f64' | 'i32'; raw: Uint8Array };

export function encodeArray(a: Float32Array | Float64Array | Int32Array): EncodedArray {
  const dtype = a instanceof Float32Array ? 'f32' : a instanceof Float64Array ? 'f64' : 'i32';
  return { dtype, b64: Buffer.from(a.buffer, a.byteOffset, a.byteLength).toString('base64') };
}

function decode(e: EncodedArray, dtype: EncodedArray['dtype']): ArrayBuffer {
  const bytes =
    !e || e.dtype !== dtype
      ? undefined
      : 'raw' in e
        ? e.raw
        : typeof e.b64 === 'string'
          ? Buffer.from(e.b64, 'base64')
          : undefined;
  if (!(bytes instanceof Uint8Array) || bytes.byteLength % (dtype === 'f64' ? 8 : 4) !== 0) {
    throw new ClassifierInputError(
      `model JSON: expected an encoded ${dtype} array; the model file is damaged`,
    );
  }
  return bytes.buffer.slice(bytes.byteOffset, bytes.byteOffset + bytes.byteLength) as ArrayBuffer;
}

export const decodeF32 = (e: EncodedArray): Float32Array => new Float32Array(decode(e, 'f32'));
export const decodeF64 = (e: EncodedArray): Float64Array => new Float64Array(decode(e, 'f64'));
export const decodeI32 = (e: EncodedArray): Int32Array => new Int32Array(decode(e, 'i32'));
