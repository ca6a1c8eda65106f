/** The functional API in one namespace; the Tensor methods delegate here. */
export * from './elementwise.js';
export * from './reduce.js';
export * from './linalg.js';
export * from './shape.js';
export * from './indexing.js';
export * from '../tensor/create.js';
export * from './conv.js';
// pooling
export * from './pooling.js';
// einsum (issue 17)
export * from './einsum.js';
// issue 17: math ops
export * from './math.js';
export * from './shapeExtra.js';
// issue 17: index ops
export * from './sorting.js';
export * from './scan.js';
export * from './scatter.js';
export * from './sampling.js';
