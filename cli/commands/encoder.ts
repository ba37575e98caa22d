/**
 * dlrec encoder train | encoder eval | encode — the unsupervised model encoder (issue 6).
 *
 * `encoder train` without --profile trains the CI-fast corpus and sizes (the smoke profile) at the paper's
 * 512-d, so `dlrec encode` returns 512 numbers; with --profile the profile's dimension applies unless --dim
 * is given (mini uses 64-d to fit a laptop's minutes).
 */
import fs from 'node:fs';
import path from 'node:path';
import { Option, type Command } from 'commander';
import { GENERATION_FILES } from '../../activities/generation';
import { getJSON, type ArtifactStore } from '../../infra/store';
import { dlrecHome } from '../../infra/paths';
import { ArchitectureError, tokenizeFile } from '../../src/arch';
import type { GeneratorFloor } from '../../src/encoder/experiment';
import type { EncoderProfile } from '../../src/encoder/profiles';
import {
  encoderArtifacts,
  loadLanguageModel,
  NoEncoderError,
  readCurrentEncoder,
} from '../../src/encoder/stored-encoder';
import { PROFILE_NAMES, profile as buildProfile, type ProfileName } from '../../src/profiles';
import { EncoderWorkflow, GenerateModelsWorkflow } from '../../workflows';
import { CPU_QUEUE } from '../../workflows/queues';
import { defineAction, intOption, UserError, type CommandContext } from '../output';
import { runWorkflow } from '../run-workflow';
import { withTemporal } from '../temporal-session';
import { jsonHash } from '../../src/content-hash';

/** The default `encoder train`: smoke corpus and epochs, the paper's dimension. */
const DEFAULT_DIM = 512;

interface TrainOptions {
  corpus?: string;
  manifest?: string;
  dim?: number;
  epochs?: number;
  profile?: ProfileName;
  id?: string;
  worker: boolean;
}

/** The encoder profile from the flags: the build profile's section (default smoke at 512-d), flags on top. */
export function trainProfile(o: Pick<TrainOptions, 'dim' | 'epochs' | 'profile'>): EncoderProfile {
  const base = buildProfile(o.profile ?? 'smoke').encoder;
  const dim = o.dim ?? (o.profile ? undefined : DEFAULT_DIM);
  return {
    ...base,
    word2vec: { ...base.word2vec, ...(dim ? { dim } : {}) },
    languageModel: { ...base.languageModel, ...(dim ? { dim } : {}) },
    lmEpochs: o.epochs ?? base.lmEpochs,
  };
}

const hash = (value: unknown) => jsonHash(value);

/** A `dlrec generate` folder → corpora/<content hash>/ in the store (its sentences, models and manifest). */
async function uploadCorpus(store: ArtifactStore, dir: string): Promise<string> {
  const sentences = path.join(dir, 'sentences.txt');
  if (!fs.existsSync(sentences)) {
    throw new UserError(
      `${dir} has no sentences.txt: pass a folder written by \`dlrec generate --out ${dir}\``,
    );
  }
  const present = GENERATION_FILES.filter((f) => fs.existsSync(path.join(dir, f)));
  const contents = present.map((f) => [f, fs.readFileSync(path.join(dir, f))] as const);
  const prefix = `corpora/${hash(contents.map(([f, data]) => [f, hash(data.toString('base64'))])).slice(0, 16)}`;
  for (const [f, data] of contents) {
    const key = `${prefix}/${f}`;
    if (!(await store.exists(key))) await store.put(key, data);
  }
  return prefix;
}

async function manifestPrefix(store: ArtifactStore, key: string): Promise<string> {
  const prefix = key.replace(/\/(manifest\.json)?$/, '');
  if (!(await store.exists(`${prefix}/sentences.txt`))) {
    throw new UserError(
      `no generation corpus at '${prefix}' in the store: pass the key of a manifest written by ` +
        'GenerateModelsWorkflow (generations/<run>/manifest.json), or use --corpus DIR',
    );
  }
  return prefix;
}

function registerTrain(encoder: Command): void {
  const cmd = encoder
    .command('train')
    .description(
      'train word2vec + the LSTM language model and run the encoder experiment (EncoderWorkflow); ' +
        'without --profile: the smoke corpus at 512-d (seconds to a minute)',
    )
    .option('--corpus <dir>', 'a folder written by `dlrec generate` (uploaded to the store first)')
    .option('--manifest <key>', 'store key of a generation manifest (generations/<run>/manifest.json)')
    .option(
      '--dim <n>',
      `embedding/hidden size (default ${DEFAULT_DIM}, or the --profile's)`,
      intOption('--dim'),
    )
    .option('--epochs <n>', "language-model epochs (default: the profile's)", intOption('--epochs'))
    .addOption(
      new Option('--profile <name>', 'encoder sizes and corpus (default: smoke at 512-d)').choices(
        PROFILE_NAMES,
      ),
    )
    .option('--id <id>', 'workflow id (default: derived from the inputs; the same id resumes)')
    .option('--no-worker', 'rely on external workers');
  defineAction(cmd, async (ctx) => {
    const o = ctx.opts as unknown as TrainOptions;
    if (o.corpus && o.manifest) throw new UserError('pass either --corpus DIR or --manifest KEY, not both');
    const store = ctx.store();
    const profile = trainProfile(o);
    const started = Date.now();
    const result = await withTemporal({ store, worker: o.worker }, async (client) => {
      let generationPrefix: string;
      if (o.corpus) generationPrefix = await uploadCorpus(store, o.corpus);
      else if (o.manifest) generationPrefix = await manifestPrefix(store, o.manifest);
      else {
        // The profile's corpus: GenerateModelsWorkflow is idempotent, so a stored run is reused as is.
        const options = buildProfile(profile.name).generation;
        const generated = await runWorkflow(ctx, client, GenerateModelsWorkflow, {
          workflowId: `dlrec-generate-${hash([options, store.url]).slice(0, 12)}`,
          taskQueue: CPU_QUEUE,
          args: [options],
          label: 'generate',
        });
        generationPrefix = generated.prefix;
      }
      const input = { generationPrefix, profile };
      return runWorkflow(ctx, client, EncoderWorkflow, {
        workflowId: o.id ?? `dlrec-encoder-${hash([input, store.url]).slice(0, 12)}`,
        taskQueue: CPU_QUEUE,
        args: [input],
        label: 'encoder',
      });
    });
    const seconds = (Date.now() - started) / 1000;
    return {
      data: { ...result, seconds },
      human:
        `encoder ${result.encoderKey} (${result.dim}-d, ${result.epochs} epochs) in ${seconds.toFixed(1)} s: ` +
        `held-out perplexity ${result.perplexity.toFixed(2)} (unigram ${result.unigramPerplexity.toFixed(2)}), ` +
        `VGG-vs-random 5-NN purity ${result.vggVsRandom.knnPurity.toFixed(3)}, ` +
        `silhouette ${result.vggVsRandom.silhouette.toFixed(3)}\nnow encode files with: dlrec encode FILE…`,
    };
  });
}

function registerEval(encoder: Command): void {
  const cmd = encoder
    .command('eval')
    .description(
      "the current encoder's experiment: perplexities, VGG-vs-random purity/silhouette, t-SNE plot",
    )
    .option('--out <dir>', 'report folder for the plot (default $DLREC_HOME/reports/encoder)');
  defineAction(cmd, async (ctx) => {
    const store = ctx.store();
    const current = await currentEncoder(store);
    const e = await getJSON<{
      perplexity: number;
      unigramPerplexity: number;
      perplexityRatio: number;
      vggVsRandom: { knnPurity: number; silhouette: number; modelsPerClass: number };
      encodeMsPerModel: number;
      floor?: GeneratorFloor | null;
    }>(store, current.experimentKey);
    const out = path.resolve(String(ctx.opts.out ?? path.join(dlrecHome(), 'reports', 'encoder')));
    fs.mkdirSync(out, { recursive: true });
    const plot = path.join(out, `encoder-tsne-${current.encoderKey}.svg`);
    fs.writeFileSync(plot, await store.get(encoderArtifacts.tsne(current.encoderKey)));
    const data = {
      encoderKey: current.encoderKey,
      dim: current.dim,
      perplexity: e.perplexity,
      unigramPerplexity: e.unigramPerplexity,
      perplexityRatio: e.perplexityRatio,
      vggVsRandom: e.vggVsRandom,
      encodeMsPerModel: e.encodeMsPerModel,
      floor: e.floor ?? null,
      plot,
    };
    const f = e.floor;
    return {
      data,
      human:
        `encoder ${current.encoderKey} (${current.dim}-d, profile ${current.profile}, ${current.epochs} epochs)\n` +
        `  held-out perplexity ${e.perplexity.toFixed(2)} vs unigram ${e.unigramPerplexity.toFixed(2)} ` +
        `(ratio ${e.perplexityRatio.toFixed(3)}; target ≤ 0.2)\n` +
        `  VGG-like vs random (${e.vggVsRandom.modelsPerClass} each): 5-NN purity ` +
        `${e.vggVsRandom.knnPurity.toFixed(3)} (target ≥ 0.95), silhouette ${e.vggVsRandom.silhouette.toFixed(3)}\n` +
        (f
          ? `  on ${f.sentences} held-out linear sentences: perplexity ${f.perplexity.toFixed(2)}, unigram ` +
            `${f.unigramPerplexity.toFixed(2)}, the generator's own ${f.generatorPerplexity.toFixed(2)} ` +
            `(no model can go below ratio ${f.floorRatio.toFixed(3)})\n`
          : '') +
        `  t-SNE plot: ${plot}`,
    };
  });
}

async function currentEncoder(store: ArtifactStore) {
  try {
    return await readCurrentEncoder(store);
  } catch (err) {
    if (err instanceof NoEncoderError) throw new UserError(err.message);
    throw err;
  }
}

function registerEncode(program: Command): void {
  const cmd = program
    .command('encode')
    .description('architecture vectors of spec, NLDS or Keras JSON files, from the current trained encoder')
    .argument('<files...>', 'architecture files');
  defineAction(cmd, async (ctx: CommandContext, files: string[]) => {
    const store = ctx.store();
    const current = await currentEncoder(store);
    const parsed = files.map((file) => {
      try {
        return { file, ...tokenizeFile(file) };
      } catch (err) {
        if (err instanceof ArchitectureError) throw new UserError(`${file}: ${err.message}`);
        throw err;
      }
    });
    const model = await loadLanguageModel(store, current.encoderKey);
    try {
      const data = parsed.map((p) => ({
        file: p.file,
        format: p.format,
        vector: Array.from(model.encode(p.sentences)),
        unknownTokens: model.unknownTokens(p.sentences),
      }));
      const human = data
        .map(
          (d) =>
            `${d.file} (${d.format}): ${d.vector.length}-d, ${d.unknownTokens} unknown tokens, ` +
            `[${d.vector
              .slice(0, 4)
              .map((v) => v.toFixed(4))
              .join(', ')}, …]`,
        )
        .join('\n');
      return { data, human };
    } finally {
      model.dispose();
    }
  });
}

export function register(program: Command): void {
  const encoder = program
    .command('encoder')
    .description('the unsupervised model encoder (word2vec + LSTM LM)');
  registerTrain(encoder);
  registerEval(encoder);
  registerEncode(program);
}
