// Which generated models a training sweep trains: a draw stratified by depth and size, so the repository covers
// shallow and deep, small and large models alike (a uniform draw over-represents the grammar's common shapes).
import { SeededRandom } from '../random';

/** Tertile boundaries of a numeric feature. */
function tertiles(values: number[]): [number, number] {
  const s = [...values].sort((a, b) => a - b);
  return [s[Math.floor(s.length / 3)], s[Math.floor((2 * s.length) / 3)]];
}

/**
 * `n` models stratified by depth × size: 3 depth bins × 3 parameter bins, drawn round-robin over the
 * strata (seeded shuffle inside each), so shallow/deep and small/large models are all represented.
 */
export function stratifiedDraw<T extends { id: string; depth: number; params: number }>(
  pool: T[],
  n: number,
  seed: number,
): T[] {
  const [d1, d2] = tertiles(pool.map((m) => m.depth));
  const [p1, p2] = tertiles(pool.map((m) => m.params));
  const bin = (v: number, a: number, b: number) => (v < a ? 0 : v < b ? 1 : 2);
  const strata: T[][] = Array.from({ length: 9 }, () => []);
  for (const m of [...pool].sort((a, b) => (a.id < b.id ? -1 : a.id > b.id ? 1 : 0))) {
    strata[bin(m.depth, d1, d2) * 3 + bin(m.params, p1, p2)].push(m);
  }
  const rng = new SeededRandom(seed);
  for (const s of strata) rng.shuffle(s);
  const out: T[] = [];
  for (let round = 0; out.length < n && strata.some((s) => s.length > round); round++) {
    for (const s of strata) if (round < s.length && out.length < n) out.push(s[round]);
  }
  return out;
}
