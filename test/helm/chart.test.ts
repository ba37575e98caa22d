import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { parseAllDocuments } from 'yaml';

// The chart checks of CI (scripts/check-chart.sh), plus what kubeconform cannot see: the values' effects on the
// rendered objects, the KEDA custom resources it skips, and the guards that refuse bad values.
const ROOT = path.resolve(__dirname, '../..');
const BIN = path.join(ROOT, '.tools', 'bin');
const HELM = path.join(BIN, 'helm');
const CHART = path.join(ROOT, 'helm', 'dlrec');
const KUBE_VERSION = '1.29.0';

// Rendered objects are free-form JSON; the assertions below check their shape.
// eslint-disable-next-line @typescript-eslint/no-explicit-any
type Json = any;

interface K8sObject {
  apiVersion: string;
  kind: string;
  metadata: { name: string; annotations?: Record<string, string> };
  spec: Record<string, Json>;
}

function requireTools(): void {
  for (const tool of ['helm', 'kubeconform']) {
    if (!fs.existsSync(path.join(BIN, tool))) {
      assert.fail(
        `${tool} is missing from .tools/bin: run \`npm run setup\` (it installs the tools of scripts/tools.json)`,
      );
    }
  }
}

function helmTemplate(args: string[]): { status: number | null; stderr: string; objects: K8sObject[] } {
  requireTools();
  const r = spawnSync(HELM, ['template', 't', CHART, '--kube-version', KUBE_VERSION, ...args], {
    encoding: 'utf8',
  });
  const objects =
    r.status === 0
      ? parseAllDocuments(r.stdout)
          .map((d) => d.toJS() as K8sObject | null)
          .filter((o): o is K8sObject => o !== null)
      : [];
  return { status: r.status, stderr: r.stderr, objects };
}

function render(...args: string[]): K8sObject[] {
  const r = helmTemplate(args);
  assert.equal(r.status, 0, `helm template ${args.join(' ')} failed:\n${r.stderr}`);
  return r.objects;
}

/** The chart with ci/gpu-values.yaml and each `key=value` of `sets`. */
const renderGpu = (...sets: string[]): K8sObject[] =>
  render('-f', path.join(CHART, 'ci', 'gpu-values.yaml'), ...sets.flatMap((s) => ['--set', s]));

function find(objects: K8sObject[], kind: string, nameSuffix: string): K8sObject {
  const o = objects.find((x) => x.kind === kind && x.metadata.name.endsWith(nameSuffix));
  assert.ok(
    o,
    `no ${kind} *${nameSuffix} in ${objects.map((x) => `${x.kind}/${x.metadata.name}`).join(', ')}`,
  );
  return o;
}

const container = (d: K8sObject) => d.spec.template.spec.containers[0];
const env = (d: K8sObject) =>
  new Map<string, Json>(container(d).env.map((e: Json) => [e.name, e.value ?? e.valueFrom]));

test('check-chart.sh: lint and kubeconform -strict pass for the default, GPU and external-Temporal values', () => {
  requireTools();
  const r = spawnSync('bash', [path.join(ROOT, 'scripts', 'check-chart.sh')], { encoding: 'utf8' });
  const out = r.stdout + r.stderr;
  assert.equal(r.status, 0, out);
  for (const set of ['default', 'ci/gpu-values.yaml', 'ci/external-temporal-values.yaml']) {
    assert.match(
      out,
      new RegExp(
        `values ${set.replace('.', '\\.')}: helm template \\| kubeconform -strict \\(Kubernetes 1\\.29`,
      ),
    );
  }
  const summaries = out.match(/Summary: \d+ resources? found .* Invalid: 0, Errors: 0/g) ?? [];
  assert.equal(summaries.length, 6, out); // three value sets x two Kubernetes versions
});

test('check-chart.sh fails on a field that Kubernetes 1.29 does not know', () => {
  requireTools();
  const copy = fs.mkdtempSync(path.join(os.tmpdir(), 'dlrec-chart-'));
  try {
    fs.cpSync(CHART, copy, { recursive: true });
    const file = path.join(copy, 'templates', 'workers.yaml');
    const text = fs.readFileSync(file, 'utf8');
    const pull = '          imagePullPolicy: {{ $.Values.image.pullPolicy }}\n';
    assert.ok(text.includes(pull));
    fs.writeFileSync(file, text.replace(pull, pull + '          restartPolicyTypo: Always\n'));
    const r = spawnSync('bash', [path.join(ROOT, 'scripts', 'check-chart.sh')], {
      encoding: 'utf8',
      env: { ...process.env, DLREC_CHART_DIR: copy, DLREC_KUBE_VERSIONS: KUBE_VERSION },
    });
    assert.notEqual(r.status, 0);
    assert.match(r.stdout + r.stderr, /additional properties 'restartPolicyTypo' not allowed/);
  } finally {
    fs.rmSync(copy, { recursive: true, force: true });
  }
});

test('default values: one CPU pool wired to Temporal and S3, no GPU pool, no schedule', () => {
  const objects = render();
  const cpu = find(objects, 'Deployment', '-cpu-worker');
  assert.equal(objects.filter((o) => o.kind === 'Deployment').length, 1);
  assert.equal(cpu.spec.replicas, 2);
  assert.deepEqual(container(cpu).args, [
    'worker',
    '--queue',
    'cpu',
    '--concurrency',
    '2',
    '--shutdown-grace',
    '60',
  ]);
  const e = env(cpu);
  assert.equal(e.get('TEMPORAL_ADDRESS'), 'temporal-frontend.temporal.svc.cluster.local:7233');
  assert.equal(e.get('DLREC_STORE'), 's3://dlrec-artifacts/repository');
  assert.equal(e.has('TEMPORAL_TLS_CERT'), false);
  assert.equal(cpu.spec.template.spec.terminationGracePeriodSeconds, 180);
  assert.equal(container(cpu).securityContext.readOnlyRootFilesystem, true);
  assert.match(container(cpu).livenessProbe.exec.command[2], /f=\/tmp\/dlrec-worker\.alive; .* -lt 60 \]$/);
  assert.equal(e.get('DLREC_HEALTH_FILE'), '/tmp/dlrec-worker.alive');

  // Every profile trains on dlrec-gpu, which a default install does not serve: no schedule starts builds there.
  assert.equal(
    objects.some((o) => o.kind === 'Job'),
    false,
  );
  assert.equal(find(objects, 'PodDisruptionBudget', '-cpu-worker').spec.maxUnavailable, 1);
});

test('a schedule that no pool can serve fails to render, naming the values that fix it', () => {
  const r = helmTemplate(['--set', 'schedule.enabled=true']);
  assert.notEqual(r.status, 0);
  assert.match(
    r.stderr,
    /profile "paper" trains on task queue dlrec-gpu .* which no pool of this release serves/,
  );
  for (const fix of [
    'gpuWorkers.enabled=true',
    'cpuWorkers.serveGpuQueue=true',
    'schedule.externalWorkers=true',
    'schedule.enabled=false',
  ])
    assert.ok(r.stderr.includes(fix), `the message should name ${fix}:\n${r.stderr}`);
  // A GPU pool set to 0 replicas without an autoscaler serves nothing either.
  const zero = helmTemplate([
    '--set',
    'schedule.enabled=true',
    '--set',
    'gpuWorkers.enabled=true',
    '--set',
    'gpuWorkers.replicas=0',
  ]);
  assert.notEqual(zero.status, 0);
  assert.match(zero.stderr, /dlrec-gpu/);
  // The workflows themselves run on dlrec-cpu.
  const noCpu = helmTemplate([
    '--set',
    'schedule.enabled=true',
    '--set',
    'gpuWorkers.enabled=true',
    '--set',
    'cpuWorkers.enabled=false',
  ]);
  assert.notEqual(noCpu.status, 0);
  assert.match(noCpu.stderr, /task queue dlrec-cpu, which no pool of this release serves/);

  // Each way out renders the hook Job.
  for (const fix of [
    ['--set', 'gpuWorkers.enabled=true'],
    ['--set', 'cpuWorkers.serveGpuQueue=true', '--set', 'schedule.profile=mini'],
    ['--set', 'schedule.externalWorkers=true'],
  ]) {
    const job = find(render('--set', 'schedule.enabled=true', ...fix), 'Job', '-schedule');
    assert.equal(job.metadata.annotations?.['helm.sh/hook'], 'post-install,post-upgrade');
  }
  // A CPU pool that serves the GPU queue polls both (`dlrec worker --queue all`).
  const cpu = find(render('--set', 'cpuWorkers.serveGpuQueue=true'), 'Deployment', '-cpu-worker');
  assert.deepEqual(container(cpu).args.slice(0, 3), ['worker', '--queue', 'all']);
});

test('schedule Job: the build timeouts come from the values (heartbeat from worker.*, schedule-to-start)', () => {
  const job = find(renderGpu(), 'Job', '-schedule');
  assert.deepEqual(container(job).args, [
    'schedule',
    'create',
    '--id',
    'dlrec-retrain-weekly',
    '--cron',
    '0 3 * * 0',
    '--profile',
    'paper',
    '--catchup-window',
    '1 day',
    '--heartbeat-timeout',
    '300',
    '--schedule-to-start',
    '480',
    '--if-not-exists',
  ]);
  const defaults = find(
    render('--set', 'schedule.enabled=true', '--set', 'gpuWorkers.enabled=true'),
    'Job',
    '-schedule',
  );
  const args: string[] = container(defaults).args;
  assert.equal(args[args.indexOf('--heartbeat-timeout') + 1], '120');
  assert.equal(args[args.indexOf('--schedule-to-start') + 1], '360');
});

test('GPU pool: GPU limit, concurrency = GPUs x activities per GPU, placement, CUDA cache', () => {
  const objects = renderGpu('gpuWorkers.gpusPerPod=2', 'gpuWorkers.activitiesPerGpu=2');
  const gpu = find(objects, 'Deployment', '-gpu-worker');
  const c = container(gpu);
  assert.equal(c.resources.limits['nvidia.com/gpu'], 2);
  assert.equal(c.resources.limits.memory, '40Gi');
  assert.deepEqual(c.args.slice(0, 5), ['worker', '--queue', 'gpu', '--concurrency', '4']);
  assert.equal(c.image, 'registry.example.com/ml/dlrec:0.1.0-gpu');
  assert.equal(gpu.spec.template.spec.nodeSelector['nvidia.com/gpu.present'], 'true');
  assert.equal(gpu.spec.template.spec.tolerations[0].key, 'nvidia.com/gpu');
  assert.equal(gpu.spec.template.spec.terminationGracePeriodSeconds, 29100);
  assert.equal(
    gpu.spec.replicas,
    undefined,
    'an autoscaled Deployment must leave replicas to the autoscaler',
  );
  const e = env(gpu);
  assert.equal(e.get('DLREC_BACKEND'), 'tensorflow-gpu');
  assert.equal(e.get('CUDA_CACHE_PATH'), '/var/cache/dlrec/cuda');
  assert.ok(c.volumeMounts.some((m: { mountPath: string }) => m.mountPath === '/var/cache/dlrec/cuda'));
  assert.match(c.livenessProbe.exec.command[2], /-lt 600 \]$/, 'GPU pods tolerate the PTX JIT pauses');
  const cache = (args: string[]) =>
    find(
      render('--set', 'gpuWorkers.enabled=true', ...args),
      'Deployment',
      '-gpu-worker',
    ).spec.template.spec.volumes.find((v: { name: string }) => v.name === 'cuda-cache');
  assert.deepEqual(cache([]).emptyDir, { sizeLimit: '4Gi' });
  assert.deepEqual(cache(['--set', 'gpuWorkers.cudaCache.hostPath=/var/cache/dlrec-cuda']).hostPath, {
    path: '/var/cache/dlrec-cuda',
    type: 'DirectoryOrCreate',
  });
});

test('KEDA ScaledObjects (skipped by kubeconform): temporal trigger per queue, mTLS through TriggerAuthentication', () => {
  const objects = renderGpu('temporal.tls.enabled=true', 'temporal.tls.existingSecret=mtls');
  const so = find(objects, 'ScaledObject', '-gpu-worker');
  assert.equal(so.apiVersion, 'keda.sh/v1alpha1');
  assert.deepEqual(so.spec.scaleTargetRef, {
    apiVersion: 'apps/v1',
    kind: 'Deployment',
    name: 't-dlrec-gpu-worker',
  });
  assert.equal(so.spec.minReplicaCount, 0);
  assert.equal(so.spec.maxReplicaCount, 8);
  const [trigger] = so.spec.triggers;
  assert.equal(trigger.type, 'temporal');
  assert.deepEqual(trigger.metadata, {
    endpoint: 'temporal-frontend.temporal.svc.cluster.local:7233',
    namespace: 'default',
    taskQueue: 'dlrec-gpu',
    queueTypes: 'activity',
    targetQueueSize: '1',
    activationTargetQueueSize: '0',
  });
  assert.equal(trigger.authenticationRef.name, 't-dlrec-gpu-worker-temporal');
  const auth = find(objects, 'TriggerAuthentication', '-gpu-worker-temporal');
  assert.deepEqual(auth.spec.secretTargetRef, [
    { parameter: 'cert', name: 'mtls', key: 'tls.crt' },
    { parameter: 'key', name: 'mtls', key: 'tls.key' },
  ]);
  assert.equal(find(objects, 'ScaledObject', '-cpu-worker').spec.triggers[0].metadata.taskQueue, 'dlrec-cpu');
});

test('autoscaling mode auto: KEDA when the cluster serves keda.sh/v1alpha1, else an HPA (min 1)', () => {
  const base = ['--set', 'gpuWorkers.enabled=true', '--set', 'gpuWorkers.autoscaling.enabled=true'];
  const withoutKeda = render(...base);
  const hpa = find(withoutKeda, 'HorizontalPodAutoscaler', '-gpu-worker');
  assert.equal(hpa.spec.minReplicas, 1);
  assert.equal(
    withoutKeda.some((o) => o.kind === 'ScaledObject'),
    false,
  );
  const withKeda = render(...base, '--api-versions', 'keda.sh/v1alpha1/ScaledObject');
  find(withKeda, 'ScaledObject', '-gpu-worker');
  assert.equal(
    withKeda.some((o) => o.kind === 'HorizontalPodAutoscaler'),
    false,
  );
});

test('external Temporal values: mTLS secret mounted, S3 endpoint and credentials from a secret', () => {
  const objects = render('-f', path.join(CHART, 'ci', 'external-temporal-values.yaml'));
  const cpu = find(objects, 'Deployment', '-cpu-worker');
  const e = env(cpu);
  assert.equal(e.get('TEMPORAL_ADDRESS'), 'dlrec-prod.a1b2c.tmprl.cloud:7233');
  assert.equal(e.get('TEMPORAL_TLS_CERT'), '/etc/dlrec/temporal-tls/tls.crt');
  assert.equal(e.get('TEMPORAL_TLS_KEY'), '/etc/dlrec/temporal-tls/tls.key');
  assert.equal(e.get('AWS_ENDPOINT_URL_S3'), 'https://minio.storage.svc.cluster.local:9000');
  assert.deepEqual(e.get('AWS_SECRET_ACCESS_KEY'), {
    secretKeyRef: { name: 'dlrec-s3', key: 'AWS_SECRET_ACCESS_KEY' },
  });
  const vol = cpu.spec.template.spec.volumes.find((v: { name: string }) => v.name === 'temporal-tls');
  assert.equal(vol.secret.secretName, 'dlrec-temporal-mtls');
  const job = find(objects, 'Job', '-schedule');
  assert.equal(
    new Map(container(job).env.map((x: Json) => [x.name, x.value])).get('TEMPORAL_NAMESPACE'),
    'dlrec-prod.a1b2c',
  );
  // No GPU pool: the CPU pool serves dlrec-gpu as well, and the scheduled profile is one CPUs can build.
  assert.deepEqual(container(cpu).args.slice(0, 3), ['worker', '--queue', 'all']);
  assert.equal(container(job).args[container(job).args.indexOf('--profile') + 1], 'mini');
});

test('scale-down: a GPU pod finishes its running activity before it exits, the pool shrinks slowly, node autoscalers keep it', () => {
  const objects = render('--set', 'gpuWorkers.enabled=true', '--set', 'gpuWorkers.autoscaling.enabled=true');
  const gpu = find(objects, 'Deployment', '-gpu-worker');
  const pod = gpu.spec.template.spec;
  // SIGTERM: stop polling, let the running training finish for 6 h; SIGKILL only after that.
  const args: string[] = container(gpu).args;
  assert.equal(args[args.indexOf('--shutdown-grace') + 1], '21600');
  assert.equal(pod.terminationGracePeriodSeconds, 21900);
  assert.equal(
    gpu.spec.template.metadata.annotations['cluster-autoscaler.kubernetes.io/safe-to-evict'],
    'false',
  );
  assert.equal(gpu.spec.template.metadata.annotations['karpenter.sh/do-not-disrupt'], 'true');
  // The CPU pool keeps the shared values and no node-autoscaler annotations.
  const cpu = find(objects, 'Deployment', '-cpu-worker');
  assert.equal(cpu.spec.template.spec.terminationGracePeriodSeconds, 180);
  assert.equal(cpu.spec.template.metadata.annotations, undefined);

  const slow = {
    scaleDown: {
      stabilizationWindowSeconds: 1800,
      policies: [{ type: 'Pods', value: 1, periodSeconds: 600 }],
    },
  };
  // The HPA fallback and KEDA's HPA get the same behaviour.
  assert.deepEqual(find(objects, 'HorizontalPodAutoscaler', '-gpu-worker').spec.behavior, slow);
  const keda = renderGpu('cpuWorkers.serveGpuQueue=true');
  assert.deepEqual(
    find(keda, 'ScaledObject', '-gpu-worker').spec.advanced.horizontalPodAutoscalerConfig.behavior,
    slow,
  );
  // A CPU pool that serves dlrec-gpu scales on that queue's backlog too.
  const cpuSo = find(keda, 'ScaledObject', '-cpu-worker');
  assert.deepEqual(
    cpuSo.spec.triggers.map((t: Json) => [t.metadata.taskQueue, t.metadata.queueTypes]),
    [
      ['dlrec-cpu', 'workflow,activity'],
      ['dlrec-gpu', 'activity'],
    ],
  );
  assert.equal(
    cpuSo.spec.advanced.horizontalPodAutoscalerConfig.behavior.scaleDown.stabilizationWindowSeconds,
    600,
  );

  // Switched off, the pool's own podAnnotations stay as given.
  const plain = find(
    render('--set', 'gpuWorkers.enabled=true', '--set', 'gpuWorkers.nodeScaleDownProtection=false'),
    'Deployment',
    '-gpu-worker',
  );
  assert.equal(plain.spec.template.metadata.annotations, undefined);
});

test('refuses a termination grace period that does not outlast the heartbeat timeout or the drain', () => {
  const short = helmTemplate(['--set', 'worker.terminationGracePeriodSeconds=120']);
  assert.notEqual(short.status, 0);
  assert.match(
    short.stderr,
    /terminationGracePeriodSeconds \(120\) must be longer than worker\.activityHeartbeatTimeoutSeconds \(120\)/,
  );
  assert.equal(helmTemplate(['--set', 'worker.terminationGracePeriodSeconds=121']).status, 0);
  const drain = helmTemplate([
    '--set',
    'worker.terminationGracePeriodSeconds=65',
    '--set',
    'worker.activityHeartbeatTimeoutSeconds=30',
  ]);
  assert.notEqual(drain.status, 0);
  assert.match(drain.stderr, /must exceed worker\.shutdownGraceSeconds \(60\)/);
  // Each pool is checked with its own values where it has them.
  const gpu = helmTemplate([
    '--set',
    'gpuWorkers.enabled=true',
    '--set',
    'gpuWorkers.terminationGracePeriodSeconds=600',
  ]);
  assert.notEqual(gpu.status, 0);
  assert.match(
    gpu.stderr,
    /gpuWorkers\.terminationGracePeriodSeconds \(600\) must exceed gpuWorkers\.shutdownGraceSeconds \(21600\)/,
  );
  const gpuHeartbeat = helmTemplate([
    '--set',
    'gpuWorkers.enabled=true',
    '--set',
    'gpuWorkers.terminationGracePeriodSeconds=120',
    '--set',
    'gpuWorkers.shutdownGraceSeconds=60',
  ]);
  assert.notEqual(gpuHeartbeat.status, 0);
  assert.match(
    gpuHeartbeat.stderr,
    /gpuWorkers\.terminationGracePeriodSeconds \(120\) must be longer than worker\.activityHeartbeatTimeoutSeconds \(120\)/,
  );
});

test('values.schema.json rejects bad values with the key named', () => {
  // Helm names the key as a JSON pointer from 3.18 on (/worker/logLevel), dotted before (worker.logLevel: the
  // 3.17 release binary that setup installs); either is accepted.
  const key = (k: string) => new RegExp(k.split('.').join('[./]'));
  const cases: [string[], RegExp][] = [
    [['--set', 'worker.logLevel=LOUD'], key('worker.logLevel')],
    [['--set', 'temporal.tls.enabled=true'], key('temporal.tls.existingSecret')],
    [['--set', 'temporal.address=https://temporal:7233'], key('temporal.address')],
    [['--set', 'gpuWorkers.gpusPerPod=0'], key('gpuWorkers.gpusPerPod')],
    [['--set', 'cpuWorkers.replica=3'], /[aA]dditional propert(ies|y) '?replica'? (is )?not allowed/],
    [['--set', 'schedule.profile=huge'], key('schedule.profile')],
    [['--set', 'schedule.scheduleToStartMinutes=-1'], key('schedule.scheduleToStartMinutes')],
    // workflows/timeouts.ts refuses a heartbeat timeout under 10 s.
    [['--set', 'worker.activityHeartbeatTimeoutSeconds=5'], key('worker.activityHeartbeatTimeoutSeconds')],
    [['--set', 'gpuWorkers.autoscaling.scaleDown.podsPerPeriod=0'], key('gpuWorkers.autoscaling.scaleDown')],
  ];
  for (const [args, message] of cases) {
    const r = helmTemplate(args);
    assert.notEqual(r.status, 0, `accepted ${args.join(' ')}`);
    assert.match(r.stderr, message);
  }
});
