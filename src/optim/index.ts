// chainrule/optim: optimizers, learning-rate schedules and gradient clipping.
export { Optimizer } from './optimizer.js';
export type { ParamGroup, ParamGroupOptions, ParamGroupSpec, OptimizerParams, OptimizerState, FloatData } from './optimizer.js';
export { SGD } from './sgd.js';
export type { SGDOptions } from './sgd.js';
export { Adam, AdamW } from './adam.js';
export type { AdamOptions } from './adam.js';
export { RMSprop } from './rmsprop.js';
export type { RMSpropOptions } from './rmsprop.js';
export { Adagrad } from './adagrad.js';
export type { AdagradOptions } from './adagrad.js';
export { createOptimizer, OPTIMIZER_NAMES } from './create.js';
export type { OptimizerName, OptimizerOptions } from './create.js';
export { LRScheduler, StepLR, ExponentialLR, CosineAnnealingLR, ReduceLROnPlateau } from './schedulers.js';
export type {
  SchedulerState,
  SchedulerValue,
  StepLROptions,
  ExponentialLROptions,
  CosineAnnealingLROptions,
  CosineAnnealingLRInit,
  ReduceLROnPlateauOptions,
} from './schedulers.js';
export { gradNorm, clipGradNorm } from './clip.js';
