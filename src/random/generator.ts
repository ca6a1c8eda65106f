/**
 * Seedable random numbers that are the same on every platform: xoshiro128** on 32-bit integer
 * arithmetic (Math.imul), uniform floats built from its bits, and normals by Marsaglia's polar
 * method with a logarithm computed by plain arithmetic (see detLog), since Math.log may differ
 * in the last bit between JavaScript engines.
 */
import { ValueError } from '../errors.js';

function splitmix32(state: number): () => number {
  let s = state >>> 0;
  return () => {
    s = (s + 0x9e3779b9) >>> 0;
    let z = s;
    z = Math.imul(z ^ (z >>> 16), 0x85ebca6b) >>> 0;
    z = Math.imul(z ^ (z >>> 13), 0xc2b2ae35) >>> 0;
    return (z ^ (z >>> 16)) >>> 0;
  };
}

/** A generator's whole state as plain JSON values, to save in a checkpoint (as `torch.get_rng_state`). */
export interface GeneratorState {
  /** The four 32-bit words of xoshiro128**. */
  readonly words: readonly [number, number, number, number];
  /** The second normal of the last polar-method pair, not yet returned. */
  readonly spareNormal: number | null;
}

/**
 * A random number generator with its own state.
 * @example
 * const g = new Generator(42);
 * rand([2], { generator: g }); // the same two numbers for seed 42, everywhere
 */
export class Generator {
  private s0 = 0;
  private s1 = 0;
  private s2 = 0;
  private s3 = 0;
  private spareNormal: number | null = null;

  constructor(seed = 0) {
    this.manualSeed(seed);
  }

  /** Resets the state from an integer seed (any safe integer; negative and large seeds allowed). */
  manualSeed(seed: number): this {
    if (!Number.isSafeInteger(seed)) throw new ValueError(`manualSeed: the seed must be a safe integer, got ${seed}`);
    const lo = seed >>> 0;
    const hi = Math.floor(seed / 0x100000000) >>> 0;
    const next = splitmix32(lo ^ Math.imul(hi, 0x27d4eb2d));
    this.s0 = next();
    this.s1 = next();
    this.s2 = next();
    this.s3 = next();
    if ((this.s0 | this.s1 | this.s2 | this.s3) === 0) this.s0 = 1;
    this.spareNormal = null;
    return this;
  }

  /**
   * A copy of the state; `setState` puts it back, after which the same numbers follow.
   * @example
   * const g = new Generator(1); const s = g.getState();
   * const a = g.uniform(); g.setState(s);
   * g.uniform() === a; // true
   */
  getState(): GeneratorState {
    // The words are kept as signed or unsigned 32-bit values (XOR gives signed ones): stored unsigned.
    return { words: [this.s0 >>> 0, this.s1 >>> 0, this.s2 >>> 0, this.s3 >>> 0], spareNormal: this.spareNormal };
  }

  /** Restores a state from `getState` (checked, since it may come from a file); returns this. */
  setState(state: GeneratorState): this {
    const words: unknown = typeof state === 'object' && state !== null ? state.words : undefined;
    const spare: unknown = typeof state === 'object' && state !== null ? state.spareNormal : undefined;
    const isWord = (w: unknown): w is number => typeof w === 'number' && Number.isInteger(w) && w >= 0 && w <= 0xffffffff;
    if (!Array.isArray(words) || words.length !== 4 || !words.every(isWord) || words.every((w) => w === 0) || !(spare === null || (typeof spare === 'number' && Number.isFinite(spare)))) {
      throw new ValueError('Generator.setState: expected { words: four unsigned 32-bit integers, not all 0; spareNormal: a finite number or null } as getState() returns');
    }
    [this.s0, this.s1, this.s2, this.s3] = words as [number, number, number, number];
    this.spareNormal = spare;
    return this;
  }

  /** The next 32 random bits as an unsigned integer. */
  nextUint32(): number {
    const result = Math.imul(rotl(Math.imul(this.s1, 5), 7), 9) >>> 0;
    const t = this.s1 << 9;
    this.s2 ^= this.s0;
    this.s3 ^= this.s1;
    this.s1 ^= this.s2;
    this.s0 ^= this.s3;
    this.s2 ^= t;
    this.s3 = rotl(this.s3, 11);
    return result;
  }

  /** A float64 uniform in [0, 1) with 53 random bits. */
  uniform(): number {
    const hi = this.nextUint32() >>> 5; // 27 bits
    const lo = this.nextUint32() >>> 6; // 26 bits
    return (hi * 67108864 + lo) / 9007199254740992;
  }

  /** A float32-exact uniform in [0, 1) with 24 random bits. */
  uniform24(): number {
    return (this.nextUint32() >>> 8) / 16777216;
  }

  /** A standard normal sample. */
  normal(): number {
    if (this.spareNormal !== null) {
      const v = this.spareNormal;
      this.spareNormal = null;
      return v;
    }
    for (;;) {
      const u = 2 * this.uniform() - 1;
      const v = 2 * this.uniform() - 1;
      const s = u * u + v * v;
      if (s >= 1 || s === 0) continue;
      const m = Math.sqrt((-2 * detLog(s)) / s);
      this.spareNormal = v * m;
      return u * m;
    }
  }

  /** A uniform integer in [low, high), without modulo bias. */
  integer(low: number, high: number): number {
    const range = high - low;
    if (range <= 0x100000000) {
      const limit = 0x100000000 - (0x100000000 % range);
      for (;;) {
        const x = this.nextUint32();
        if (x < limit) return low + (x % range);
      }
    }
    return low + Math.floor(this.uniform() * range);
  }
}

function rotl(x: number, k: number): number {
  return ((x << k) | (x >>> (32 - k))) >>> 0;
}

let defaultGenerator = new Generator(0);

/** The generator used when none is passed. */
export function getDefaultGenerator(): Generator {
  return defaultGenerator;
}

/**
 * Seeds the default generator, as `torch.manual_seed`.
 * @example
 * manualSeed(0); const a = rand([3]);
 * manualSeed(0); const b = rand([3]); // a and b hold the same numbers
 */
export function manualSeed(seed: number): Generator {
  defaultGenerator = new Generator(seed);
  return defaultGenerator;
}

const f64 = new Float64Array(1);
const u32 = new Uint32Array(f64.buffer);
// Index of the high word in a little- or big-endian layout.
const HI = new Uint8Array(new Uint16Array([1]).buffer)[0] === 1 ? 1 : 0;

/**
 * Natural logarithm by fdlibm's e_log.c algorithm: only +, −, ×, ÷ (correctly rounded in IEEE
 * 754), so it returns the same bits on every platform. For positive finite x.
 */
export function detLog(x: number): number {
  const ln2Hi = 6.93147180369123816490e-1;
  const ln2Lo = 1.90821492927058770002e-10;
  const Lg1 = 6.666666666666735130e-1;
  const Lg2 = 3.999999999940941908e-1;
  const Lg3 = 2.857142874366239149e-1;
  const Lg4 = 2.222219843214978396e-1;
  const Lg5 = 1.818357216161805012e-1;
  const Lg6 = 1.531383769920937332e-1;
  const Lg7 = 1.479819860511658591e-1;
  if (!(x > 0) || !Number.isFinite(x)) return x === 0 ? -Infinity : x === Infinity ? Infinity : NaN;
  f64[0] = x;
  let hx = u32[HI]! | 0;
  let k = 0;
  if (hx < 0x00100000) {
    // subnormal: scale up by 2^54
    f64[0] = x * 18014398509481984;
    k -= 54;
    hx = u32[HI]! | 0;
  }
  k += (hx >> 20) - 1023;
  hx &= 0x000fffff;
  const i = (hx + 0x95f64) & 0x100000;
  u32[HI] = hx | (i ^ 0x3ff00000); // normalize x or x/2
  k += i >> 20;
  const f = f64[0]! - 1;
  const dk = k;
  if ((0x000fffff & (2 + hx)) < 3) {
    if (f === 0) return k === 0 ? 0 : dk * ln2Hi + dk * ln2Lo;
    const R = f * f * (0.5 - 0.33333333333333333 * f);
    return k === 0 ? f - R : dk * ln2Hi - (R - dk * ln2Lo - f);
  }
  const s = f / (2 + f);
  const z = s * s;
  let j = hx - 0x6147a;
  const w = z * z;
  const j2 = 0x6b851 - hx;
  const t1 = w * (Lg2 + w * (Lg4 + w * Lg6));
  const t2 = z * (Lg1 + w * (Lg3 + w * (Lg5 + w * Lg7)));
  j |= j2;
  const R = t2 + t1;
  if (j > 0) {
    const hfsq = 0.5 * f * f;
    return k === 0 ? f - (hfsq - s * (hfsq + R)) : dk * ln2Hi - (hfsq - (s * (hfsq + R) + dk * ln2Lo) - f);
  }
  return k === 0 ? f - s * (f - R) : dk * ln2Hi - (s * (f - R) - dk * ln2Lo - f);
}
