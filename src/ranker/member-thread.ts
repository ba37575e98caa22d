// fitMember on a worker thread. A member fit is seconds to minutes of synchronous CPU work; run on the main
// thread it blocks whatever else the process does (a Temporal worker's polling, heartbeats and queries, the
// other members), so the platform fits members here — several threads at once on several cores.
import path from 'node:path';
import { Worker } from 'node:worker_threads';
import type { LabelledFeatures, MemberJSON, MemberOptions } from './member';

export interface MemberJob {
  kind: string;
  classifier: string;
}

// The thread runs the TypeScript sources through tsx's require hook, as bin/dlrec.js does.
const BOOTSTRAP = `
require(${JSON.stringify(require.resolve('tsx/cjs'))});
const { parentPort, workerData } = require('node:worker_threads');
const { fitMember } = require(${JSON.stringify(path.join(__dirname, 'member.ts'))});
const { jobs, data, options } = workerData;
parentPort.postMessage(jobs.map((j) => fitMember(j.kind, j.classifier, data[j.kind], options)));
`;

/**
 * fitMember for each job, in order, on one fresh worker thread (one thread start for many members);
 * `data[kind]` is the training data of each job's kind. Same results as fitMember on the main thread.
 */
export function fitMembersInThread(
  jobs: MemberJob[],
  data: Record<string, LabelledFeatures>,
  options: MemberOptions = {},
): Promise<MemberJSON[]> {
  const kinds = [...new Set(jobs.map((j) => j.kind))];
  const payload = Object.fromEntries(kinds.map((k) => [k, { ...data[k], y: Int32Array.from(data[k].y) }]));
  return new Promise((resolve, reject) => {
    const worker = new Worker(BOOTSTRAP, { eval: true, workerData: { jobs, data: payload, options } });
    let result: MemberJSON[] | undefined;
    worker.once('message', (m: MemberJSON[]) => (result = m));
    worker.once('error', reject);
    worker.once('exit', (code) =>
      result
        ? resolve(result)
        : reject(new Error(`member fit thread exited with code ${code} and no result`)),
    );
  });
}

/** fitMember(kind, classifier, data, options) on a worker thread. */
export async function fitMemberInThread(
  kind: string,
  classifier: string,
  data: LabelledFeatures,
  options: MemberOptions = {},
): Promise<MemberJSON> {
  return (await fitMembersInThread([{ kind, classifier }], { [kind]: data }, options))[0];
}
