import type { Backend } from '../backend.js';
import { allocArray } from '../../tensor/dtype.js';
import { cpuKernels } from './kernels.js';

/** The default backend: kernels written for speed on typed arrays. */
export const cpuBackend: Backend = {
  name: 'cpu',
  kernels: cpuKernels,
  allocate: allocArray,
};
