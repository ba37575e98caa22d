;; word2vec's inner loops in WebAssembly SIMD (f32x4), for src/encoder/word2vec-kernel.ts.
;; Rows are `n` floats long, n a multiple of 16 (word2vec pads its rows with zeros); every address is a byte
;; offset into the imported memory. Assembled to word2vec-kernel.wasm by `npm run build:wasm` (wabt);
;; test/encoder/word2vec-kernel.test.ts checks that the committed binary is this source.
(module
  (import "env" "memory" (memory 1 65536 shared))

  ;; The sampling stream of the sentence being trained: src/random.ts' mulberry32, bit for bit (each thread
  ;; has an instance of its own, so this global is per thread).
  (global $rng (mut i32) (i32.const 0))

  ;; mulberry32's next() as its 32-bit integer u (SeededRandom.next() is u / 2^32).
  (func $nextBits (result i32)
    (local $t i32)
    (global.set $rng (i32.add (global.get $rng) (i32.const 0x6d2b79f5)))
    (local.set $t (global.get $rng))
    (local.set $t (i32.mul (i32.xor (local.get $t) (i32.shr_u (local.get $t) (i32.const 15)))
      (i32.or (local.get $t) (i32.const 1))))
    (local.set $t (i32.xor (local.get $t) (i32.add (local.get $t)
      (i32.mul (i32.xor (local.get $t) (i32.shr_u (local.get $t) (i32.const 7)))
        (i32.or (local.get $t) (i32.const 61))))))
    (i32.xor (local.get $t) (i32.shr_u (local.get $t) (i32.const 14))))

  ;; SeededRandom.int(n) = floor(u / 2^32 · n), computed exactly as (u · n) >> 32 (for 0 ≤ n < 2^31 the
  ;; float product is exact, so both give the same integer).
  (func $int (param $n i32) (result i32)
    (i32.wrap_i64 (i64.shr_u
      (i64.mul (i64.extend_i32_u (call $nextBits)) (i64.extend_i32_u (local.get $n)))
      (i64.const 32))))

  ;; Σ a[i]·b[i] with four accumulators (four independent add chains).
  (func $dot (export "dot") (param $a i32) (param $b i32) (param $n i32) (result f32)
    (local $end i32) (local $s0 v128) (local $s1 v128) (local $s2 v128) (local $s3 v128)
    (local.set $end (i32.add (local.get $a) (i32.shl (local.get $n) (i32.const 2))))
    (block $done
      (loop $next
        (br_if $done (i32.ge_u (local.get $a) (local.get $end)))
        (local.set $s0 (f32x4.add (local.get $s0)
          (f32x4.mul (v128.load (local.get $a)) (v128.load (local.get $b)))))
        (local.set $s1 (f32x4.add (local.get $s1)
          (f32x4.mul (v128.load offset=16 (local.get $a)) (v128.load offset=16 (local.get $b)))))
        (local.set $s2 (f32x4.add (local.get $s2)
          (f32x4.mul (v128.load offset=32 (local.get $a)) (v128.load offset=32 (local.get $b)))))
        (local.set $s3 (f32x4.add (local.get $s3)
          (f32x4.mul (v128.load offset=48 (local.get $a)) (v128.load offset=48 (local.get $b)))))
        (local.set $a (i32.add (local.get $a) (i32.const 64)))
        (local.set $b (i32.add (local.get $b) (i32.const 64)))
        (br $next)))
    (local.set $s0 (f32x4.add (f32x4.add (local.get $s0) (local.get $s1))
      (f32x4.add (local.get $s2) (local.get $s3))))
    (f32.add
      (f32.add (f32x4.extract_lane 0 (local.get $s0)) (f32x4.extract_lane 1 (local.get $s0)))
      (f32.add (f32x4.extract_lane 2 (local.get $s0)) (f32x4.extract_lane 3 (local.get $s0)))))

  ;; One negative-sampling target: grad += g·out (before the update); out += g·in. Four vectors a step (rows
  ;; are a multiple of 16 floats).
  (func $update (export "update") (param $in i32) (param $out i32) (param $grad i32) (param $g f32) (param $n i32)
    (local $end i32) (local $gv v128) (local $o0 v128) (local $o1 v128) (local $o2 v128) (local $o3 v128)
    (local.set $gv (f32x4.splat (local.get $g)))
    (local.set $end (i32.add (local.get $in) (i32.shl (local.get $n) (i32.const 2))))
    (block $done
      (loop $next
        (br_if $done (i32.ge_u (local.get $in) (local.get $end)))
        (local.set $o0 (v128.load (local.get $out)))
        (local.set $o1 (v128.load offset=16 (local.get $out)))
        (local.set $o2 (v128.load offset=32 (local.get $out)))
        (local.set $o3 (v128.load offset=48 (local.get $out)))
        (v128.store (local.get $grad)
          (f32x4.add (v128.load (local.get $grad)) (f32x4.mul (local.get $gv) (local.get $o0))))
        (v128.store offset=16 (local.get $grad)
          (f32x4.add (v128.load offset=16 (local.get $grad)) (f32x4.mul (local.get $gv) (local.get $o1))))
        (v128.store offset=32 (local.get $grad)
          (f32x4.add (v128.load offset=32 (local.get $grad)) (f32x4.mul (local.get $gv) (local.get $o2))))
        (v128.store offset=48 (local.get $grad)
          (f32x4.add (v128.load offset=48 (local.get $grad)) (f32x4.mul (local.get $gv) (local.get $o3))))
        (v128.store (local.get $out)
          (f32x4.add (local.get $o0) (f32x4.mul (local.get $gv) (v128.load (local.get $in)))))
        (v128.store offset=16 (local.get $out)
          (f32x4.add (local.get $o1) (f32x4.mul (local.get $gv) (v128.load offset=16 (local.get $in)))))
        (v128.store offset=32 (local.get $out)
          (f32x4.add (local.get $o2) (f32x4.mul (local.get $gv) (v128.load offset=32 (local.get $in)))))
        (v128.store offset=48 (local.get $out)
          (f32x4.add (local.get $o3) (f32x4.mul (local.get $gv) (v128.load offset=48 (local.get $in)))))
        (local.set $in (i32.add (local.get $in) (i32.const 64)))
        (local.set $out (i32.add (local.get $out) (i32.const 64)))
        (local.set $grad (i32.add (local.get $grad) (i32.const 64)))
        (br $next))))

  ;; $update of `out`, and in the same pass Σ in·next summed exactly as $dot sums it (same four accumulators,
  ;; same order: the same float): the next target's dot product without a second pass over `in`. Only for a
  ;; `next` other than `out` (whose dot must see the update).
  (func $updateDot (param $in i32) (param $out i32) (param $grad i32) (param $g f32) (param $n i32)
    (param $next i32) (result f32)
    (local $end i32) (local $gv v128) (local $o0 v128) (local $o1 v128) (local $o2 v128) (local $o3 v128)
    (local $i0 v128) (local $i1 v128) (local $i2 v128) (local $i3 v128)
    (local $s0 v128) (local $s1 v128) (local $s2 v128) (local $s3 v128)
    (local.set $gv (f32x4.splat (local.get $g)))
    (local.set $end (i32.add (local.get $in) (i32.shl (local.get $n) (i32.const 2))))
    (block $done
      (loop $next
        (br_if $done (i32.ge_u (local.get $in) (local.get $end)))
        (local.set $i0 (v128.load (local.get $in)))
        (local.set $i1 (v128.load offset=16 (local.get $in)))
        (local.set $i2 (v128.load offset=32 (local.get $in)))
        (local.set $i3 (v128.load offset=48 (local.get $in)))
        (local.set $s0 (f32x4.add (local.get $s0) (f32x4.mul (local.get $i0) (v128.load (local.get $next)))))
        (local.set $s1 (f32x4.add (local.get $s1)
          (f32x4.mul (local.get $i1) (v128.load offset=16 (local.get $next)))))
        (local.set $s2 (f32x4.add (local.get $s2)
          (f32x4.mul (local.get $i2) (v128.load offset=32 (local.get $next)))))
        (local.set $s3 (f32x4.add (local.get $s3)
          (f32x4.mul (local.get $i3) (v128.load offset=48 (local.get $next)))))
        (local.set $o0 (v128.load (local.get $out)))
        (local.set $o1 (v128.load offset=16 (local.get $out)))
        (local.set $o2 (v128.load offset=32 (local.get $out)))
        (local.set $o3 (v128.load offset=48 (local.get $out)))
        (v128.store (local.get $grad)
          (f32x4.add (v128.load (local.get $grad)) (f32x4.mul (local.get $gv) (local.get $o0))))
        (v128.store offset=16 (local.get $grad)
          (f32x4.add (v128.load offset=16 (local.get $grad)) (f32x4.mul (local.get $gv) (local.get $o1))))
        (v128.store offset=32 (local.get $grad)
          (f32x4.add (v128.load offset=32 (local.get $grad)) (f32x4.mul (local.get $gv) (local.get $o2))))
        (v128.store offset=48 (local.get $grad)
          (f32x4.add (v128.load offset=48 (local.get $grad)) (f32x4.mul (local.get $gv) (local.get $o3))))
        (v128.store (local.get $out) (f32x4.add (local.get $o0) (f32x4.mul (local.get $gv) (local.get $i0))))
        (v128.store offset=16 (local.get $out)
          (f32x4.add (local.get $o1) (f32x4.mul (local.get $gv) (local.get $i1))))
        (v128.store offset=32 (local.get $out)
          (f32x4.add (local.get $o2) (f32x4.mul (local.get $gv) (local.get $i2))))
        (v128.store offset=48 (local.get $out)
          (f32x4.add (local.get $o3) (f32x4.mul (local.get $gv) (local.get $i3))))
        (local.set $in (i32.add (local.get $in) (i32.const 64)))
        (local.set $out (i32.add (local.get $out) (i32.const 64)))
        (local.set $grad (i32.add (local.get $grad) (i32.const 64)))
        (local.set $next (i32.add (local.get $next) (i32.const 64)))
        (br $next)))
    (local.set $s0 (f32x4.add (f32x4.add (local.get $s0) (local.get $s1))
      (f32x4.add (local.get $s2) (local.get $s3))))
    (f32.add
      (f32.add (f32x4.extract_lane 0 (local.get $s0)) (f32x4.extract_lane 1 (local.get $s0)))
      (f32.add (f32x4.extract_lane 2 (local.get $s0)) (f32x4.extract_lane 3 (local.get $s0)))))

  ;; The context row takes its accumulated gradient: in += grad; grad = 0 (ready for the next pair). Four
  ;; vectors a step.
  (func $apply (export "apply") (param $in i32) (param $grad i32) (param $n i32)
    (local $end i32)
    (local.set $end (i32.add (local.get $in) (i32.shl (local.get $n) (i32.const 2))))
    (block $done
      (loop $next
        (br_if $done (i32.ge_u (local.get $in) (local.get $end)))
        (v128.store (local.get $in) (f32x4.add (v128.load (local.get $in)) (v128.load (local.get $grad))))
        (v128.store offset=16 (local.get $in)
          (f32x4.add (v128.load offset=16 (local.get $in)) (v128.load offset=16 (local.get $grad))))
        (v128.store offset=32 (local.get $in)
          (f32x4.add (v128.load offset=32 (local.get $in)) (v128.load offset=32 (local.get $grad))))
        (v128.store offset=48 (local.get $in)
          (f32x4.add (v128.load offset=48 (local.get $in)) (v128.load offset=48 (local.get $grad))))
        (v128.store (local.get $grad) (v128.const f32x4 0 0 0 0))
        (v128.store offset=16 (local.get $grad) (v128.const f32x4 0 0 0 0))
        (v128.store offset=32 (local.get $grad) (v128.const f32x4 0 0 0 0))
        (v128.store offset=48 (local.get $grad) (v128.const f32x4 0 0 0 0))
        (local.set $in (i32.add (local.get $in) (i32.const 64)))
        (local.set $grad (i32.add (local.get $grad) (i32.const 64)))
        (br $next))))

  ;; A thread's replica of the tables hands its updates since its snapshot to the shared tables, and replica and
  ;; snapshot start again from the result: shared += replica − snapshot; replica = snapshot = shared. `n` floats
  ;; (a multiple of 4) from each of the three byte offsets.
  (func (export "merge") (param $shared i32) (param $replica i32) (param $snapshot i32) (param $n i32)
    (local $end i32) (local $v v128)
    (local.set $end (i32.add (local.get $shared) (i32.shl (local.get $n) (i32.const 2))))
    (block $done
      (loop $next
        (br_if $done (i32.ge_u (local.get $shared) (local.get $end)))
        (local.set $v (f32x4.add (v128.load (local.get $shared))
          (f32x4.sub (v128.load (local.get $replica)) (v128.load (local.get $snapshot)))))
        (v128.store (local.get $shared) (local.get $v))
        (v128.store (local.get $replica) (local.get $v))
        (v128.store (local.get $snapshot) (local.get $v))
        (local.set $shared (i32.add (local.get $shared) (i32.const 16)))
        (local.set $replica (i32.add (local.get $replica) (i32.const 16)))
        (local.set $snapshot (i32.add (local.get $snapshot) (i32.const 16)))
        (br $next))))

  ;; One (context, centre) pair with its negatives, as word2vec.c's inner loop. targets: `count` i32 byte
  ;; offsets of output rows, the first the centre (label 1), the rest noise (label 0). sigmoid and log-sigmoid
  ;; come from tables of `size` f32 each over [-6, 6] (as word2vec.c's and gensim's EXP_TABLE). The context
  ;; row takes the accumulated gradient at the end. Returns the pair's loss, Σ -log p(label).
  (func $pair (export "pair")
    (param $in i32) (param $targets i32) (param $count i32) (param $alpha f32) (param $grad i32) (param $n i32)
    (param $sigmoid i32) (param $logSigmoid i32) (param $size i32) (result f32)
    (local $t i32) (local $out i32) (local $next i32) (local $f f32) (local $i i32) (local $g f32)
    (local $loss f32) (local $scale f32)
    (local.set $scale (f32.div (f32.convert_i32_s (local.get $size)) (f32.const 12)))
    (if (i32.gt_s (local.get $count) (i32.const 0))
      (then (local.set $f (call $dot (local.get $in) (i32.load (local.get $targets)) (local.get $n)))))
    (block $done
      (loop $next
        (br_if $done (i32.ge_u (local.get $t) (local.get $count)))
        (local.set $out (i32.load (i32.add (local.get $targets) (i32.shl (local.get $t) (i32.const 2)))))
        ;; table index of f, clipped to the table (|f| ≥ 6 saturates, as a clipped sigmoid)
        (local.set $i (i32.trunc_sat_f32_s
          (f32.mul (f32.add (local.get $f) (f32.const 6)) (local.get $scale))))
        (if (i32.lt_s (local.get $i) (i32.const 0)) (then (local.set $i (i32.const 0))))
        (if (i32.ge_s (local.get $i) (local.get $size))
          (then (local.set $i (i32.sub (local.get $size) (i32.const 1)))))
        (if (i32.eqz (local.get $t))
          (then
            ;; label 1: g = (1 - σ(f))·alpha, loss -log σ(f)
            (local.set $g (f32.mul (f32.sub (f32.const 1)
              (f32.load (i32.add (local.get $sigmoid) (i32.shl (local.get $i) (i32.const 2)))))
              (local.get $alpha)))
            (local.set $loss (f32.sub (local.get $loss)
              (f32.load (i32.add (local.get $logSigmoid) (i32.shl (local.get $i) (i32.const 2)))))))
          (else
            ;; label 0: g = -σ(f)·alpha, loss -log σ(-f) (the mirrored table entry)
            (local.set $g (f32.neg (f32.mul
              (f32.load (i32.add (local.get $sigmoid) (i32.shl (local.get $i) (i32.const 2))))
              (local.get $alpha))))
            (local.set $loss (f32.sub (local.get $loss)
              (f32.load (i32.add (local.get $logSigmoid)
                (i32.shl (i32.sub (i32.sub (local.get $size) (i32.const 1)) (local.get $i)) (i32.const 2))))))))
        ;; the update, and the next target's dot product (in the same pass unless it is this row again)
        (local.set $t (i32.add (local.get $t) (i32.const 1)))
        (if (i32.lt_u (local.get $t) (local.get $count))
          (then
            (local.set $next (i32.load (i32.add (local.get $targets) (i32.shl (local.get $t) (i32.const 2)))))
            (if (i32.ne (local.get $next) (local.get $out))
              (then (local.set $f (call $updateDot (local.get $in) (local.get $out) (local.get $grad)
                (local.get $g) (local.get $n) (local.get $next))))
              (else
                (call $update (local.get $in) (local.get $out) (local.get $grad) (local.get $g) (local.get $n))
                (local.set $f (call $dot (local.get $in) (local.get $next) (local.get $n))))))
          (else (call $update (local.get $in) (local.get $out) (local.get $grad) (local.get $g) (local.get $n))))
        (br $next)))
    (call $apply (local.get $in) (local.get $grad) (local.get $n))
    (local.get $loss));; A sentence's pairs, as word2vec-shards.ts' trainShard did them in JavaScript (same draws in the same
  ;; order): for each position a window shrink, then for each context word in the window the centre's output
  ;; row and `negative` noise draws (a draw equal to the centre is dropped), then $pair. `kept`: the sentence's
  ;; `len` word ids after sub-sampling. `io`: [0] the sampling state (in and out), [8] the loss sum and [16] the
  ;; pair count (f64, added to). `noise`: `noiseLen` word ids.
  (func (export "sentence")
    (param $kept i32) (param $len i32) (param $io i32) (param $targets i32) (param $grad i32)
    (param $noise i32) (param $noiseLen i32) (param $window i32) (param $negative i32) (param $alpha f32)
    (param $inputBase i32) (param $outputBase i32) (param $rowBytes i32) (param $n i32)
    (param $sigmoid i32) (param $logSigmoid i32) (param $size i32)
    (local $pos i32) (local $centre i32) (local $shrink i32) (local $c i32) (local $last i32)
    (local $count i32) (local $d i32) (local $target i32) (local $loss f64) (local $pairs f64)
    (global.set $rng (i32.load (local.get $io)))
    (local.set $loss (f64.load offset=8 (local.get $io)))
    (local.set $pairs (f64.load offset=16 (local.get $io)))
    (block $sentenceDone
      (loop $nextPos
        (br_if $sentenceDone (i32.ge_s (local.get $pos) (local.get $len)))
        (local.set $centre (i32.load (i32.add (local.get $kept) (i32.shl (local.get $pos) (i32.const 2)))))
        (local.set $shrink (call $int (local.get $window)))
        ;; c from max(0, pos − window + shrink) to min(len − 1, pos + window − shrink)
        (local.set $c (i32.add (i32.sub (local.get $pos) (local.get $window)) (local.get $shrink)))
        (if (i32.lt_s (local.get $c) (i32.const 0)) (then (local.set $c (i32.const 0))))
        (local.set $last (i32.sub (i32.add (local.get $pos) (local.get $window)) (local.get $shrink)))
        (if (i32.gt_s (local.get $last) (i32.sub (local.get $len) (i32.const 1)))
          (then (local.set $last (i32.sub (local.get $len) (i32.const 1)))))
        (block $windowDone
          (loop $nextContext
            (br_if $windowDone (i32.gt_s (local.get $c) (local.get $last)))
            (if (i32.ne (local.get $c) (local.get $pos))
              (then
                (i32.store (local.get $targets)
                  (i32.add (local.get $outputBase) (i32.mul (local.get $centre) (local.get $rowBytes))))
                (local.set $count (i32.const 1))
                (local.set $d (i32.const 0))
                (block $noiseDone
                  (loop $nextNoise
                    (br_if $noiseDone (i32.ge_s (local.get $d) (local.get $negative)))
                    (local.set $target (i32.load (i32.add (local.get $noise)
                      (i32.shl (call $int (local.get $noiseLen)) (i32.const 2)))))
                    (if (i32.ne (local.get $target) (local.get $centre))
                      (then
                        (i32.store (i32.add (local.get $targets) (i32.shl (local.get $count) (i32.const 2)))
                          (i32.add (local.get $outputBase) (i32.mul (local.get $target) (local.get $rowBytes))))
                        (local.set $count (i32.add (local.get $count) (i32.const 1)))))
                    (local.set $d (i32.add (local.get $d) (i32.const 1)))
                    (br $nextNoise)))
                (local.set $loss (f64.add (local.get $loss) (f64.promote_f32 (call $pair
                  (i32.add (local.get $inputBase) (i32.mul
                    (i32.load (i32.add (local.get $kept) (i32.shl (local.get $c) (i32.const 2))))
                    (local.get $rowBytes)))
                  (local.get $targets) (local.get $count) (local.get $alpha) (local.get $grad) (local.get $n)
                  (local.get $sigmoid) (local.get $logSigmoid) (local.get $size)))))
                (local.set $pairs (f64.add (local.get $pairs) (f64.const 1)))))
            (local.set $c (i32.add (local.get $c) (i32.const 1)))
            (br $nextContext)))
        (local.set $pos (i32.add (local.get $pos) (i32.const 1)))
        (br $nextPos)))
    (i32.store (local.get $io) (global.get $rng))
    (f64.store offset=8 (local.get $io) (local.get $loss))
    (f64.store offset=16 (local.get $io) (local.get $pairs)))
)
