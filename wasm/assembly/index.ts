// chainrule's WebAssembly kernels (AssemblyScript, compiled with SIMD by `npm run build:wasm`
// into src/backend/wasm/binary.ts). Every kernel takes byte offsets into the module's memory;
// the JS side (src/backend/wasm/) owns the layout: tensors' blocks and a scratch area.
export * from './gemm';
export { transposeF32 } from './transpose';
export * from './update';
export * from './gemv';
export * from './reduce';
export * from './gather';
export * from './optim';
export { binaryF32, compareF32, unaryF32, whereF32 } from './elementwise';
export { im2rowF32, row2imF32 } from './conv';
