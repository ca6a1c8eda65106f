import { absDef } from './abs.js';
import { addDef } from './add.js';
import { argmaxDef } from './argmax.js';
import { argminDef } from './argmin.js';
import { castDef } from './cast.js';
import { concatDef } from './concat.js';
import { cosDef } from './cos.js';
import { divDef } from './div.js';
import { eqDef } from './eq.js';
import { erfDef } from './erf.js';
import { expDef } from './exp.js';
import { expandDef } from './expand.js';
import { gatherDef } from './gather.js';
import { geDef } from './ge.js';
import { gtDef } from './gt.js';
import { leDef } from './le.js';
import { logDef } from './log.js';
import { log1pDef } from './log1p.js';
import { logSoftmaxDef } from './logSoftmax.js';
import { ltDef } from './lt.js';
import { linearDef } from './linear.js';
import { matmulDef } from './matmul.js';
import { maxDef } from './max.js';
import { maximumDef } from './maximum.js';
import { minimumDef } from './minimum.js';
import { mulDef } from './mul.js';
import { neDef } from './ne.js';
import { negDef } from './neg.js';
import { permuteDef } from './permute.js';
import { powDef } from './pow.js';
import { reluDef } from './relu.js';
import { reluGradDef } from './reluGrad.js';
import { reshapeDef } from './reshape.js';
import { scatterAddDef } from './scatterAdd.js';
import { sigmoidDef } from './sigmoid.js';
import { sigmoidGradDef } from './sigmoidGrad.js';
import { signDef } from './sign.js';
import { sinDef } from './sin.js';
import { sliceDef } from './slice.js';
import { sliceScatterDef } from './sliceScatter.js';
import { sqrtDef } from './sqrt.js';
import { subDef } from './sub.js';
import { sumDef } from './sum.js';
import { conv2dDef } from './conv2d.js';
import { conv2dInputGradDef } from './conv2dInputGrad.js';
import { conv2dWeightGradDef } from './conv2dWeightGrad.js';
import { tanhDef } from './tanh.js';
import { tanhGradDef } from './tanhGrad.js';
import type { Formula, OpDef, OpTable, PrimitiveName, PrimitiveParams } from './types.js';
import { whereDef } from './where.js';
// pooling
import { maxGradDef } from './maxGrad.js';
import { maxPool2dIndicesDef } from './maxPool2dIndices.js';
import { windowMeanAdjointDef, windowMeanDef } from './windowMean.js';
// issue 17: math ops
import { acosDef } from './acos.js';
import { asinDef } from './asin.js';
import { atanDef } from './atan.js';
import { atan2Def } from './atan2.js';
import { coshDef } from './cosh.js';
import { expm1Def } from './expm1.js';
import { log2Def } from './log2.js';
import { ceilDef, floorDef, roundDef, truncDef } from './rounding.js';
import { sinhDef } from './sinh.js';
import { tanDef } from './tan.js';
// issue 17: index ops
import { argsortDef } from './argsort.js';
import { cumsumDef } from './cumsum.js';
import { linearScanDef } from './linearScan.js';

/** Every primitive's definition. A primitive missing here (or its gradient field) is a compile error. */
export const PRIMITIVES: OpTable = {
  neg: negDef,
  exp: expDef,
  log: logDef,
  log1p: log1pDef,
  sqrt: sqrtDef,
  abs: absDef,
  sign: signDef,
  sin: sinDef,
  cos: cosDef,
  tanh: tanhDef,
  sigmoid: sigmoidDef,
  relu: reluDef,
  erf: erfDef,
  cast: castDef,
  add: addDef,
  sub: subDef,
  mul: mulDef,
  div: divDef,
  pow: powDef,
  maximum: maximumDef,
  minimum: minimumDef,
  eq: eqDef,
  ne: neDef,
  lt: ltDef,
  le: leDef,
  gt: gtDef,
  ge: geDef,
  sigmoidGrad: sigmoidGradDef,
  tanhGrad: tanhGradDef,
  reluGrad: reluGradDef,
  where: whereDef,
  sum: sumDef,
  max: maxDef,
  argmax: argmaxDef,
  argmin: argminDef,
  logSoftmax: logSoftmaxDef,
  matmul: matmulDef,
  linear: linearDef,
  reshape: reshapeDef,
  permute: permuteDef,
  expand: expandDef,
  slice: sliceDef,
  sliceScatter: sliceScatterDef,
  concat: concatDef,
  gather: gatherDef,
  scatterAdd: scatterAddDef,
  // convolution
  conv2d: conv2dDef,
  conv2dInputGrad: conv2dInputGradDef,
  conv2dWeightGrad: conv2dWeightGradDef,
  // pooling
  maxGrad: maxGradDef,
  maxPool2dIndices: maxPool2dIndicesDef,
  windowMean: windowMeanDef,
  windowMeanAdjoint: windowMeanAdjointDef,
  // issue 17: math ops
  floor: floorDef,
  ceil: ceilDef,
  round: roundDef,
  trunc: truncDef,
  expm1: expm1Def,
  log2: log2Def,
  tan: tanDef,
  atan: atanDef,
  asin: asinDef,
  acos: acosDef,
  sinh: sinhDef,
  cosh: coshDef,
  atan2: atan2Def,
  // issue 17: index ops
  argsort: argsortDef,
  cumsum: cumsumDef,
  linearScan: linearScanDef,
};

export const PRIMITIVE_NAMES = Object.keys(PRIMITIVES) as PrimitiveName[];

export type { OpDef, OpTable, PrimitiveName, PrimitiveParams, Formula, BackwardContext } from './types.js';

/** The label of `op` with these params in pictures of the graph. */
export function symbolOf<P extends PrimitiveName>(op: P, params: PrimitiveParams[P] | null): string {
  const def = PRIMITIVES[op] as OpDef<P>;
  return def.symbolFor !== undefined && params !== null ? def.symbolFor(params) : def.symbol;
}

/** The forward and local formulas of `op` with these params (matmul's differ with transposed operands). */
export function formulasOf<P extends PrimitiveName>(op: P, params: PrimitiveParams[P] | null): { readonly forward: Formula; readonly local: readonly (Formula | null)[] } {
  const def = PRIMITIVES[op] as OpDef<P>;
  return def.formulasFor !== undefined && params !== null ? def.formulasFor(params) : { forward: def.forward, local: def.local };
}
