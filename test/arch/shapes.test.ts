import { test } from 'node:test';
import assert from 'node:assert/strict';
import {
  analyze,
  countFlops,
  countParams,
  generateModels,
  inferShapes,
  InvalidArchitectureError,
  validityError,
  type ArchitectureSpec,
  type LayerSpec,
} from '../../src/arch';
import { tfjsOracle } from './tfjs-oracle';
import { conv } from '../helpers/layers';

const spec = (layers: LayerSpec[], classes = 10, h = 32, c = 3): ArchitectureSpec => ({
  format: 'dlrec.architecture',
  version: 1,
  input: { height: h, width: h, channels: c },
  classes,
  layers,
});
const head = (units = 10): LayerSpec[] => [
  { id: 'flat', type: 'Flatten' },
  { id: 'out', type: 'Dense', params: { units, init: 'glorot_normal' } },
  { id: 'sm', type: 'Softmax' },
];

test('SAME is ceil(in/stride), VALID is floor((in-k)/stride)+1', () => {
  const shapes = inferShapes(
    spec([
      conv('a', 32, 3, 2, 'SAME'), // 32 → 16
      conv('b', 64, 5, 3, 'SAME'), // 16 → 6
      conv('c', 64, 3, 2, 'VALID'), // 6 → 2
      {
        id: 'p',
        type: 'Pooling2D',
        params: { func: 'MAX', kernel: [2, 1], strides: [1, 1], padding: 'VALID' },
      }, // 2×2 → 1×2
      ...head(),
    ]),
  );
  assert.deepEqual(shapes.slice(0, 5), [[16, 16, 32], [6, 6, 64], [2, 2, 64], [1, 2, 64], [128]]);
});

test('params and FLOPs of a small model, computed by hand', () => {
  const s = spec(
    [
      conv('a', 32, 3, 1, 'SAME'),
      { id: 'bn', type: 'BatchNormalization' },
      { id: 'r', type: 'ReLU' },
      ...head(),
    ],
    10,
    8,
    1,
  );
  // conv: 3*3*1*32 + 32 = 320; BN: 4*32 = 128; dense: 8*8*32*10 + 10 = 20490.
  assert.equal(countParams(s), 320 + 128 + 20490);
  // conv: 2*9*1*32*64 = 36864; BN: 2*2048; ReLU: 2048; dense: 2*2048*10 = 40960; softmax: 10.
  assert.equal(countFlops(s), 36864 + 4096 + 2048 + 40960 + 10);
});

test('invalid models are named with the layer and the reason', () => {
  const cases: Array<[LayerSpec[], RegExp]> = [
    // 32 → 28 → 8 → 2 → 0
    [
      [
        conv('a', 32, 5, 1, 'VALID'),
        conv('b', 32, 5, 3, 'VALID'),
        conv('c', 32, 5, 3, 'VALID'),
        conv('d', 32, 5, 3, 'VALID'),
        ...head(),
      ],
      /layer 3 \(d, Convolution2D\): output would be 0×0/,
    ],
    [
      [
        conv('a', 32, 3, 1, 'SAME'),
        { id: 'd', type: 'Dense', params: { units: 10, init: 'glorot_uniform' } },
      ],
      /Dense needs a flat input/,
    ],
    [
      [
        conv('a', 32, 3, 1, 'SAME'),
        conv('b', 64, 3, 1, 'SAME'),
        { id: 'e', type: 'Eltwise', inputs: ['a', 'b'], params: { op: 'SUM' } },
        ...head(),
      ],
      /Eltwise inputs must have equal shapes, got 32×32×32 and 32×32×64/,
    ],
    [
      [
        conv('a', 32, 3, 2, 'SAME'),
        conv('b', 64, 3, 1, 'SAME', ['input']),
        { id: 'c', type: 'Concat', inputs: ['a', 'b'] },
        ...head(),
      ],
      /Concat inputs must agree on all but the channel axis/,
    ],
    [
      [conv('a', 32, 3, 1, 'SAME'), { id: 'f', type: 'Flatten' }],
      /missing or wrong classifier head: the output is 32768/,
    ],
    [
      [conv('a', 32, 3, 1, 'SAME'), ...head(7)],
      /missing or wrong classifier head: the output is 7 but must be a vector of 10 classes/,
    ],
    [
      [conv('a', 32, 3, 1, 'SAME'), conv('b', 32, 3, 1, 'SAME', ['input']), ...head()],
      /exactly one output layer, found 2/,
    ],
    [[{ id: 'f', type: 'Flatten' }, conv('a', 32, 3, 1, 'SAME'), ...head()], /needs a 3-D feature map/],
  ];
  for (const [layers, pattern] of cases) {
    assert.throws(
      () => analyze(spec(layers)),
      (e: Error) => e instanceof InvalidArchitectureError && pattern.test(e.message),
    );
    assert.match(validityError(spec(layers)) ?? '', pattern);
  }
  assert.equal(validityError(spec([conv('a', 32, 3, 1, 'SAME'), ...head()])), null);
});

test('generated models (sequential and DAG) match TensorFlow.js shapes and params', () => {
  const models = generateModels({
    seed: 11,
    count: 400,
    input: { height: 32, width: 32, channels: 3 },
    classes: 10,
  });
  const small = models.filter((m) => m.params < 3e6);
  const picked = [
    ...small.filter((m) => m.sentences.length > 1).slice(0, 8),
    ...small.filter((m) => m.sentences.length === 1).slice(0, 12),
  ];
  assert.ok(picked.length >= 15);
  for (const m of picked) {
    const oracle = tfjsOracle(m.spec);
    assert.equal(m.params, oracle.params, m.id);
    assert.deepEqual(analyze(m.spec).shapes, oracle.shapes, m.id);
  }
});
