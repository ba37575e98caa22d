// The sweep's draw of generated models: stratified by depth × size, seeded, independent of the pool's order.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { stratifiedDraw } from '../../src/training/model-draw';

// 9 × 9 models: depth 1..9 and params 1..9 (× 1,000), so each depth × size tertile cell holds 9 of them.
const pool = Array.from({ length: 81 }, (_, i) => ({
  id: `m${String(i).padStart(2, '0')}`,
  depth: 1 + (i % 9),
  params: 1_000 * (1 + Math.floor(i / 9)),
}));
const cell = (m: { depth: number; params: number }) =>
  `${Math.floor((m.depth - 1) / 3)}×${Math.floor((m.params / 1_000 - 1) / 3)}`;

test('nine models are one from each depth × size stratum', () => {
  const drawn = stratifiedDraw(pool, 9, 1);
  assert.equal(new Set(drawn.map(cell)).size, 9);
});

test('the draw is seeded and does not depend on the order of the pool', () => {
  const ids = (seed: number, p = pool) => stratifiedDraw(p, 20, seed).map((m) => m.id);
  assert.deepEqual(ids(7), ids(7, [...pool].reverse()));
  assert.notDeepEqual(ids(7), ids(8));
  assert.equal(new Set(ids(7)).size, 20);
});

test('asking for more than the pool gives the whole pool once', () => {
  const drawn = stratifiedDraw(pool, 200, 3);
  assert.equal(drawn.length, 81);
  assert.equal(new Set(drawn.map((m) => m.id)).size, 81);
});
