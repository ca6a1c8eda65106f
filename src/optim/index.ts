// chainrule/optim: optimizers, learning-rate schedules and gradient clipping.
export { Optimizer } from './optimizer.js';
export type { ParamGroup, ParamGroupOptions, ParamGroupSpec, OptimizerParams, OptimizerState, FloatData } from './optimizer.js';
export { SGD } from './sgd.js';
export type { SGDOptions, SGDGroupOptions } from './sgd.js';
export { Adam, AdamW } from './adam.js';
export type { AdamOptions, AdamGroupOptions } from './adam.js';
export { RMSprop } from './rmsprop.js';
export type { RMSpropOptions, RMSpropGroupOptions } from './rmsprop.js';
export { Adagrad } from './adagrad.js';
export type { AdagradOptions, AdagradGroupOptions } from './adagrad.js';
export { createOptimizer, OPTIMIZER_NAMES } from './create.js';
export type { OptimizerName, OptimizerOptions } from './create.js';
export { LRScheduler, StepLR, ExponentialLR, CosineAnnealingLR } from './schedulers.js';
export type { SchedulerState, SchedulerValue, StepLROptions, ExponentialLROptions, CosineAnnealingLROptions, CosineAnnealingLRInit } from './schedulers.js';
export { ReduceLROnPlateau } from './reduceLROnPlateau.js';
export type { ReduceLROnPlateauOptions } from './reduceLROnPlateau.js';
export { gradNorm, clipGradNorm } from './clip.js';
