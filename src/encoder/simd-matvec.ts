/**
 * out = W · v on WebAssembly SIMD (f32x4), for the encoder's LSTM steps. The JS scalar loop
 * reaches well under 1 GMAC/s; a 512-d 3-layer encode needs ~100 M multiply-adds per model.
 * The module (~200 bytes) is assembled below from its instructions, so no toolchain is needed:
 *
 *   (func (export "matvec") (param $w i32) (param $v i32) (param $out i32) (param $rows i32) (param $cols i32)
 *     for r in [0, rows):            ;; $w advances through W row by row
 *       acc0..acc3 = 0 (f32x4); for vp in [v, v + 4*cols) step 64 bytes:
 *         acc_i += W[w + 16i .. +16] * v[vp + 16i .. +16] for i = 0..3;  w += 64
 *       out[r] = sum of the lanes of acc0 + acc1 + acc2 + acc3)
 *
 * cols must be a multiple of 16; pointers are byte offsets into the kernel's own memory.
 */
const leb = (n: number): number[] => {
  const out: number[] = [];
  do {
    let byte = n & 0x7f;
    n >>>= 7;
    if (n !== 0) byte |= 0x80;
    out.push(byte);
  } while (n !== 0);
  return out;
};
const str = (s: string) => [s.length, ...Buffer.from(s, 'utf8')];
const section = (id: number, body: number[]) => [id, ...leb(body.length), ...body];

// Opcodes.
const BLOCK = 0x02, LOOP = 0x03, END = 0x0b, BR = 0x0c, BR_IF = 0x0d; // prettier-ignore
const GET = 0x20, SET = 0x21; // prettier-ignore
const I32_CONST = 0x41, I32_GE_U = 0x4f, I32_ADD = 0x6a, I32_SHL = 0x74, F32_ADD = 0x92, F32_STORE = 0x38; // prettier-ignore
const simd = (op: number, ...imm: number[]) => [0xfd, ...leb(op), ...imm];
const V128_LOAD = (offset: number) => simd(0x00, 4, ...leb(offset));
const V128_ZERO = simd(0x0c, ...new Array(16).fill(0));
const F32X4_ADD = simd(0xe4);
const F32X4_MUL = simd(0xe6);
const LANE = (i: number) => simd(0x1f, i);

// Locals: params w=0 v=1 out=2 rows=3 cols=4; r=5 vp=6 end=7 (i32); acc0=8 acc1=9 (v128).
const [W, V, OUT, ROWS, COLS, R, VP, VEND, ACC0, ACC1, ACC2, ACC3] = [0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11];
const accumulate = (acc: number, offset: number) => [
  GET, acc, GET, W, ...V128_LOAD(offset), GET, VP, ...V128_LOAD(offset), ...F32X4_MUL, ...F32X4_ADD, SET, acc,
]; // prettier-ignore
const body = [
  2, 3, 0x7f, 4, 0x7b, // locals
  GET, V, GET, COLS, I32_CONST, 2, I32_SHL, I32_ADD, SET, VEND,
  BLOCK, 0x40, LOOP, 0x40,
  GET, R, GET, ROWS, I32_GE_U, BR_IF, 1,
  ...V128_ZERO, SET, ACC0, ...V128_ZERO, SET, ACC1, ...V128_ZERO, SET, ACC2, ...V128_ZERO, SET, ACC3, GET, V, SET, VP,
  BLOCK, 0x40, LOOP, 0x40,
  GET, VP, GET, VEND, I32_GE_U, BR_IF, 1,
  ...accumulate(ACC0, 0), ...accumulate(ACC1, 16), ...accumulate(ACC2, 32), ...accumulate(ACC3, 48),
  GET, W, I32_CONST, 0xc0, 0x00, I32_ADD, SET, W, GET, VP, I32_CONST, 0xc0, 0x00, I32_ADD, SET, VP,
  BR, 0, END, END,
  GET, ACC0, GET, ACC1, ...F32X4_ADD, GET, ACC2, ...F32X4_ADD, GET, ACC3, ...F32X4_ADD, SET, ACC0,
  GET, OUT,
  GET, ACC0, ...LANE(0), GET, ACC0, ...LANE(1), F32_ADD, GET, ACC0, ...LANE(2), F32_ADD, GET, ACC0, ...LANE(3), F32_ADD,
  F32_STORE, 2, 0,
  GET, OUT, I32_CONST, 4, I32_ADD, SET, OUT, GET, R, I32_CONST, 1, I32_ADD, SET, R,
  BR, 0, END, END, END,
]; // prettier-ignore
const MODULE = new Uint8Array([
  0x00, 0x61, 0x73, 0x6d, 0x01, 0x00, 0x00, 0x00,
  ...section(1, [1, 0x60, 5, 0x7f, 0x7f, 0x7f, 0x7f, 0x7f, 0]),
  ...section(2, [1, ...str('env'), ...str('memory'), 0x02, 0x00, 1]),
  ...section(3, [1, 0]),
  ...section(7, [1, ...str('matvec'), 0x00, 0]),
  ...section(10, [1, ...leb(body.length), ...body]),
]); // prettier-ignore

export type MatVec = (w: number, v: number, out: number, rows: number, cols: number) => void;

// The WebAssembly global exists in Node but is not in this project's TypeScript libs (ES2022, node).
declare const WebAssembly: {
  Memory: new (descriptor: { initial: number }) => { readonly buffer: ArrayBuffer };
  Module: new (bytes: Uint8Array) => object;
  Instance: new (module: object, imports: object) => { exports: Record<string, unknown> };
  validate(bytes: Uint8Array): boolean;
};

/**
 * The kernel with a fresh memory of at least `bytes` bytes (heap = that memory as floats), or null
 * where WebAssembly SIMD is unavailable.
 */
export function simdMatVec(bytes: number): { matvec: MatVec; heap: Float32Array } | null {
  if (typeof WebAssembly === 'undefined' || !WebAssembly.validate(MODULE)) return null;
  const memory = new WebAssembly.Memory({ initial: Math.ceil(bytes / 65536) + 1 });
  const instance = new WebAssembly.Instance(new WebAssembly.Module(MODULE), { env: { memory } });
  return { matvec: instance.exports.matvec as MatVec, heap: new Float32Array(memory.buffer) };
}
