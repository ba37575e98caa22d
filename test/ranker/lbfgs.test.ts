// L-BFGS (src/ml/lbfgs.ts) on functions with known minima, and the MLP's L-BFGS objective: its gradient against
// central finite differences (an independent oracle for the backward pass), its fit on real digits.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { lbfgs } from '../../src/ml/lbfgs';
import { Mlp } from '../../src/ml/classifiers/mlp';
import { seededRandom } from '../../src/random';
import { accuracy, mnistDigits, rows } from './data';

test('L-BFGS finds the minimum of the Rosenbrock function (2 and 10 dimensions) and of a quadratic', () => {
  // Σ 100(x_{i+1} − x_i²)² + (1 − x_i)², minimum 0 at all ones
  const rosenbrock = (x: Float64Array, g: Float64Array): number => {
    g.fill(0);
    let f = 0;
    for (let i = 0; i + 1 < x.length; i++) {
      const a = x[i + 1] - x[i] * x[i];
      const b = 1 - x[i];
      f += 100 * a * a + b * b;
      g[i] += -400 * a * x[i] - 2 * b;
      g[i + 1] += 200 * a;
    }
    return f;
  };
  for (const n of [2, 10]) {
    const x = Float64Array.from({ length: n }, (_, i) => (i % 2 ? 1.2 : -1.2));
    const r = lbfgs(rosenbrock, x, { maxIter: 500, gtol: 1e-8 });
    for (const v of x) assert.ok(Math.abs(v - 1) < 1e-5, `n=${n}: ${Array.from(x)} (${r.reason})`);
  }
  // an ill-conditioned quadratic ½ Σ c_i (x_i − i)²: exact minimiser x_i = i
  const c = Float64Array.from({ length: 50 }, (_, i) => 10 ** ((3 * i) / 49));
  const quad = (x: Float64Array, g: Float64Array): number => {
    let f = 0;
    for (let i = 0; i < x.length; i++) {
      g[i] = c[i] * (x[i] - i);
      f += 0.5 * c[i] * (x[i] - i) ** 2;
    }
    return f;
  };
  const x = new Float64Array(50);
  const r = lbfgs(quad, x, { maxIter: 1000, gtol: 1e-9, ftol: 0 });
  assert.equal(r.reason, 'gtol');
  x.forEach((v, i) => assert.ok(Math.abs(v - i) < 1e-8, `x[${i}] = ${v}`));
});

test("the MLP's L-BFGS objective has the gradient finite differences give", () => {
  const rng = seededRandom(5);
  const n = 12;
  const d = 6;
  const X = Float32Array.from({ length: n * d }, () => rng());
  const y = Int32Array.from({ length: n }, (_, i) => i % 3);
  // One iteration fixes the shapes; then the objective the solver sees, at other weights.
  const mlp = new Mlp({ hidden: [5, 4], solver: 'lbfgs', epochs: 1, l2: 0.1 }).fit(X, n, d, y, 3);
  const { objective } = mlp.lbfgsObjective(X, n, d, y);
  const size = [...mlp.weights, ...mlp.biases].reduce((t, p) => t + p.length, 0);
  const x = Float64Array.from({ length: size }, () => (rng() - 0.5) * 0.8);
  const g = new Float64Array(size);
  objective(x, g);
  const scratch = new Float64Array(size);
  const central = (i: number, h: number): number => {
    const xp = Float64Array.from(x);
    xp[i] += h;
    const fp = objective(xp, scratch);
    xp[i] -= 2 * h;
    return (fp - objective(xp, scratch)) / (2 * h);
  };
  // A ReLU kink inside [x − h, x + h] bends the difference quotient: where two step sizes disagree, the point
  // is not smooth enough to check (a few at most); everywhere else the gradient must match.
  let kinks = 0;
  for (let i = 0; i < size; i++) {
    const fd = central(i, 1e-3);
    if (Math.abs(fd - central(i, 3e-4)) > 1e-3 * Math.max(1, Math.abs(fd))) {
      kinks++;
      continue;
    }
    assert.ok(Math.abs(fd - g[i]) < 2e-3 * Math.max(1, Math.abs(fd)), `parameter ${i}: ${g[i]} vs ${fd}`);
  }
  assert.ok(kinks <= size / 10, `${kinks} of ${size} parameters sit on a ReLU kink`);
});

test('the MLP with L-BFGS (sklearn solver="lbfgs") learns digits and lowers its objective', () => {
  const digits = mnistDigits(0, 900);
  const train = rows(digits, 0, 600);
  const held = rows(digits, 600, 900);
  const mlp = new Mlp({ hidden: [64, 32], solver: 'lbfgs', epochs: 60 }).fit(
    train.X,
    train.n,
    train.d,
    train.y,
    10,
  );
  const h = mlp.lossHistory;
  assert.ok(h.length >= 10 && h[h.length - 1] < 0.2 * h[0], `objective ${h[0]} → ${h[h.length - 1]}`);
  const acc = accuracy(mlp.predict(held.X, held.n, held.d), held.y);
  assert.ok(acc >= 0.8, `held-out accuracy ${acc}`);
  const copy = Mlp.fromJSON(JSON.parse(JSON.stringify(mlp.toJSON())));
  assert.deepEqual(copy.predictProba(held.X, held.n, held.d), mlp.predictProba(held.X, held.n, held.d));
});
