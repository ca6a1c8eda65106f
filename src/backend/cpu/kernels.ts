import type { Kernels } from '../backend.js';
import { referenceKernels } from '../reference/index.js';

// Placeholder while the fast kernels are written: every kernel is the reference one.
export const cpuKernels: Kernels = { ...referenceKernels };
