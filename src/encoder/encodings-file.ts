/**
 * The encodings file: architecture vectors of many models, as stored by the `encodeModels` activity at
 * `encodings/<encoderKey>/<sha256 of the models file>.json` and read by the regressor stage.
 *
 *   {
 *     "format": "dlrec.encodings", "version": 1,
 *     "encoderKey": "…",             // the encoder that produced the vectors (encoder/<encoderKey>/lm.json)
 *     "ids": ["…", …],               // one id per model, in the models file's line order
 *     "dim": 512,                    // vector length
 *     "unknownTokens": [0, 2, …],    // per model: tokens not in the encoder's vocabulary (read as UNK)
 *     "vectors": "<base64>"          // ids.length × dim float32, little-endian, row-major (row i = ids[i])
 *   }
 */
import { toSentences, type ArchitectureSpec } from '../arch';
import { decodeFloat32, encodeFloat32 } from './float-codec';

export const ENCODINGS_FORMAT = 'dlrec.encodings';

export interface EncodingsJSON {
  format: typeof ENCODINGS_FORMAT;
  version: 1;
  encoderKey: string;
  ids: string[];
  dim: number;
  unknownTokens: number[];
  vectors: string;
}

export interface Encodings {
  encoderKey: string;
  ids: string[];
  dim: number;
  unknownTokens: number[];
  /** ids.length × dim, row-major. */
  matrix: Float32Array;
}

export function writeEncodings(
  encoderKey: string,
  ids: string[],
  vectors: Float32Array[],
  unknownTokens: number[],
): EncodingsJSON {
  if (ids.length !== vectors.length || ids.length !== unknownTokens.length)
    throw new Error('encodings need exactly one vector and one unknown-token count per id');
  const dim = vectors[0]?.length ?? 0;
  const matrix = new Float32Array(ids.length * dim);
  vectors.forEach((v, i) => {
    if (v.length !== dim) throw new Error(`encoding ${ids[i]} has ${v.length} values, expected ${dim}`);
    matrix.set(v, i * dim);
  });
  return {
    format: ENCODINGS_FORMAT,
    version: 1,
    encoderKey,
    ids,
    dim,
    unknownTokens,
    vectors: encodeFloat32(matrix),
  };
}

export function readEncodings(json: unknown): Encodings {
  const j = json as Partial<EncodingsJSON>;
  if (!j || j.format !== ENCODINGS_FORMAT || j.version !== 1 || !Array.isArray(j.ids) || !j.dim)
    throw new Error('not a dlrec encodings file (expected format "dlrec.encodings", version 1)');
  return {
    encoderKey: j.encoderKey ?? '',
    ids: j.ids,
    dim: j.dim,
    unknownTokens: j.unknownTokens ?? j.ids.map(() => 0),
    matrix: decodeFloat32(j.vectors ?? '', j.ids.length * j.dim),
  };
}

/** Row i of the matrix as a view (do not mutate). */
export function encodingRow(e: Encodings, i: number): Float32Array {
  return e.matrix.subarray(i * e.dim, (i + 1) * e.dim);
}

/** The vector of model `id`, or undefined when the file has no such id. */
export function encodingOf(e: Encodings, id: string): Float32Array | undefined {
  const i = e.ids.indexOf(id);
  return i < 0 ? undefined : encodingRow(e, i);
}

/** A spec line, a {id, spec} line or an {id, sentences} line of a models JSONL file → id + sentences. */
export function modelSentences(line: string, lineNo: number): { id: string; sentences: string[] } {
  const m = JSON.parse(line) as {
    id?: string;
    spec?: ArchitectureSpec;
    sentences?: string[];
    layers?: unknown;
  };
  const id = m.id ?? `line-${lineNo}`;
  if (Array.isArray(m.sentences)) return { id, sentences: m.sentences };
  if (m.spec) return { id, sentences: toSentences(m.spec) };
  if (Array.isArray(m.layers)) return { id, sentences: toSentences(m as unknown as ArchitectureSpec) };
  throw new Error(`models file line ${lineNo}: expected {"id", "spec"} or {"id", "sentences"}`);
}
