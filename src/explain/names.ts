/**
 * The names the reference tutorial gives a network's tensors, which the explanations, the
 * unrolled sample and the network diagram all write: x, z1, h (h1, h2… with several hidden
 * layers), y, t, L; parameters W1, b1 by layer; a unit of a layer of several as h1[3] and a
 * weight element as W1[0,1]. Layers count from 1.
 */
import type { Module, AnyModule } from '../nn/module.js';
import type { Tensor } from '../tensor/tensor.js';

export const INPUT_NAME = 'x';
export const TARGET_NAME = 't';
export const OUTPUT_NAME = 'y';
export const LOSS_NAME = 'L';

export function weightName(layer: number): string {
  return `W${layer}`;
}

export function biasName(layer: number): string {
  return `b${layer}`;
}

/** The Linear output of a layer: z1, z2… */
export function preActivationName(layer: number | string): string {
  return `z${layer}`;
}

/** Where an activation sits: the network's output (y), its only hidden one (h), or one of several (h1, h2…). */
export type ActivationPlace = 'output' | 'only' | 'hidden';

export function activationName(layer: number | string, place: ActivationPlace): string {
  return place === 'output' ? OUTPUT_NAME : place === 'only' ? 'h' : `h${layer}`;
}

/** Unit j of a layer: the layer's own name when it has one unit, else h1[3]. */
export function unitName(base: string, j: number, width: number): string {
  return width === 1 ? base : `${base}[${j}]`;
}

/** An element of a parameter: the parameter's name when it has one element, else W1[0,1]. */
export function elementName(base: string, indices: readonly number[], size: number): string {
  return size === 1 ? base : `${base}[${indices.join(',')}]`;
}

/** Linear's own names and module paths ('0.weight') are generic: the layer-numbered W1, b1 read better. */
export function isGenericName(name: string | undefined): boolean {
  return name === undefined || name === 'weight' || name === 'bias' || /^(\w+\.)+\w+$/.test(name);
}

/**
 * Whether a parameter still has Sequential's default name ('0.weight'); the network diagram
 * keeps any other, 'fc.weight' included (narrower than isGenericName).
 */
export function isSequentialDefaultName(name: string | undefined): boolean {
  return name === undefined || name === '' || /^(?:\d+\.)*(?:weight|bias)$/.test(name);
}

/** The model's parameters by layer: `0.weight` → W1, `0.bias` → b1; other parameters keep their path. */
export function modelParameterNames(model: AnyModule | undefined): Map<Tensor, string> {
  const names = new Map<Tensor, string>();
  if (model === undefined) return names;
  const layerOf = new Map<string, number>();
  for (const [name, p] of model.namedParameters()) {
    const dot = name.lastIndexOf('.');
    const prefix = dot < 0 ? '' : name.slice(0, dot);
    const leaf = dot < 0 ? name : name.slice(dot + 1);
    if (!layerOf.has(prefix)) layerOf.set(prefix, layerOf.size + 1);
    const k = layerOf.get(prefix)!;
    names.set(p, leaf === 'weight' ? weightName(k) : leaf === 'bias' ? biasName(k) : name);
  }
  return names;
}

const SUBSCRIPT_FREE = /^[A-Za-z][A-Za-z0-9_]*$/;

/**
 * LaTeX for a name: `w1` → `w_{1}`, `W2` → `W_{2}`, `h1[3]` kept readable.
 * @example latexName('W1[0,1]') // 'W_{1}[0,\\,1]'
 */
export function latexName(name: string): string {
  const m = /^([A-Za-z]+)(\d+)$/.exec(name);
  if (m !== null) return `${m[1]}_{${m[2]}}`;
  // Elements and units: W1[0,1] → W_{1}[0,1], x[2] → x[2].
  const e = /^([A-Za-z]+)(\d*)\[([\w,]+)\]$/.exec(name);
  if (e !== null) return `${e[2] === '' ? e[1] : `${e[1]}_{${e[2]}}`}[${e[3]!.replaceAll(',', ',\\,')}]`;
  if (SUBSCRIPT_FREE.test(name)) return name.length > 1 ? `\\mathrm{${name}}` : name;
  return `\\text{${name.replace(/[\\{}$&#^_%~]/g, (c) => `\\${c}`)}}`;
}
