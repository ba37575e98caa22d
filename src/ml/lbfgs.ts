// Limited-memory BFGS (Nocedal & Wright, Algorithm 7.4 with the two-loop recursion) with a backtracking Armijo
// line search: what sklearn's MLPClassifier(solver='lbfgs') runs through scipy, with scipy's defaults for the
// history (10 pairs) and the stopping tests (max |gradient| ≤ gtol, relative decrease ≤ ftol, maxIter).

export interface LbfgsOptions {
  maxIter: number;
  /** history pairs kept (scipy's maxcor) */
  memory?: number;
  /** stop when max |g| ≤ gtol (scipy's pgtol; sklearn passes its tol) */
  gtol?: number;
  /** stop when (f_k − f_k+1) / max(|f_k|, |f_k+1|, 1) ≤ ftol (scipy's factr 1e7 × machine epsilon) */
  ftol?: number;
  /** called with the objective after each iteration */
  onIteration?: (f: number) => void;
}

export interface LbfgsResult {
  f: number;
  iterations: number;
  evaluations: number;
  reason: 'gtol' | 'ftol' | 'maxIter' | 'line search';
}

/** f(x) and its gradient written into g. */
export type Objective = (x: Float64Array, g: Float64Array) => number;

const dot = (a: Float64Array, b: Float64Array): number => {
  let s = 0;
  for (let i = 0; i < a.length; i++) s += a[i] * b[i];
  return s;
};

/** Minimises fg from x (updated in place to the minimiser found). */
export function lbfgs(fg: Objective, x: Float64Array, opt: LbfgsOptions): LbfgsResult {
  const m = opt.memory ?? 10;
  const gtol = opt.gtol ?? 1e-5;
  const ftol = opt.ftol ?? 1e7 * 2.220446049250313e-16;
  const n = x.length;
  const S: Float64Array[] = [];
  const Y: Float64Array[] = [];
  const rho: number[] = [];
  const alpha = new Float64Array(m);
  let g = new Float64Array(n);
  let gNew = new Float64Array(n);
  const d = new Float64Array(n);
  const xNew = new Float64Array(n);
  let f = fg(x, g);
  let evaluations = 1;
  const maxAbs = (v: Float64Array) => {
    let a = 0;
    for (let i = 0; i < v.length; i++) a = Math.max(a, Math.abs(v[i]));
    return a;
  };
  for (let iter = 0; iter < opt.maxIter; iter++) {
    if (maxAbs(g) <= gtol) return { f, iterations: iter, evaluations, reason: 'gtol' };
    // d = −H·g by the two-loop recursion, H₀ = (sᵀy / yᵀy)·I
    for (let i = 0; i < n; i++) d[i] = -g[i];
    for (let j = S.length - 1; j >= 0; j--) {
      alpha[j] = rho[j] * dot(S[j], d);
      const y = Y[j];
      for (let i = 0; i < n; i++) d[i] -= alpha[j] * y[i];
    }
    if (S.length > 0) {
      const last = S.length - 1;
      const gamma = dot(S[last], Y[last]) / dot(Y[last], Y[last]);
      for (let i = 0; i < n; i++) d[i] *= gamma;
    }
    for (let j = 0; j < S.length; j++) {
      const beta = rho[j] * dot(Y[j], d);
      const s = S[j];
      for (let i = 0; i < n; i++) d[i] += (alpha[j] - beta) * s[i];
    }
    let slope = dot(g, d);
    if (slope >= 0) {
      // not a descent direction (curvature information gone stale): restart from steepest descent
      S.length = Y.length = rho.length = 0;
      for (let i = 0; i < n; i++) d[i] = -g[i];
      slope = dot(g, d);
    }
    // first step without curvature: unit length, as scipy's; afterwards the quasi-Newton step 1
    let t = S.length === 0 ? Math.min(1, 1 / Math.sqrt(-slope)) : 1;
    let fNew: number;
    for (let tries = 0; ; tries++) {
      for (let i = 0; i < n; i++) xNew[i] = x[i] + t * d[i];
      fNew = fg(xNew, gNew);
      evaluations++;
      if (fNew <= f + 1e-4 * t * slope) break;
      if (tries === 30) return { f, iterations: iter, evaluations, reason: 'line search' };
      t *= 0.5;
    }
    const s = new Float64Array(n);
    const y = new Float64Array(n);
    for (let i = 0; i < n; i++) {
      s[i] = xNew[i] - x[i];
      y[i] = gNew[i] - g[i];
    }
    const sy = dot(s, y);
    if (sy > 1e-10 * dot(y, y)) {
      if (S.length === m) {
        S.shift();
        Y.shift();
        rho.shift();
      }
      S.push(s);
      Y.push(y);
      rho.push(1 / sy);
    }
    x.set(xNew);
    [g, gNew] = [gNew, g];
    const decrease = (f - fNew) / Math.max(Math.abs(f), Math.abs(fNew), 1);
    f = fNew;
    opt.onIteration?.(f);
    if (decrease <= ftol) return { f, iterations: iter + 1, evaluations, reason: 'ftol' };
  }
  return { f, iterations: opt.maxIter, evaluations, reason: 'maxIter' };
}
