/**
 * The wasm backend's allocator: tensors' elements in the module's memory, so kernels read and
 * write them in place (no copy in or out per op) and parameters stay resident.
 *
 * - **Size classes.** A request is rounded up to a class (multiples of 16 bytes to 256, then four
 *   classes per power of two: at most 25% slack, 16-byte aligned for SIMD); each class keeps a
 *   free list, and new blocks are cut from the top of the heap, which grows the memory by at
 *   least a quarter at a time. A training loop allocates the same classes every step, so after
 *   the first steps it runs on reused blocks.
 * - **Freed by the garbage collector.** Every tensor on a block is registered with a
 *   FinalizationRegistry; the block returns to its free list when the last is collected.
 * - **Moved out under pressure.** V8 runs finalizers only between tasks, so a synchronous
 *   training loop (`fit`, or a user's `for` loop) frees nothing until it returns. Past a soft
 *   budget, instead of growing, the allocator takes the least recently used block of the class
 *   (the CLOCK algorithm: each use sets a bit; the hand clears bits and takes the first block
 *   without one), copies its elements out to a JS typed array (which V8 collects at once when it
 *   is garbage) and reuses its place. A moved-out tensor is still correct: it moves back in when
 *   an op uses it. Blocks the current op is using are never taken. So the backend's memory stays
 *   within the budget in any loop, and the copies it costs fall on blocks that are almost always
 *   garbage already (a step's temporaries, older than every parameter, which each step uses).
 * - Past the memory's limit a request is refused (null): the caller keeps the elements in JS.
 */
import type { ManagedBlock } from '../storage.js';
import type { TypedArray } from '../../tensor/dtype.js';
import { currentBuffer, growMemoryTo, HEAP_BASE, kernelsOrThrow, wasmMemoryLimit } from './module.js';

type BlockDType = 'float32' | 'float64' | 'int32' | 'bool';

/** Bytes per element of each dtype (the backend's small-tensor test uses it too). */
export const BYTES_PER_ELEMENT: Record<BlockDType, number> = { float32: 4, float64: 8, int32: 4, bool: 1 };

/** The class (bytes actually reserved) of a request of `bytes`. */
export function classBytes(bytes: number): number {
  if (bytes <= 256) return Math.max(16, Math.ceil(bytes / 16) * 16);
  const step = 2 ** (Math.ceil(Math.log2(bytes)) - 3);
  return Math.ceil(bytes / step) * step;
}

/** Elements of the ring of one class: blocks in use, in CLOCK order. */
interface Ring {
  head: WasmBlock | null;
  hand: WasmBlock | null;
  count: number;
}

/** The epoch of the op being prepared: blocks used in it are never moved out. */
let epoch = 1;
let top = HEAP_BASE;
/** Bytes past which the heap moves blocks out rather than grow (0: grow until the limit). */
let budget = 256 * 2 ** 20;
const free = new Map<number, number[]>();
const rings = new Map<number, Ring>();
const stats = { allocated: 0, allocatedBytes: 0, reused: 0, carved: 0, movedOut: 0, movedIn: 0, freed: 0, released: 0, refused: 0, liveBytes: 0, liveBlocks: 0 };

const registry = new FinalizationRegistry<Place>((place) => drop(place));

function view(dtype: BlockDType, ptr: number, size: number): TypedArray {
  const buffer = currentBuffer;
  switch (dtype) {
    case 'float32':
      return new Float32Array(buffer, ptr, size);
    case 'float64':
      return new Float64Array(buffer, ptr, size);
    case 'int32':
      return new Int32Array(buffer, ptr, size);
    case 'bool':
      return new Uint8Array(buffer, ptr, size);
  }
}

function ringOf(bytes: number): Ring {
  let ring = rings.get(bytes);
  if (ring === undefined) rings.set(bytes, (ring = { head: null, hand: null, count: 0 }));
  return ring;
}

function link(block: WasmBlock): void {
  const ring = ringOf(block.bytes);
  if (ring.head === null) {
    block.prev = block.next = block;
    ring.head = ring.hand = block;
  } else {
    // Insert just behind the hand: the newest block is the last the hand reaches.
    const hand = ring.hand!;
    block.next = hand;
    block.prev = hand.prev;
    hand.prev!.next = block;
    hand.prev = block;
  }
  ring.count++;
  stats.liveBytes += block.bytes;
  stats.liveBlocks++;
}

function unlink(block: WasmBlock): void {
  const ring = ringOf(block.bytes);
  if (ring.count === 1) ring.head = ring.hand = null;
  else {
    block.prev!.next = block.next;
    block.next!.prev = block.prev;
    if (ring.head === block) ring.head = block.next;
    if (ring.hand === block) ring.hand = block.next;
  }
  block.prev = block.next = null;
  ring.count--;
  stats.liveBytes -= block.bytes;
  stats.liveBlocks--;
}

/** A block of the class taken from its least recently used owner (moved out to JS), or null. */
function takeFromRing(bytes: number): number | null {
  const ring = rings.get(bytes);
  if (ring === undefined || ring.count === 0) return null;
  // Two turns of the hand at most: the first clears the use bits.
  for (let i = 0, n = 2 * ring.count; i < n; i++) {
    const b = ring.hand!;
    ring.hand = b.next;
    if (b.epoch === epoch) continue;
    if (b.used) {
      b.used = false;
      continue;
    }
    const ptr = b.ptr;
    b.moveOut();
    return ptr;
  }
  return null;
}

/** A place of `bytes` (a class size) in the memory, or null where there is none. */
function place(bytes: number): number | null {
  const list = free.get(bytes);
  if (list !== undefined && list.length > 0) {
    stats.reused++;
    return list.pop()!;
  }
  const memory = kernelsOrThrow().memory;
  const end = top + bytes;
  // Past the budget, a place is taken from the least recently used block before the heap grows.
  const overBudget = budget !== 0 && end > budget;
  if (overBudget) {
    const taken = takeFromRing(bytes);
    if (taken !== null) return taken;
  }
  if (end > memory.buffer.byteLength && !growMemoryTo(end)) {
    const taken = overBudget ? null : takeFromRing(bytes);
    if (taken !== null) return taken;
    stats.refused++;
    return null;
  }
  stats.carved++;
  const ptr = top;
  top = end;
  return ptr;
}

/**
 * What the FinalizationRegistry holds for each tensor on a block: the place and how many tensors
 * share it. It never references the elements once they are moved out (the registry keeps held
 * values until a finalizer runs, which a synchronous loop never lets happen: a moved-out copy
 * must be reachable from its tensors only, so the garbage collector frees it with them).
 */
interface Place {
  ptr: number;
  refs: number;
  /** The block while it is resident (for the finalizer to unlink it), else null. */
  block: WasmBlock | null;
}

/** A tensor's elements in the module's memory (or, moved out, in a JS copy the block alone holds). */
export class WasmBlock implements ManagedBlock {
  readonly bytes: number;
  readonly place: Place;
  /** The elements while moved out. */
  private js: TypedArray | null = null;
  private cached: TypedArray | null = null;
  /** CLOCK's use bit and the epoch of the last op that used it. */
  used = true;
  epoch = epoch;
  prev: WasmBlock | null = null;
  next: WasmBlock | null = null;

  constructor(
    readonly dtype: BlockDType,
    readonly size: number,
    ptr: number,
    bytes: number,
  ) {
    this.bytes = bytes;
    this.place = { ptr, refs: 0, block: this };
    link(this);
  }

  /** Byte offset in the memory; -1 while moved out. */
  get ptr(): number {
    return this.place.ptr;
  }

  array(): TypedArray {
    this.used = true;
    this.epoch = epoch;
    const ptr = this.place.ptr;
    if (ptr < 0) return this.js!;
    const v = this.cached;
    // After the memory grew, a view of an own memory reads nothing (its buffer is detached), and
    // one of a shared memory would look foreign to the kernels: make it afresh.
    if (v !== null && v.buffer === currentBuffer) return v;
    return (this.cached = view(this.dtype, ptr, this.size));
  }

  prepare(): void {
    this.used = true;
    this.epoch = epoch;
    if (this.place.ptr >= 0) return;
    const ptr = place(this.bytes);
    if (ptr === null) return;
    this.place.ptr = ptr;
    this.place.block = this;
    this.cached = view(this.dtype, ptr, this.size);
    this.cached.set(this.js!);
    this.js = null;
    link(this);
    stats.movedIn++;
  }

  retain(owner: object): void {
    this.place.refs++;
    registry.register(owner, this.place, owner);
  }

  release(owner: object): void {
    if (registry.unregister(owner)) {
      stats.released++;
      drop(this.place);
    }
  }

  /** Copies the elements out to JS and gives up the place (the caller reuses it). */
  moveOut(): void {
    this.js = this.array().slice();
    this.place.ptr = -1;
    this.place.block = null;
    this.cached = null;
    unlink(this);
    stats.movedOut++;
  }
}

/** One tensor on a place was collected; at the last, the place goes back to its free list. */
function drop(place: Place): void {
  if (--place.refs > 0) return;
  stats.freed++;
  const block = place.block;
  if (block === null) return;
  let list = free.get(block.bytes);
  if (list === undefined) free.set(block.bytes, (list = []));
  list.push(place.ptr);
  place.ptr = -1;
  place.block = null;
  unlink(block);
}

/** A block for `size` elements of `dtype` (contents unspecified), or null where the memory has no room for it. */
export function allocateBlock(dtype: BlockDType, size: number): WasmBlock | null {
  const want = size * BYTES_PER_ELEMENT[dtype];
  if (want > wasmMemoryLimit() / 2) return null;
  const bytes = classBytes(want);
  const ptr = place(bytes);
  if (ptr === null) return null;
  stats.allocated++;
  stats.allocatedBytes += want;
  // A reused place holds an old tensor's elements: not cleared, since every caller writes all of
  // them (a kernel its output, adopt the data it moves in).
  return new WasmBlock(dtype, size, ptr, bytes);
}

/** Starts the preparation of an op: blocks used from now on are safe from being moved out until the next. */
export function nextEpoch(): void {
  epoch++;
}

let scratchPtr = 0;
let scratchBytes = 0;

/**
 * The byte offset of a scratch area of at least `bytes` (kept between calls, growing as needed),
 * or null where the memory cannot hold it. Taking it may grow the memory: views made before may
 * be detached (keep byte offsets, make views after).
 */
export function scratch(bytes: number): number | null {
  if (bytes <= scratchBytes) return scratchPtr;
  const need = classBytes(Math.max(bytes, scratchBytes * 2, 65536));
  const ptr = place(need);
  if (ptr === null) return null;
  if (scratchBytes > 0) {
    let list = free.get(scratchBytes);
    if (list === undefined) free.set(scratchBytes, (list = []));
    list.push(scratchPtr);
  }
  scratchPtr = ptr;
  scratchBytes = need;
  return ptr;
}

/** The soft budget in bytes (0: grow until the limit); returns the previous one. */
export function setWasmHeapBudget(bytes: number): number {
  const previous = budget;
  budget = bytes;
  return previous;
}

export interface WasmHeapStats {
  /** Bytes of the module's memory. */
  readonly memoryBytes: number;
  /** Bytes of blocks tensors hold now, and how many. */
  readonly liveBytes: number;
  readonly liveBlocks: number;
  /** The top of the heap: bytes ever cut from the memory. */
  readonly heapBytes: number;
  /** Blocks allocated, and the bytes asked for, since the start. */
  readonly allocated: number;
  readonly allocatedBytes: number;
  readonly reused: number;
  readonly carved: number;
  readonly movedOut: number;
  readonly movedIn: number;
  readonly freed: number;
  /** Blocks given back by the backward pass as it ended (its temporaries), before any collection. */
  readonly released: number;
  readonly refused: number;
}

/** Counters of the wasm heap (for tests and the bench). */
export function wasmHeapStats(): WasmHeapStats {
  return { ...stats, memoryBytes: kernelsOrThrow().memory.buffer.byteLength, heapBytes: top - HEAP_BASE };
}
