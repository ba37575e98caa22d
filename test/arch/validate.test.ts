import { test } from 'node:test';
import assert from 'node:assert/strict';
import { jsonPath, parseSpec, SpecValidationError, zooModel } from '../../src/arch';

/** Mutable parsed JSON, for building broken documents. */
// eslint-disable-next-line @typescript-eslint/no-explicit-any
type Doc = any;

const valid = (): Doc => JSON.parse(JSON.stringify(zooModel('resnet20')));

function errorOf(value: unknown): string {
  try {
    parseSpec(value);
  } catch (err) {
    assert.ok(err instanceof SpecValidationError, String(err));
    return err.message;
  }
  assert.fail('expected a validation error');
}

test('valid specs pass and keep their content', () => {
  const v = valid();
  assert.deepEqual(parseSpec(v), v);
});

test('errors name the JSON path and the reason', () => {
  const cases: Array<[(s: Doc) => void, string]> = [
    [(s) => delete s.classes, "$: missing required property 'classes'"],
    [(s) => (s.format = 'keras'), '$.format: must be "dlrec.architecture"'],
    [(s) => (s.layers[0].params.kernel[0] = 0), '$.layers[0].params.kernel[0]: must be >= 1'],
    [
      (s) => (s.layers[0].params.padding = 'same'),
      '$.layers[0].params.padding: must be one of "SAME", "VALID"',
    ],
    [(s) => (s.layers[2].type = 'Swish'), '$.layers[2].type: unknown layer type "Swish"'],
    [(s) => (s.layers[1].extra = 1), "$.layers[1]: unknown property 'extra'"],
    [(s) => (s.input.height = 'big'), '$.input.height: must be integer'],
    [(s) => (s.layers[0].params.filters = 3.5), '$.layers[0].params.filters: must be integer'],
    [(s) => (s.layers[5].inputs = ['nope']), "$.layers[5].inputs[0]: 'nope' is not an earlier layer id"],
    [(s) => (s.layers[5].id = s.layers[4].id), '$.layers[5].id: duplicate layer id'],
    [(s) => (s.layers = []), '$.layers: must NOT have fewer than 1 items'],
  ];
  for (const [mutate, expected] of cases) {
    const s = valid();
    mutate(s);
    const message = errorOf(s);
    assert.ok(message.includes(expected), `${message}\n  should include: ${expected}`);
    assert.ok(!message.includes('\n'));
  }
});

test('several problems are listed together', () => {
  const s = valid();
  s.layers[0].params.kernel = [0, 9999];
  delete s.input.width;
  const message = errorOf(s);
  assert.match(message, /\(3 problems\)/);
  assert.match(message, /\$\.input: missing required property 'width'/);
});

test('non-objects are refused cleanly', () => {
  assert.match(errorOf(null), /\$: must be object/);
  assert.match(errorOf([1, 2]), /\$: must be object/);
});

test('jsonPath turns JSON pointers into readable paths', () => {
  assert.equal(jsonPath(''), '$');
  assert.equal(jsonPath('/layers/3/params/kernel/0'), '$.layers[3].params.kernel[0]');
  assert.equal(jsonPath('/a b/x~1y'), '$["a b"]["x/y"]');
});
