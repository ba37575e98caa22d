;; C (m×n) = A (m×p) · Bᵀ (B given as n×p), all row-major f32, on WebAssembly SIMD (f32x4): the MLP's
;; forward and backward products, for src/ml/simd-matmul.ts. Every pointer is a byte offset into this
;; memory the module imports (simd-matmul.ts gives it a larger one rather than growing it). 2×4 blocks of C (2×2 and single entries at the edges) reuse each loaded vector; p need
;; not be a multiple of 4 (the last p mod 4 products are scalar). Assembled by `npm run build:wasm` (wabt).
(module
  (import "env" "memory" (memory 1))

  ;; the four lanes of v, summed
  (func $lanes (param $v v128) (result f32)
    (f32.add
      (f32.add (f32x4.extract_lane 0 (local.get $v)) (f32x4.extract_lane 1 (local.get $v)))
      (f32.add (f32x4.extract_lane 2 (local.get $v)) (f32x4.extract_lane 3 (local.get $v)))))

  ;; Σ_q a[q]·b[q], q < p
  (func $dot (param $a i32) (param $b i32) (param $p i32) (result f32)
    (local $s v128) (local $end i32) (local $tail i32) (local $t f32)
    (local.set $end (i32.add (local.get $a) (i32.shl (i32.and (local.get $p) (i32.const -4)) (i32.const 2))))
    (local.set $tail (i32.add (local.get $a) (i32.shl (local.get $p) (i32.const 2))))
    (block $done
      (loop $next
        (br_if $done (i32.ge_u (local.get $a) (local.get $end)))
        (local.set $s (f32x4.add (local.get $s) (f32x4.mul (v128.load (local.get $a)) (v128.load (local.get $b)))))
        (local.set $a (i32.add (local.get $a) (i32.const 16)))
        (local.set $b (i32.add (local.get $b) (i32.const 16)))
        (br $next)))
    (local.set $t (call $lanes (local.get $s)))
    (block $done
      (loop $next
        (br_if $done (i32.ge_u (local.get $a) (local.get $tail)))
        (local.set $t (f32.add (local.get $t) (f32.mul (f32.load (local.get $a)) (f32.load (local.get $b)))))
        (local.set $a (i32.add (local.get $a) (i32.const 4)))
        (local.set $b (i32.add (local.get $b) (i32.const 4)))
        (br $next)))
    (local.get $t))

  ;; C[c0], C[c0 + 1], C[c1], C[c1 + 1] = rows a0, a1 of A against rows b0, b1 of B
  (func $block (param $a0 i32) (param $a1 i32) (param $b0 i32) (param $b1 i32) (param $p i32)
    (param $c0 i32) (param $c1 i32)
    (local $s00 v128) (local $s01 v128) (local $s10 v128) (local $s11 v128)
    (local $x0 v128) (local $x1 v128) (local $y0 v128) (local $y1 v128)
    (local $q i32) (local $end i32) (local $t00 f32) (local $t01 f32) (local $t10 f32) (local $t11 f32)
    (local $u0 f32) (local $u1 f32) (local $v0 f32) (local $v1 f32)
    (local.set $end (i32.shl (i32.and (local.get $p) (i32.const -4)) (i32.const 2)))
    (block $done
      (loop $next
        (br_if $done (i32.ge_u (local.get $q) (local.get $end)))
        (local.set $x0 (v128.load (i32.add (local.get $a0) (local.get $q))))
        (local.set $x1 (v128.load (i32.add (local.get $a1) (local.get $q))))
        (local.set $y0 (v128.load (i32.add (local.get $b0) (local.get $q))))
        (local.set $y1 (v128.load (i32.add (local.get $b1) (local.get $q))))
        (local.set $s00 (f32x4.add (local.get $s00) (f32x4.mul (local.get $x0) (local.get $y0))))
        (local.set $s01 (f32x4.add (local.get $s01) (f32x4.mul (local.get $x0) (local.get $y1))))
        (local.set $s10 (f32x4.add (local.get $s10) (f32x4.mul (local.get $x1) (local.get $y0))))
        (local.set $s11 (f32x4.add (local.get $s11) (f32x4.mul (local.get $x1) (local.get $y1))))
        (local.set $q (i32.add (local.get $q) (i32.const 16)))
        (br $next)))
    (local.set $t00 (call $lanes (local.get $s00)))
    (local.set $t01 (call $lanes (local.get $s01)))
    (local.set $t10 (call $lanes (local.get $s10)))
    (local.set $t11 (call $lanes (local.get $s11)))
    (local.set $end (i32.shl (local.get $p) (i32.const 2)))
    (block $done
      (loop $next
        (br_if $done (i32.ge_u (local.get $q) (local.get $end)))
        (local.set $u0 (f32.load (i32.add (local.get $a0) (local.get $q))))
        (local.set $u1 (f32.load (i32.add (local.get $a1) (local.get $q))))
        (local.set $v0 (f32.load (i32.add (local.get $b0) (local.get $q))))
        (local.set $v1 (f32.load (i32.add (local.get $b1) (local.get $q))))
        (local.set $t00 (f32.add (local.get $t00) (f32.mul (local.get $u0) (local.get $v0))))
        (local.set $t01 (f32.add (local.get $t01) (f32.mul (local.get $u0) (local.get $v1))))
        (local.set $t10 (f32.add (local.get $t10) (f32.mul (local.get $u1) (local.get $v0))))
        (local.set $t11 (f32.add (local.get $t11) (f32.mul (local.get $u1) (local.get $v1))))
        (local.set $q (i32.add (local.get $q) (i32.const 4)))
        (br $next)))
    (f32.store (local.get $c0) (local.get $t00))
    (f32.store offset=4 (local.get $c0) (local.get $t01))
    (f32.store (local.get $c1) (local.get $t10))
    (f32.store offset=4 (local.get $c1) (local.get $t11)))

  ;; C[c0 .. c0 + 3], C[c1 .. c1 + 3] = rows a0, a1 of A against rows b0 .. b3 of B: eight sums from six loads
  ;; a step (the 2×2 block's four from four). Each entry adds its products in the same order as $block does,
  ;; so the two kernels give the same bits.
  (func $block24 (param $a0 i32) (param $a1 i32) (param $b0 i32) (param $row i32) (param $p i32)
    (param $c0 i32) (param $c1 i32)
    (local $s00 v128) (local $s01 v128) (local $s02 v128) (local $s03 v128)
    (local $s10 v128) (local $s11 v128) (local $s12 v128) (local $s13 v128)
    (local $x0 v128) (local $x1 v128) (local $y v128)
    (local $b1 i32) (local $b2 i32) (local $b3 i32) (local $q i32) (local $end i32)
    (local.set $b1 (i32.add (local.get $b0) (local.get $row)))
    (local.set $b2 (i32.add (local.get $b1) (local.get $row)))
    (local.set $b3 (i32.add (local.get $b2) (local.get $row)))
    (local.set $end (i32.shl (i32.and (local.get $p) (i32.const -4)) (i32.const 2)))
    (block $done
      (loop $next
        (br_if $done (i32.ge_u (local.get $q) (local.get $end)))
        (local.set $x0 (v128.load (i32.add (local.get $a0) (local.get $q))))
        (local.set $x1 (v128.load (i32.add (local.get $a1) (local.get $q))))
        (local.set $y (v128.load (i32.add (local.get $b0) (local.get $q))))
        (local.set $s00 (f32x4.add (local.get $s00) (f32x4.mul (local.get $x0) (local.get $y))))
        (local.set $s10 (f32x4.add (local.get $s10) (f32x4.mul (local.get $x1) (local.get $y))))
        (local.set $y (v128.load (i32.add (local.get $b1) (local.get $q))))
        (local.set $s01 (f32x4.add (local.get $s01) (f32x4.mul (local.get $x0) (local.get $y))))
        (local.set $s11 (f32x4.add (local.get $s11) (f32x4.mul (local.get $x1) (local.get $y))))
        (local.set $y (v128.load (i32.add (local.get $b2) (local.get $q))))
        (local.set $s02 (f32x4.add (local.get $s02) (f32x4.mul (local.get $x0) (local.get $y))))
        (local.set $s12 (f32x4.add (local.get $s12) (f32x4.mul (local.get $x1) (local.get $y))))
        (local.set $y (v128.load (i32.add (local.get $b3) (local.get $q))))
        (local.set $s03 (f32x4.add (local.get $s03) (f32x4.mul (local.get $x0) (local.get $y))))
        (local.set $s13 (f32x4.add (local.get $s13) (f32x4.mul (local.get $x1) (local.get $y))))
        (local.set $q (i32.add (local.get $q) (i32.const 16)))
        (br $next)))
    (f32.store (local.get $c0) (call $tail (call $lanes (local.get $s00)) (local.get $a0) (local.get $b0) (local.get $q) (local.get $p)))
    (f32.store offset=4 (local.get $c0) (call $tail (call $lanes (local.get $s01)) (local.get $a0) (local.get $b1) (local.get $q) (local.get $p)))
    (f32.store offset=8 (local.get $c0) (call $tail (call $lanes (local.get $s02)) (local.get $a0) (local.get $b2) (local.get $q) (local.get $p)))
    (f32.store offset=12 (local.get $c0) (call $tail (call $lanes (local.get $s03)) (local.get $a0) (local.get $b3) (local.get $q) (local.get $p)))
    (f32.store (local.get $c1) (call $tail (call $lanes (local.get $s10)) (local.get $a1) (local.get $b0) (local.get $q) (local.get $p)))
    (f32.store offset=4 (local.get $c1) (call $tail (call $lanes (local.get $s11)) (local.get $a1) (local.get $b1) (local.get $q) (local.get $p)))
    (f32.store offset=8 (local.get $c1) (call $tail (call $lanes (local.get $s12)) (local.get $a1) (local.get $b2) (local.get $q) (local.get $p)))
    (f32.store offset=12 (local.get $c1) (call $tail (call $lanes (local.get $s13)) (local.get $a1) (local.get $b3) (local.get $q) (local.get $p))))

  ;; t + Σ a[q]·b[q] over the byte offsets q from `from` to 4p: the last p mod 4 products, one at a time
  (func $tail (param $t f32) (param $a i32) (param $b i32) (param $from i32) (param $p i32) (result f32)
    (local $q i32) (local $end i32)
    (local.set $q (local.get $from))
    (local.set $end (i32.shl (local.get $p) (i32.const 2)))
    (block $done
      (loop $next
        (br_if $done (i32.ge_u (local.get $q) (local.get $end)))
        (local.set $t (f32.add (local.get $t)
          (f32.mul (f32.load (i32.add (local.get $a) (local.get $q))) (f32.load (i32.add (local.get $b) (local.get $q))))))
        (local.set $q (i32.add (local.get $q) (i32.const 4)))
        (br $next)))
    (local.get $t))

  (func (export "matmulABt") (param $A i32) (param $B i32) (param $C i32) (param $m i32) (param $n i32)
    (param $p i32)
    (local $i i32) (local $j i32) (local $row i32) (local $crow i32) (local $a i32) (local $b i32)
    (local $j0 i32) (local $jEnd i32) (local $panel i32)
    (local.set $row (i32.shl (local.get $p) (i32.const 2)))
    (local.set $crow (i32.shl (local.get $n) (i32.const 2)))
    ;; B in panels of rows that fit in 256 KB (a multiple of 4 rows, at least 4), each panel against every row
    ;; of A: the panel stays in cache while A streams past once per panel. Every entry is still one dot product
    ;; over all of p, so the order of the loops does not change a bit of C.
    (local.set $panel (i32.and (i32.div_u (i32.const 262144) (local.get $row)) (i32.const -4)))
    (if (i32.lt_u (local.get $panel) (i32.const 4)) (then (local.set $panel (i32.const 4))))
    (block $panelsDone
      (loop $panels
        (br_if $panelsDone (i32.ge_u (local.get $j0) (local.get $n)))
        (local.set $jEnd (i32.add (local.get $j0) (local.get $panel)))
        (if (i32.gt_u (local.get $jEnd) (local.get $n)) (then (local.set $jEnd (local.get $n))))
        (local.set $i (i32.const 0))
    (block $rowsDone
      (loop $rows
        (br_if $rowsDone (i32.ge_u (local.get $i) (local.get $m)))
        (local.set $a (i32.add (local.get $A) (i32.mul (local.get $i) (local.get $row))))
        (local.set $j (local.get $j0))
        (block $colsDone
          (loop $cols
            (br_if $colsDone (i32.ge_u (local.get $j) (local.get $jEnd)))
            (local.set $b (i32.add (local.get $B) (i32.mul (local.get $j) (local.get $row))))
            (if (i32.and (i32.lt_u (i32.add (local.get $i) (i32.const 1)) (local.get $m))
                         (i32.lt_u (i32.add (local.get $j) (i32.const 3)) (local.get $jEnd)))
              (then
                (call $block24 (local.get $a) (i32.add (local.get $a) (local.get $row)) (local.get $b)
                  (local.get $row) (local.get $p)
                  (i32.add (local.get $C) (i32.add (i32.mul (local.get $i) (local.get $crow))
                    (i32.shl (local.get $j) (i32.const 2))))
                  (i32.add (local.get $C) (i32.add (i32.mul (i32.add (local.get $i) (i32.const 1))
                    (local.get $crow)) (i32.shl (local.get $j) (i32.const 2)))))
                (local.set $j (i32.add (local.get $j) (i32.const 4)))
                (br $cols)))
            (if (i32.and (i32.lt_u (i32.add (local.get $i) (i32.const 1)) (local.get $m))
                         (i32.lt_u (i32.add (local.get $j) (i32.const 1)) (local.get $jEnd)))
              (then
                (call $block (local.get $a) (i32.add (local.get $a) (local.get $row))
                  (local.get $b) (i32.add (local.get $b) (local.get $row)) (local.get $p)
                  (i32.add (local.get $C) (i32.add (i32.mul (local.get $i) (local.get $crow))
                    (i32.shl (local.get $j) (i32.const 2))))
                  (i32.add (local.get $C) (i32.add (i32.mul (i32.add (local.get $i) (i32.const 1))
                    (local.get $crow)) (i32.shl (local.get $j) (i32.const 2)))))
                (local.set $j (i32.add (local.get $j) (i32.const 2))))
              (else
                ;; an odd last row or column: one dot product per entry of this row (and the next, if any)
                (f32.store (i32.add (local.get $C) (i32.add (i32.mul (local.get $i) (local.get $crow))
                    (i32.shl (local.get $j) (i32.const 2))))
                  (call $dot (local.get $a) (local.get $b) (local.get $p)))
                (if (i32.lt_u (i32.add (local.get $i) (i32.const 1)) (local.get $m))
                  (then
                    (f32.store (i32.add (local.get $C) (i32.add (i32.mul (i32.add (local.get $i) (i32.const 1))
                        (local.get $crow)) (i32.shl (local.get $j) (i32.const 2))))
                      (call $dot (i32.add (local.get $a) (local.get $row)) (local.get $b) (local.get $p)))))
                (local.set $j (i32.add (local.get $j) (i32.const 1)))))
            (br $cols)))
        (local.set $i (i32.add (local.get $i) (i32.const 2)))
        (br $rows)))
        (local.set $j0 (local.get $jEnd))
        (br $panels))))
)
