// chainrule's public API: explicit named re-exports only.

export { Tensor } from './tensor/tensor.js';
export type { TensorLike, NestedArray, GradNode } from './tensor/tensor.js';
export type { DType, TypedArray } from './tensor/dtype.js';
export type { Shape } from './tensor/shape.js';
export { broadcastShapes } from './tensor/shape.js';

export {
  tensor,
  scalar,
  zeros,
  ones,
  full,
  zerosLike,
  onesLike,
  fullLike,
  arange,
  linspace,
  eye,
  rand,
  randn,
  randint,
} from './tensor/create.js';
export type { TensorOptions, TensorFromOptions, TensorData, RandomOptions } from './tensor/create.js';
export { Generator, manualSeed, getDefaultGenerator } from './random/generator.js';

export {
  neg,
  add,
  sub,
  mul,
  div,
  pow,
  square,
  exp,
  log,
  log1p,
  sqrt,
  abs,
  sign,
  sin,
  cos,
  tanh,
  sigmoid,
  relu,
  leakyRelu,
  elu,
  gelu,
  softplus,
  erf,
  maximum,
  minimum,
  clamp,
  where,
  eq,
  ne,
  lt,
  le,
  gt,
  ge,
  cast,
} from './ops/elementwise.js';
export { sum, mean, max, min, variance, variance as var, std, logsumexp, argmax, argmin, softmax, logSoftmax } from './ops/reduce.js';
export type { Axis, ReduceOptions, VarianceOptions, ArgReduceOptions } from './ops/reduce.js';
export { matmul, dot, type MatmulOptions } from './ops/linalg.js';
export {
  reshape,
  flatten,
  transpose,
  permute,
  expand,
  broadcastTo,
  sumToShape,
  squeeze,
  unsqueeze,
  concat,
  stack,
  split,
  narrow,
  slice,
} from './ops/shape.js';
export type { SliceSpec } from './ops/shape.js';
export { gather, indexSelect } from './ops/indexing.js';
export { conv1d, conv2d, convTranspose1d, convTranspose2d, type ConvOptions, type ConvTransposeOptions, type SpatialSize } from './ops/conv.js';

export { noGrad, enableGrad, isGradEnabled, detectAnomaly, setDetectAnomaly, isAnomalyEnabled } from './autograd/mode.js';
export { grad, valueAndGrad, gradients } from './autograd/functional.js';
export type { GradOptions, GradientsOptions } from './autograd/functional.js';
export { traceGraph, fillFormula } from './autograd/graph.js';
export type { Graph, GraphNode, SavedValue, TraceOptions } from './autograd/graph.js';
export { gradcheck } from './autograd/gradcheck.js';
export type { GradcheckOptions, GradcheckResult, InputError } from './autograd/gradcheck.js';

export { PRIMITIVES, PRIMITIVE_NAMES } from './ops/primitives/index.js';
export type { OpDef, PrimitiveName, PrimitiveParams, Formula } from './ops/primitives/index.js';
export type { Backend, FusedUpdate, Kernels, Kernel, KernelArgs } from './backend/backend.js';
export { getBackend, setBackend, withBackend, listBackends, registerBackend } from './backend/registry.js';
export { setWasmHeapBudget, wasmHeapStats, wasmThreads, wasmBuild, type WasmBuild, type WasmHeapStats } from './backend/wasm/index.js';

export {
  ChainruleError,
  ShapeError,
  AxisError,
  DTypeError,
  ValueError,
  AutogradError,
  AnomalyError,
  GradcheckError,
  ModelFileError,
  CsvError,
  FileError,
} from './errors.js';

export { MAX_TENSOR_ELEMENTS, MAX_SAMPLES, MAX_DATASET_ELEMENTS, MAX_EPOCHS, MAX_PARAMETERS, MAX_ACTIVATION_ELEMENTS } from './limits.js';
export { fsum, Adder } from './math/fsum.js';
export { VERSION } from './version.js';

// nn: modules, layers, initializers, losses.
export * from './nn/index.js';
// optim: optimizers, schedules, clipping.
export * from './optim/index.js';
// data: datasets, loaders, CSV.
export {
  TensorDataset,
  DataLoader,
  permutation,
  tutorial as tutorialDataset,
  xor,
  circles,
  moons,
  spirals,
  blobs,
  loadDataset,
  isDatasetName,
  DATASET_NAMES,
  DEFAULT_NOISE,
  digits,
  DIGIT_PIXELS,
  DIGITS_TRAIN_PER_CLASS,
  loadCsv,
  parseCsv,
  loadCsvFeatures,
  parseCsvFeatures,
  parseCsvTable,
} from './data/index.js';
export type {
  Batch,
  Dataset,
  DataLoaderOptions,
  TutorialOptions as TutorialDatasetOptions,
  SyntheticOptions,
  CirclesOptions,
  SpiralsOptions,
  BlobsOptions,
  DatasetName,
  LoadDatasetOptions,
  DigitsOptions,
  CsvReadOptions,
  CsvTable,
  CsvStats,
  CsvOptions,
  CsvData,
  CsvFeaturesOptions,
  CsvFeatures,
} from './data/index.js';
// train: the training loop, callbacks, progress, the tutorial.
export { fit, evaluate, predict, countCorrect } from './train/fit.js';
export type { LossFn, EpochScheduler, Metric, FitData, FitContext, BatchLogs, Callback, FitOptions, EvaluateOptions } from './train/fit.js';
export { History } from './train/history.js';
export { TrainingDivergedError } from './train/divergence.js';
export type { EpochLog } from './train/history.js';
export { earlyStopping, checkpoint } from './train/callbacks.js';
export type { EarlyStoppingOptions, CheckpointOptions } from './train/callbacks.js';
export { progress, describeEpoch } from './train/progress.js';
export type { ProgressStream, ProgressOptions } from './train/progress.js';
export { trainTutorial, tutorialNetwork, tutorialParameters, tutorialSample, tutorialOptions, TUTORIAL_DEFAULTS } from './train/tutorial.js';
export type { TutorialOptions, TutorialParameters, TutorialRun } from './train/tutorial.js';
export { trainMlp, inferTask, outputsFor, defaultLoss, interpretOutputs } from './train/experiment.js';
export type { Task, TrainMlpOptions, TrainedMlp, Predictions } from './train/experiment.js';
// io: model files.
export { save, load, writeFileAtomic } from './io/node.js';
export type { SaveOptions } from './io/node.js';
export { modelFileText, loadFromText } from './io/model.js';
export type { LoadedModel } from './io/model.js';
export { FORMAT as MODEL_FORMAT, FORMAT_VERSION as MODEL_FORMAT_VERSION } from './io/format.js';
export { pyFixed } from './math/format.js';
// explain: chain-rule explanations from a graph.
export * from './explain/index.js';
export { annotate, compositeOf } from './autograd/annotate.js';
export type { Composite, CompositeRole } from './autograd/annotate.js';
export { linear } from './nn/linear.js';
// normalization: batch/group norm, channel dropout, buffers' random state for checkpoints.
export { batchNorm, groupNorm } from './nn/normalizationOps.js';
export type { BatchNormOptions, GroupNormOptions } from './nn/normalizationOps.js';
export { dropout2d } from './nn/dropout.js';
export type { Dropout2dOptions } from './nn/dropout.js';
export type { GeneratorState } from './random/generator.js';
export { randomState, loadRandomState } from './train/randomState.js';
export type { RandomState } from './train/randomState.js';
// pooling
export { maxPool1d, maxPool2d, avgPool1d, avgPool2d, adaptiveAvgPool2d } from './ops/pooling.js';
export type { MaxPoolOptions, AvgPoolOptions, PoolSize } from './ops/pooling.js';
// functional transforms, gradient hooks, einsum (issue 17)
export { jacobian, hessian, vjp, jvp, hvp, vhp } from './autograd/transforms.js';
export type { Tensors, TransformOptions, JacobianOptions } from './autograd/transforms.js';
export type { GradHook, RemovableHandle } from './tensor/hooks.js';
export { einsum } from './ops/einsum.js';
// issue 17: math ops
export { floor, ceil, round, trunc, expm1, log2, rsqrt, reciprocal, tan, atan, asin, acos, sinh, cosh, atan2, norm } from './ops/math.js';
export type { NormOptions } from './ops/math.js';
export { maskedFill, tril, triu, repeat, tile, flip, chunk } from './ops/shapeExtra.js';
// issue 17: index ops
export { sort, argsort, topk, maxWithIndices, minWithIndices } from './ops/sorting.js';
export type { SortResult, SortOptions, TopkOptions } from './ops/sorting.js';
export { cumsum, cumprod } from './ops/scan.js';
export { scatter, scatterAdd, oneHot } from './ops/scatter.js';
export { multinomial } from './ops/sampling.js';
export type { MultinomialOptions } from './ops/sampling.js';
// attention: embeddings, layer/RMS norm, scaled dot-product attention.
export { scaledDotProductAttention } from './ops/attention.js';
export type { ScaledDotProductAttentionOptions } from './ops/attention.js';
export { embedding } from './nn/embedding.js';
export type { EmbeddingOptions } from './nn/embedding.js';
export { layerNorm, rmsNorm } from './nn/layerNorm.js';
export type { LayerNormOptions, RmsNormOptions } from './nn/layerNorm.js';
// language models (issue 17)
export { names, CharVocabulary, splitExamples, lineDataset, textDataset, lineBlockSize, BOUNDARY, IGNORE_TARGET } from './data/text.js';
export type { TextSplits } from './data/text.js';
export { trainLanguageModel, sampleLanguageModel, languageModelTestLoss, lineCorpus, textCorpus, LANGUAGE_MODEL_PRESETS } from './train/languageModel.js';
export type { LanguageModelPreset, TextCorpus, TrainLanguageModelOptions, TrainedLanguageModel, SampleOptions } from './train/languageModel.js';
export { batchSize, inputList, type Inputs } from './data/dataset.js';
export type { FitModel } from './train/fit.js';
