/**
 * The model file format (version 1): JSON text, portable between Node and the browser.
 *
 *   { "format": "chainrule-model", "version": 1, "checksum": "<crc32 of payload>",
 *     "payload": "<JSON text of { model, parameters, optimizer, metadata }>" }
 *
 * Parameters and persistent buffers (the state dict) are stored as base64 of their little-endian
 * bytes, so values round-trip exactly; a file from before buffers existed simply holds none.
 * The checksum over the payload text catches truncated and hand-edited files.
 */
import { ModelFileError } from '../errors.js';
import type { ModuleConfig, StateDict } from '../nn/module.js';
import type { OptimizerState } from '../optim/optimizer.js';
import { allocArray, isDType, type DType } from '../tensor/dtype.js';
import { formatShape, shapeSize } from '../tensor/shape.js';
import { Tensor } from '../tensor/tensor.js';
import { crc32 } from './crc32.js';

export const FORMAT = 'chainrule-model';
export const FORMAT_VERSION = 1;

export interface SerializedParameter {
  readonly shape: readonly number[];
  readonly dtype: DType;
  readonly data: string;
}

export interface ModelPayload {
  readonly model: ModuleConfig;
  readonly parameters: Record<string, SerializedParameter>;
  readonly optimizer: OptimizerState | null;
  readonly metadata: Record<string, unknown>;
}

const LITTLE_ENDIAN = new Uint8Array(new Uint16Array([1]).buffer)[0] === 1;

function toBase64(bytes: Uint8Array): string {
  let s = '';
  for (let i = 0; i < bytes.length; i += 0x8000) s += String.fromCharCode(...bytes.subarray(i, i + 0x8000));
  return btoa(s);
}

function fromBase64(text: string): Uint8Array {
  const s = atob(text);
  const out = new Uint8Array(s.length);
  for (let i = 0; i < s.length; i++) out[i] = s.charCodeAt(i);
  return out;
}

function littleEndianBytes(t: Tensor): Uint8Array {
  const data = t.data();
  const bytes = new Uint8Array(data.buffer, data.byteOffset, data.byteLength);
  if (LITTLE_ENDIAN || bytes.BYTES_PER_ELEMENT === data.BYTES_PER_ELEMENT) return bytes;
  const width = data.BYTES_PER_ELEMENT;
  const out = new Uint8Array(bytes.length);
  for (let i = 0; i < bytes.length; i += width) for (let k = 0; k < width; k++) out[i + k] = bytes[i + width - 1 - k]!;
  return out;
}

export function serializeParameters(state: StateDict): Record<string, SerializedParameter> {
  const out: Record<string, SerializedParameter> = {};
  for (const [name, t] of Object.entries(state)) out[name] = { shape: [...t.shape], dtype: t.dtype, data: toBase64(littleEndianBytes(t)) };
  return out;
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** What a value is, in words, for messages about a file's content. */
function kindOf(value: unknown): string {
  return value === undefined ? 'missing' : value === null ? 'null' : Array.isArray(value) ? 'an array' : typeof value === 'object' ? 'an object' : `the ${typeof value} ${JSON.stringify(value)}`;
}

/**
 * Reads the stored parameters into tensors for `model` (its named parameters), refusing any whose
 * dtype, shape or byte length differs from the parameter it fills: bytes read as another dtype
 * would load as garbage. Sizes are checked against the file before anything is allocated.
 */
export function deserializeParameters(where: string, params: Record<string, SerializedParameter>, model: readonly (readonly [string, Tensor])[]): StateDict {
  const expected = new Map(model);
  // No prototype: a stored name such as '__proto__' stays an ordinary (unexpected) key.
  const out: StateDict = Object.create(null) as StateDict;
  for (const [name, p] of Object.entries(params) as [string, unknown][]) {
    if (!isRecord(p) || !isDType(p['dtype']) || !Array.isArray(p['shape']) || typeof p['data'] !== 'string') {
      throw new ModelFileError(`${where}: parameter '${name}' is malformed (needs shape, dtype and data)`);
    }
    const dtype = p['dtype'];
    const shape: unknown[] = p['shape'];
    if (!shape.every((d): d is number => Number.isSafeInteger(d) && (d as number) >= 0) || !Number.isSafeInteger(shapeSize(shape as number[]))) {
      throw new ModelFileError(`${where}: parameter '${name}' has an invalid shape ${JSON.stringify(shape)} (needs non-negative integers)`);
    }
    const dims = shape as number[];
    const target = expected.get(name);
    if (target !== undefined && target.dtype !== dtype) {
      throw new ModelFileError(`${where}: parameter '${name}' is stored as ${dtype} but the model's '${name}' is ${target.dtype} as rebuilt from the file's description; the file was edited, does not belong to this model, or a custom module's config() does not record its dtype`);
    }
    let bytes: Uint8Array;
    try {
      bytes = fromBase64(p['data']);
    } catch {
      throw new ModelFileError(`${where}: parameter '${name}' has invalid base64 data`);
    }
    const byteLength = shapeSize(dims) * allocArray(dtype, 0).BYTES_PER_ELEMENT;
    if (bytes.length !== byteLength) {
      throw new ModelFileError(`${where}: parameter '${name}' of shape ${formatShape(dims)} needs ${byteLength} bytes, the file has ${bytes.length}`);
    }
    const array = allocArray(dtype, shapeSize(dims));
    const width = array.BYTES_PER_ELEMENT;
    const view = new Uint8Array(array.buffer);
    if (LITTLE_ENDIAN) view.set(bytes);
    else for (let i = 0; i < bytes.length; i += width) for (let k = 0; k < width; k++) view[i + k] = bytes[i + width - 1 - k]!;
    out[name] = new Tensor(array, dims, dtype, null, name);
  }
  return out;
}

/** The file's text for a payload. */
export function encodeModelFile(payload: ModelPayload): string {
  const text = JSON.stringify(payload);
  return JSON.stringify({ format: FORMAT, version: FORMAT_VERSION, checksum: crc32(text), payload: text }) + '\n';
}

/** Parses and verifies a model file's text; `where` names the file in errors. */
export function decodeModelFile(where: string, text: string): ModelPayload {
  let outer: unknown;
  try {
    outer = JSON.parse(text);
  } catch (e) {
    const reason = e instanceof Error ? e.message : String(e);
    throw new ModelFileError(`${where}: not a valid chainrule model file: the JSON does not parse (${reason}); the file may be truncated`);
  }
  if (typeof outer !== 'object' || outer === null || (outer as { format?: unknown }).format !== FORMAT) {
    throw new ModelFileError(`${where}: not a chainrule model file (missing "format": "${FORMAT}")`);
  }
  const { version, checksum, payload } = outer as { version?: unknown; checksum?: unknown; payload?: unknown };
  if (version !== FORMAT_VERSION) {
    throw new ModelFileError(`${where}: model file version ${String(version)} is not supported (this chainrule reads version ${FORMAT_VERSION})`);
  }
  if (typeof payload !== 'string' || typeof checksum !== 'string') throw new ModelFileError(`${where}: the model file has no payload or checksum`);
  if (crc32(payload) !== checksum) {
    throw new ModelFileError(`${where}: checksum mismatch: the file was modified or damaged after it was saved`);
  }
  let parsed: unknown;
  try {
    parsed = JSON.parse(payload);
  } catch (e) {
    throw new ModelFileError(`${where}: the payload is not valid JSON (${e instanceof Error ? e.message : String(e)})`);
  }
  if (!isRecord(parsed)) throw new ModelFileError(`${where}: the payload is ${kindOf(parsed)}, not an object with the model, its parameters and metadata`);
  const { model, parameters, optimizer, metadata } = parsed;
  if (!isRecord(model) || typeof model['type'] !== 'string') throw new ModelFileError(`${where}: the payload's model description is ${kindOf(model)}, not an object with a type`);
  if (!isRecord(parameters)) throw new ModelFileError(`${where}: the payload's parameters are ${kindOf(parameters)}, not an object of named tensors`);
  if (optimizer !== undefined && optimizer !== null && !isRecord(optimizer)) throw new ModelFileError(`${where}: the payload's optimizer state is ${kindOf(optimizer)}, not an object`);
  if (metadata !== undefined && !isRecord(metadata)) throw new ModelFileError(`${where}: the payload's metadata is ${kindOf(metadata)}, not an object`);
  return {
    model: model as ModuleConfig,
    parameters: parameters as Record<string, SerializedParameter>,
    optimizer: (optimizer ?? null) as OptimizerState | null,
    metadata: metadata ?? {},
  };
}
