/**
 * The canonical zoo: well-known CIFAR-sized CNNs as ArchitectureSpecs, built for any 32×32×C input
 * and class count. `publishedParams` is the count the cited source reports at 32×32×3 and 10 classes;
 * the zoo test checks ours within 5 % (null: no comparable published count, see the entry's reference).
 */
import { SpecBuilder } from './builder';
import type { ArchitectureSpec } from './spec';

export interface ZooEntry {
  name: string;
  title: string;
  reference: string;
  publishedParams: number | null;
  build(input: { height: number; width: number; channels: number }, classes: number): ArchitectureSpec;
}

type Input = { height: number; width: number; channels: number };

function vgg16(input: Input, classes: number): ArchitectureSpec {
  // Liu & Deng (2015) VGG-16 for CIFAR: conv-BN-ReLU with dropout, one 512-unit dense layer.
  const b = new SpecBuilder(input, classes, 'vgg16');
  const stages: Array<[number, number]> = [
    [64, 2],
    [128, 2],
    [256, 3],
    [512, 3],
    [512, 3],
  ];
  for (const [filters, n] of stages) {
    for (let i = 0; i < n; i++) {
      b.conv(filters, 3);
      b.simple('BatchNormalization');
      b.simple('ReLU');
      if (i < n - 1) b.dropout(filters === 64 ? 0.3 : 0.4);
    }
    b.pool('MAX', 2);
  }
  b.dropout(0.5);
  b.simple('Flatten');
  b.dense(512);
  b.simple('BatchNormalization');
  b.simple('ReLU');
  b.dropout(0.5);
  b.dense(classes);
  b.simple('Softmax');
  return b.build();
}

function nin(input: Input, classes: number): ArchitectureSpec {
  // Lin, Chen & Yan (2014) Network in Network, CIFAR-10 configuration: three mlpconv blocks, global pooling.
  const b = new SpecBuilder(input, classes, 'nin');
  const block = (k: number, widths: number[]): void => {
    widths.forEach((w, i) => {
      b.conv(w, i === 0 ? k : 1);
      b.simple('ReLU');
    });
  };
  block(5, [192, 160, 96]);
  b.pool('MAX', 3, 2, 'SAME');
  b.dropout(0.5);
  block(5, [192, 192, 192]);
  b.pool('AVERAGE', 3, 2, 'SAME');
  b.dropout(0.5);
  block(3, [192, 192, classes]);
  b.simple('GlobalAveragePooling2D');
  b.simple('Softmax');
  return b.build();
}

function allCnnC(input: Input, classes: number): ArchitectureSpec {
  // Springenberg et al. (2015) All-CNN-C: strided convolutions instead of pooling, global averaging.
  const b = new SpecBuilder(input, classes, 'allcnnc');
  const convs: Array<[number, number, number, 'SAME' | 'VALID']> = [
    [96, 3, 1, 'SAME'],
    [96, 3, 1, 'SAME'],
    [96, 3, 2, 'SAME'],
    [192, 3, 1, 'SAME'],
    [192, 3, 1, 'SAME'],
    [192, 3, 2, 'SAME'],
    [192, 3, 1, 'VALID'],
    [192, 1, 1, 'VALID'],
    [classes, 1, 1, 'VALID'],
  ];
  for (const [f, k, s, pad] of convs) {
    b.conv(f, k, s, pad);
    b.simple('ReLU');
  }
  b.simple('GlobalAveragePooling2D');
  b.simple('Softmax');
  return b.build();
}

/** Residual networks for CIFAR (He et al.): 3 stages of `blocks` basic blocks, widths w, 2w, 4w. */
function resnet(
  input: Input,
  classes: number,
  name: string,
  opts: { blocks: number; widths: number[]; preact: boolean },
): ArchitectureSpec {
  const b = new SpecBuilder(input, classes, name);
  let x = b.conv(16, 3);
  if (!opts.preact) {
    b.simple('BatchNormalization');
    x = b.simple('ReLU');
  }
  let channels = 16;
  opts.widths.forEach((width, stage) => {
    for (let i = 0; i < opts.blocks; i++) {
      const stride = stage > 0 && i === 0 ? 2 : 1;
      let shortcut = x;
      let y: string;
      if (opts.preact) {
        // He et al. (2016b): BN-ReLU-conv twice; a projection reads the pre-activated input.
        b.simple('BatchNormalization', x);
        const act = b.simple('ReLU');
        if (stride !== 1 || channels !== width) shortcut = b.conv(width, 1, stride, 'SAME', act);
        b.conv(width, 3, stride, 'SAME', act);
        b.simple('BatchNormalization');
        b.simple('ReLU');
        y = b.conv(width, 3);
      } else {
        // He et al. (2016a) option B: conv-BN-ReLU-conv-BN, 1×1 projection where the shape changes.
        b.conv(width, 3, stride, 'SAME', x);
        b.simple('BatchNormalization');
        b.simple('ReLU');
        b.conv(width, 3);
        y = b.simple('BatchNormalization');
        if (stride !== 1 || channels !== width) shortcut = b.conv(width, 1, stride, 'SAME', x);
      }
      x = b.add({ type: 'Eltwise', params: { op: 'SUM' } }, [y, shortcut]);
      if (!opts.preact) x = b.simple('ReLU');
      channels = width;
    }
  });
  if (opts.preact) {
    b.simple('BatchNormalization');
    b.simple('ReLU');
  }
  b.simple('GlobalAveragePooling2D');
  b.dense(classes, 'he_normal');
  b.simple('Softmax');
  return b.build();
}

/**
 * LeNet-1 and LeNet-4 (LeCun et al. 1998, section III.C): the smaller members of the LeNet family, tanh and
 * average pooling as LeNet-5. LeNet-1: 4 and 12 feature maps straight into the classifier; LeNet-4: 4 and 16
 * maps, then 120 hidden units. Cheap enough to pre-train on every dataset and fine-tune on every other on a laptop.
 */
function lenetSmall(input: Input, classes: number, name: string, maps: [number, number], hidden: number[]) {
  const b = new SpecBuilder(input, classes, name);
  for (const m of maps) {
    b.conv(m, 5, 1, 'VALID');
    b.simple('Tanh');
    b.pool('AVERAGE', 2);
  }
  b.simple('Flatten');
  for (const units of hidden) {
    b.dense(units);
    b.simple('Tanh');
  }
  b.dense(classes);
  b.simple('Softmax');
  return b.build();
}

function lenet5(input: Input, classes: number): ArchitectureSpec {
  // LeCun et al. (1998) LeNet-5 on 32×32 input; C5 as Flatten + Dense(120) (the same 48,120 weights).
  const b = new SpecBuilder(input, classes, 'lenet5');
  b.conv(6, 5, 1, 'VALID');
  b.simple('Tanh');
  b.pool('AVERAGE', 2);
  b.conv(16, 5, 1, 'VALID');
  b.simple('Tanh');
  b.pool('AVERAGE', 2);
  b.simple('Flatten');
  b.dense(120);
  b.simple('Tanh');
  b.dense(84);
  b.simple('Tanh');
  b.dense(classes);
  b.simple('Softmax');
  return b.build();
}

export const ZOO_ENTRIES: ZooEntry[] = [
  {
    name: 'vgg16',
    title: 'VGG-16, CIFAR variant with batch norm and dropout',
    reference: 'Liu & Deng, ACPR 2015; Keras cifar10vgg (15.0 M params)',
    publishedParams: 15_001_418,
    build: vgg16,
  },
  {
    name: 'nin',
    title: 'Network in Network (CIFAR-10)',
    reference: 'Lin, Chen & Yan, ICLR 2014 (≈0.97 M params)',
    publishedParams: 970_000,
    build: nin,
  },
  {
    name: 'allcnnc',
    title: 'All-CNN-C',
    reference: 'Springenberg et al., ICLR-W 2015 (1.4 M params)',
    publishedParams: 1_369_738,
    build: allCnnC,
  },
  {
    name: 'resnet20',
    title: 'ResNet-20 (CIFAR, 3×3 basic blocks, 1×1 projection shortcuts)',
    reference: 'He et al., CVPR 2016 (0.27 M params)',
    publishedParams: 270_000,
    build: (i, c) => resnet(i, c, 'resnet20', { blocks: 3, widths: [16, 32, 64], preact: false }),
  },
  {
    name: 'wrn-16-4',
    title: 'Wide-ResNet WRN-16-4 (depth 16, widen factor 4, pre-activation blocks, no dropout)',
    reference: 'Zagoruyko & Komodakis, BMVC 2016 (2.7 M params)',
    publishedParams: 2_750_000,
    build: (i, c) => resnet(i, c, 'wrn-16-4', { blocks: 2, widths: [64, 128, 256], preact: true }),
  },
  {
    name: 'preact-resnet20',
    title: 'Pre-activation ResNet-20',
    reference: 'He et al., ECCV 2016 (0.27 M params)',
    publishedParams: 270_000,
    build: (i, c) => resnet(i, c, 'preact-resnet20', { blocks: 3, widths: [16, 32, 64], preact: true }),
  },
  {
    // The smallest member of the CIFAR ResNet family (6n+2 layers, n = 1).
    name: 'resnet8',
    title: 'ResNet-8 (CIFAR ResNet family, n = 1: one basic block per stage)',
    reference: 'He et al., CVPR 2016, depth 6n+2 with n = 1 (≈78 k params)',
    publishedParams: 78_000,
    build: (i, c) => resnet(i, c, 'resnet8', { blocks: 1, widths: [16, 32, 64], preact: false }),
  },
  {
    name: 'lenet1',
    title: 'LeNet-1 (tanh, average pooling, no hidden layer)',
    reference:
      "LeCun et al., Proc. IEEE 1998, section III.C; every map connected to every earlier one (the paper's sparse connection tables are not modelled, so its parameter count does not apply)",
    publishedParams: null,
    build: (i, c) => lenetSmall(i, c, 'lenet1', [4, 12], []),
  },
  {
    name: 'lenet4',
    title: 'LeNet-4 (tanh, average pooling, 120 hidden units)',
    reference:
      "LeCun et al., Proc. IEEE 1998, section III.C; every map connected to every earlier one (the paper's sparse connection tables are not modelled, so its parameter count does not apply)",
    publishedParams: null,
    build: (i, c) => lenetSmall(i, c, 'lenet4', [4, 16], [120]),
  },
  {
    name: 'lenet5',
    title: 'LeNet-5 (tanh, average pooling)',
    reference: 'LeCun et al., Proc. IEEE 1998 (≈60 k params)',
    publishedParams: 60_000,
    build: lenet5,
  },
];

/** Names of the zoo models, for `dlrec zoo list` and the other helpers. */
export const ZOO: string[] = ZOO_ENTRIES.map((e) => e.name);

export class UnknownZooModelError extends Error {
  override name = 'UnknownZooModelError';
}

/** The spec of a zoo model for an input and class count; throws naming the known models. */
export function zooModel(
  name: string,
  input: { height: number; width: number; channels: number } = { height: 32, width: 32, channels: 3 },
  classes = 10,
): ArchitectureSpec {
  const entry = ZOO_ENTRIES.find((e) => e.name === name.toLowerCase());
  if (!entry) throw new UnknownZooModelError(`unknown zoo model '${name}'; known: ${ZOO.join(', ')}`);
  return entry.build(input, classes);
}
