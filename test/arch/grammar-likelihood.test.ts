import assert from 'node:assert/strict';
import test from 'node:test';
import { generateModels } from '../../src/arch';
import {
  generatorPerplexity,
  grammarLikelihood,
  isLinearSentence,
  skeletonDistribution,
} from '../../src/arch/grammar-likelihood';

// The oracle is the generator itself: its sampled frequencies must match the scorer's probabilities to within
// sampling noise, measured as the total-variation distance between two halves of the same sample.
const gen = { seed: 11, count: 12000, input: { height: 32, width: 32, channels: 3 }, classes: 10 };
const sentences = generateModels({ ...gen, unkProb: 0, unkCopies: 0 })
  .filter((m) => m.sentences.length === 1 && isLinearSentence(m.sentences[0]))
  .map((m) => m.sentences[0]);
const likelihood = grammarLikelihood(gen.input, gen.classes);

function add(m: Map<string, number>, key: string, w: number) {
  m.set(key, (m.get(key) ?? 0) + w);
}
function tv(a: Map<string, number>, b: Map<string, number>): number {
  let s = 0;
  for (const k of new Set([...a.keys(), ...b.keys()])) s += Math.abs((a.get(k) ?? 0) - (b.get(k) ?? 0));
  return s / 2;
}
function frequencies(items: string[]): Map<string, number> {
  const m = new Map<string, number>();
  for (const k of items) add(m, k, 1 / items.length);
  return m;
}
/** Expected TV(prediction, sample of n) is about half of TV(two halves): allow 0.8 of the halves' distance. */
function assertMatchesSample(predicted: Map<string, number>, observed: string[], what: string) {
  const half = Math.floor(observed.length / 2);
  const noise = tv(frequencies(observed.slice(0, half)), frequencies(observed.slice(half)));
  const d = tv(predicted, frequencies(observed));
  assert.ok(d < 0.8 * noise, `${what}: TV ${d.toFixed(4)} vs halves' ${noise.toFixed(4)}`);
}

test('every generated linear sentence is drawable, and distributions sum to 1', () => {
  assert.ok(sentences.length > 10000);
  for (const s of sentences) assert.ok(Number.isFinite(likelihood.logProbability(s)), s);
  const total = (m: Map<string, number>) => [...m.values()].reduce((a, b) => a + b, 0);
  assert.ok(Math.abs(total(skeletonDistribution(0.15)) - 1) < 1e-12);
  for (const s of sentences.slice(0, 50)) {
    const body = s.split(' ').slice(0, s.split(' ').indexOf('Flatten'));
    for (let i = 0; i < body.length; i++)
      assert.ok(Math.abs(total(likelihood.nextBodyToken(body.slice(0, i))) - 1) < 1e-9);
  }
  assert.equal(likelihood.logProbability('Flatten Dense_512_glorot_normal'), -Infinity);
});

test('body and dense-block lengths follow the sampler', () => {
  const skeletons = sentences.map((s) => {
    const t = s.split(' ');
    const f = t.indexOf('Flatten');
    return `${f}:${t.length - f - 4}`;
  });
  assertMatchesSample(skeletonDistribution(0.15), skeletons, 'skeleton');
});

test('the first and second body layers follow the sampler, validity included', () => {
  assertMatchesSample(
    likelihood.nextBodyToken([]),
    sentences.map((s) => s.split(' ')[0]),
    'first layer',
  );
  const twoOrMore = sentences.filter((s) => s.split(' ').indexOf('Flatten') >= 2).map((s) => s.split(' '));
  const byFirst = new Map<string, number>();
  for (const t of twoOrMore) add(byFirst, t[0], 1 / twoOrMore.length);
  const predicted = new Map<string, number>();
  for (const [t0, w] of byFirst) {
    for (const [k, p] of likelihood.nextBodyToken([t0])) add(predicted, k, p * w);
  }
  assertMatchesSample(
    predicted,
    twoOrMore.map((t) => t[1]),
    'second layer',
  );
});

test('generatorPerplexity: exp of the mean NLL per target (tokens + EOS); beats a unigram fitted on the sample', () => {
  const ppl = generatorPerplexity(likelihood, sentences);
  const nll = sentences.reduce((a, s) => a - likelihood.logProbability(s), 0);
  const targets = sentences.reduce((a, s) => a + s.split(' ').length + 1, 0);
  assert.ok(Math.abs(ppl - Math.exp(nll / targets)) < 1e-9);
  const counts = frequencies(sentences.flatMap((s) => [...s.split(' '), '<eos>']));
  const unigram = Math.exp(-[...counts.entries()].reduce((a, [, p]) => a + p * Math.log(p), 0));
  assert.ok(ppl < unigram, `generator ${ppl} vs in-sample unigram ${unigram}`);
});
