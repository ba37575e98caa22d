import { test } from 'node:test';
import assert from 'node:assert/strict';
import { analyze, parseSpec, toSentences, ZOO, ZOO_ENTRIES, zooModel } from '../../src/arch';
import { tfjsOracle } from './tfjs-oracle';

const CIFAR = { height: 32, width: 32, channels: 3 };

test("the zoo has the paper's seven canonical models and the small ones the mini profile trains", () => {
  assert.deepEqual(ZOO, [
    'vgg16',
    'nin',
    'allcnnc',
    'resnet20',
    'wrn-16-4',
    'preact-resnet20',
    'resnet8',
    'lenet1',
    'lenet4',
    'lenet5',
  ]);
});

for (const entry of ZOO_ENTRIES) {
  test(`zoo ${entry.name}: params within 5% of the published count, shapes and params match TensorFlow.js`, () => {
    const spec = entry.build(CIFAR, 10);
    parseSpec(JSON.parse(JSON.stringify(spec)));
    const a = analyze(spec);
    if (entry.publishedParams !== null) {
      const deviation = Math.abs(a.params / entry.publishedParams - 1);
      assert.ok(deviation <= 0.05, `${entry.name}: ${a.params} vs published ${entry.publishedParams}`);
    }
    const oracle = tfjsOracle(spec);
    assert.equal(a.params, oracle.params);
    assert.deepEqual(a.shapes, oracle.shapes);
    assert.deepEqual(a.shapes[a.shapes.length - 1], [10]);
    assert.ok(a.flops > 0);
  });
}

test('published reference points: Keras counts 15,001,418 (cifar10vgg) and 274,442 (ResNet-20 v1)', () => {
  assert.equal(analyze(zooModel('vgg16')).params, 15_001_418);
  assert.equal(analyze(zooModel('resnet20')).params, 274_442);
  assert.equal(analyze(zooModel('lenet5', { height: 32, width: 32, channels: 1 }, 10)).params, 61_706);
  // LeNet-1 and -4 with full map connections, counted by hand: conv 5×5×1×4+4, conv 5×5×4×12+12 (16), dense.
  assert.equal(
    analyze(zooModel('lenet1', { height: 28, width: 28, channels: 1 }, 10)).params,
    104 + 1_212 + 1_930,
  );
  assert.equal(
    analyze(zooModel('lenet4', { height: 28, width: 28, channels: 1 }, 10)).params,
    104 + 1_616 + 256 * 120 + 120 + 1_210,
  );
});

test('zoo models follow the class count and give one sentence per residual path', () => {
  const r = zooModel('resnet20', CIFAR, 100);
  assert.deepEqual(analyze(r).shapes.at(-1), [100]);
  assert.equal(toSentences(r).length, 2 ** 9);
  assert.equal(toSentences(zooModel('wrn-16-4')).length, 2 ** 6);
  assert.equal(toSentences(zooModel('vgg16')).length, 1);
  // ResNet-20 FLOPs: ≈41 M multiply-adds (He et al. 2016) → ≈82 MFLOPs.
  const flops = analyze(zooModel('resnet20')).flops;
  assert.ok(flops > 80e6 && flops < 84e6, String(flops));
});

test('zooModel names the known models for an unknown name', () => {
  assert.throws(() => zooModel('alexnet'), /unknown zoo model 'alexnet'; known: vgg16, nin/);
});
