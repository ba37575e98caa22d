// Child process for test/training/native-backend.test.ts: N worker threads load tfjs-node and train a small CNN
// at the same moment, as dlrec's training slots do. Exits 0 when all finish; a crash shows as a signal.
'use strict';
const { Worker, isMainThread, parentPort } = require('node:worker_threads');

if (isMainThread) {
  const threads = Number(process.argv[2] || 3);
  let done = 0;
  for (let i = 0; i < threads; i++)
    new Worker(__filename).on('message', () => {
      if (++done === threads) process.stdout.write(`${threads} threads trained\n`);
    });
} else {
  const tf = require('@tensorflow/tfjs-node');
  const model = tf.sequential({
    layers: [
      tf.layers.conv2d({ inputShape: [16, 16, 3], filters: 8, kernelSize: 3 }),
      tf.layers.maxPooling2d({ poolSize: 2 }),
      tf.layers.flatten(),
      tf.layers.dense({ units: 10, activation: 'softmax' }),
    ],
  });
  model.compile({ optimizer: 'adam', loss: 'categoricalCrossentropy' });
  const x = tf.randomNormal([64, 16, 16, 3]);
  const y = tf.oneHot(tf.randomUniform([64], 0, 10, 'int32'), 10);
  model.fit(x, y, { epochs: 2, batchSize: 16, verbose: 0 }).then(() => parentPort.postMessage('done'));
}
