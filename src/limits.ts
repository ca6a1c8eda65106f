/**
 * The sizes chainrule refuses up front, in one place so that error messages, the CLI and the
 * documentation name the same numbers. Each is checked before anything is allocated: past them a
 * run would otherwise fail late (a RangeError from a typed array, a WebAssembly memory trace after
 * a long wait) or never end.
 *
 * Why these values: the WebAssembly backend's memory is at most 1 GiB (16,384 pages of 64 KiB).
 * Training holds each parameter about four times (the value, its gradient, Adam's two moments),
 * so MAX_PARAMETERS float32 parameters take about 400 MB (measured: a 25M-parameter MLP trains,
 * float32 or float64). One step of a wide layer keeps a few activations of batch × width values:
 * measured on [2, width, 1], 64 × 2,000,000 (just under MAX_ACTIVATION_ELEMENTS) trains and
 * 64 × 3,000,000 runs out of WebAssembly memory.
 */

/**
 * The most elements one tensor holds: 2^31 − 1. Kernels index with 32-bit integers, the wasm
 * backend addresses 32-bit memory, and browsers cap typed arrays near there; one limit for every
 * dtype and platform keeps a shape that works here working everywhere.
 */
export const MAX_TENSOR_ELEMENTS = 2 ** 31 - 1;

/** Most samples a built-in dataset generates (its `n`). */
export const MAX_SAMPLES = 10_000_000;

/** Most values (samples × features) in a built-in dataset's inputs. */
export const MAX_DATASET_ELEMENTS = 20_000_000;

/** Most epochs `fit` and `trainMlp` run. */
export const MAX_EPOCHS = 1_000_000;

/** Most parameters (weights and biases) of a model `trainMlp` builds: about 100 MB of float32. */
export const MAX_PARAMETERS = 25_000_000;

/** Most values in one layer's activation for one batch (batch size × the widest layer): 2^27. */
export const MAX_ACTIVATION_ELEMENTS = 134_217_728;
