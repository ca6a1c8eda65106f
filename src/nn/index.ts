/** The nn package: modules, layers, initializers and losses. */
export { Module } from './module.js';
export type { ModuleConfig, StateDict, AnyModule, ForwardHook } from './module.js';
export { Linear } from './linear.js';
export type { LinearOptions } from './linear.js';
export { Sequential } from './sequential.js';
export {
  Sigmoid,
  Tanh,
  ReLU,
  LeakyReLU,
  GELU,
  Softmax,
  Identity,
  ACTIVATIONS,
  OUTPUT_ACTIVATIONS,
  activationModule,
} from './activations.js';
export type { ActivationName, OutputActivationName } from './activations.js';
// convolution
export { Conv1d, Conv2d, ConvTranspose1d, ConvTranspose2d } from './conv.js';
export type { ConvLayerOptions } from './conv.js';
export { Dropout } from './dropout.js';
export type { DropoutOptions } from './dropout.js';
export { PlaneFeatures, PLANE_FEATURES, PLANE_FEATURE_LABELS } from './features.js';
export type { PlaneFeature } from './features.js';
export { mlp } from './mlp.js';
export type { MlpOptions } from './mlp.js';
export { moduleFromConfig, registerModuleType, moduleTypes } from './registry.js';
export type { ModuleFactory, FromConfigContext } from './registry.js';
export * as init from './init.js';
export { initTensor, calculateGain, computeFans, INIT_NAMES } from './init.js';
export type { InitName, InitSpec, InitConfig, InitOptions, FanOptions, KaimingOptions, Nonlinearity, FanMode, FloatDType } from './init.js';
export {
  mse,
  halfSquaredError,
  l1,
  huber,
  binaryCrossEntropy,
  bceWithLogits,
  crossEntropy,
  nll,
  getLoss,
  canonicalLossName,
  LOSS_NAMES,
  LOSS_ALIASES,
} from './losses.js';
export type { Reduction, LossOptions, CrossEntropyOptions, HuberOptions, LossFunction, LossName } from './losses.js';
// normalization
export { BatchNorm1d, BatchNorm2d, GroupNorm } from './normalization.js';
export type { BatchNormLayerOptions, GroupNormLayerOptions } from './normalization.js';
export { Dropout2d } from './dropout.js';
// pooling
export { MaxPool1d, MaxPool2d, AvgPool1d, AvgPool2d, AdaptiveAvgPool2d, Flatten } from './pooling.js';
// cli
export { Unflatten } from './unflatten.js';
export { RandomShift } from './augment.js';
export type { RandomShiftOptions } from './augment.js';
// attention
export { Embedding } from './embedding.js';
export type { EmbeddingLayerOptions } from './embedding.js';
export { LayerNorm, RMSNorm } from './layerNorm.js';
export type { LayerNormLayerOptions, RmsNormLayerOptions } from './layerNorm.js';
export { MultiheadAttention } from './attention.js';
export type { MultiheadAttentionOptions, MultiheadAttentionCallOptions } from './attention.js';
export { TransformerEncoderLayer } from './transformer.js';
export type { TransformerEncoderLayerOptions, TransformerEncoderLayerCallOptions, TransformerActivation } from './transformer.js';
// recurrent
export { RNN, LSTM, GRU, RecurrentLayer } from './rnn.js';
export type { RecurrentOptions, RNNOptions } from './rnn.js';
export { rnnCell, lstmCell, gruCell, GATE_COUNT } from './rnnCells.js';
export type { CellMode } from './rnnCells.js';
export { RECURRENT_MODULE_FACTORIES } from './rnnFactories.js';
export type { RecurrentFactory } from './rnnFactories.js';
// language models
export { LanguageModel, languageModelLoss, LANGUAGE_MODEL_KINDS } from './languageModels.js';
export type { LanguageModelData, LanguageModelKind, LanguageModelSizes, LanguageModelOptions } from './languageModels.js';
