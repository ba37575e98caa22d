/**
 * Dense row-major matrices for the regressors, and the feature standardiser every regressor applies first.
 * Inputs may be number[][], an array of Float32Array rows, or one flat row-major Float32Array/Float64Array
 * (its column count is then inferred from the number of targets at fit time, or the fitted width at predict).
 */
export type FeatureInput = number[][] | Float32Array[] | Float64Array[] | Float32Array | Float64Array;

export interface DenseMatrix {
  data: Float64Array;
  rows: number;
  cols: number;
}

export class RegressorInputError extends Error {
  override name = 'RegressorInputError';
}

/** Copies `X` into a float64 row-major matrix; `rowsOrCols` disambiguates flat arrays. */
export function toDenseMatrix(X: FeatureInput, shape: { rows?: number; cols?: number }): DenseMatrix {
  if (X instanceof Float32Array || X instanceof Float64Array) {
    const cols = shape.cols ?? (shape.rows ? X.length / shape.rows : NaN);
    if (!Number.isInteger(cols) || cols <= 0 || X.length % cols !== 0) {
      throw new RegressorInputError(
        `a flat feature array of length ${X.length} does not divide into rows of ${cols} features; ` +
          'pass one row per target (number[][]) or a flat array whose length is rows × features',
      );
    }
    const data = Float64Array.from(X);
    assertFinite(data);
    return { data, rows: X.length / cols, cols };
  }
  if (!Array.isArray(X) || X.length === 0)
    throw new RegressorInputError('no feature rows given: pass at least one row');
  const cols = X[0].length;
  if (shape.cols !== undefined && cols !== shape.cols) {
    throw new RegressorInputError(`rows have ${cols} features but the model was fitted on ${shape.cols}`);
  }
  const data = new Float64Array(X.length * cols);
  X.forEach((row, i) => {
    if (row.length !== cols) {
      throw new RegressorInputError(
        `row ${i} has ${row.length} features, row 0 has ${cols}: rows must be equal length`,
      );
    }
    for (let j = 0; j < cols; j++) data[i * cols + j] = row[j];
  });
  assertFinite(data);
  return { data, rows: X.length, cols };
}

function assertFinite(data: Float64Array): void {
  for (let i = 0; i < data.length; i++) {
    if (!Number.isFinite(data[i])) {
      throw new RegressorInputError(
        `feature value ${data[i]} at flat index ${i} is not finite: impute or drop it first`,
      );
    }
  }
}

export function toTargets(y: ArrayLike<number>, rows: number): Float64Array {
  if (y.length !== rows)
    throw new RegressorInputError(`${rows} feature rows but ${y.length} targets: give one per row`);
  const t = Float64Array.from(y);
  t.forEach((v, i) => {
    if (!Number.isFinite(v))
      throw new RegressorInputError(`target ${i} is ${v}: targets must be finite numbers`);
  });
  return t;
}

export interface StandardiserJSON {
  mean: number[];
  scale: number[];
}

/** Per-column z-scoring (population std, constant columns get scale 1), as scikit-learn's StandardScaler. */
export class Standardiser {
  constructor(
    readonly mean: Float64Array,
    readonly scale: Float64Array,
  ) {}

  static fit(m: DenseMatrix): Standardiser {
    const mean = new Float64Array(m.cols);
    const sq = new Float64Array(m.cols);
    for (let i = 0; i < m.rows; i++) for (let j = 0; j < m.cols; j++) mean[j] += m.data[i * m.cols + j];
    for (let j = 0; j < m.cols; j++) mean[j] /= m.rows;
    for (let i = 0; i < m.rows; i++) {
      for (let j = 0; j < m.cols; j++) {
        const d = m.data[i * m.cols + j] - mean[j];
        sq[j] += d * d;
      }
    }
    const scale = sq.map((s) => {
      const sd = Math.sqrt(s / m.rows);
      // Same cut-off as scikit-learn: near-constant columns are only centred.
      return sd < 10 * Number.EPSILON * Math.max(1, Math.abs(sd)) ? 1 : sd;
    });
    return new Standardiser(mean, scale);
  }

  transform(m: DenseMatrix): DenseMatrix {
    if (m.cols !== this.mean.length) {
      throw new RegressorInputError(
        `rows have ${m.cols} features but the model was fitted on ${this.mean.length}`,
      );
    }
    const data = new Float64Array(m.data.length);
    for (let i = 0; i < m.rows; i++) {
      for (let j = 0; j < m.cols; j++)
        data[i * m.cols + j] = (m.data[i * m.cols + j] - this.mean[j]) / this.scale[j];
    }
    return { data, rows: m.rows, cols: m.cols };
  }

  toJSON(): StandardiserJSON {
    return { mean: Array.from(this.mean), scale: Array.from(this.scale) };
  }

  static fromJSON(j: StandardiserJSON): Standardiser {
    return new Standardiser(Float64Array.from(j.mean), Float64Array.from(j.scale));
  }
}

/** Standard normal draw (Box–Muller) from a uniform generator. */
export function gaussian(rand: () => number): number {
  const u = 1 - rand();
  return Math.sqrt(-2 * Math.log(u)) * Math.cos(2 * Math.PI * rand());
}
