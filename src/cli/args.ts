/** Argument parsers for the CLI: each rejects a bad value with a message naming the value (commander adds the flag); exit code 2. */
import { InvalidArgumentError } from 'commander';

/** Decimal numbers only: `0x10`, `0b1`, `1_000`, `Infinity` and a blank are not numbers a user means as flags. */
const DECIMAL = /^[+-]?(?:\d+\.?\d*|\.\d+)(?:e[+-]?\d+)?$/i;

export function number(value: string): number {
  const v = Number(value);
  if (!DECIMAL.test(value.trim()) || !Number.isFinite(v)) throw new InvalidArgumentError(`'${value}' is not a number`);
  return v;
}

export function positiveNumber(value: string): number {
  const v = number(value);
  if (!(v > 0)) throw new InvalidArgumentError(`'${value}' is not a positive number`);
  return v;
}

export function nonNegativeNumber(value: string): number {
  const v = number(value);
  if (!(v >= 0)) throw new InvalidArgumentError(`'${value}' is not a non-negative number`);
  return v;
}

export function integer(value: string): number {
  const v = number(value);
  if (!Number.isInteger(v)) throw new InvalidArgumentError(`'${value}' is not an integer`);
  if (!Number.isSafeInteger(v)) throw new InvalidArgumentError(`'${value}' is too large (at most ${Number.MAX_SAFE_INTEGER})`);
  return v;
}

export function nonNegativeInteger(value: string): number {
  const v = integer(value);
  if (v < 0) throw new InvalidArgumentError(`'${value}' is not a non-negative integer`);
  return v;
}

export function positiveInteger(value: string): number {
  const v = integer(value);
  if (v < 1) throw new InvalidArgumentError(`'${value}' is not a positive integer`);
  return v;
}

/** `parse`, then at most `max` (each element of a list): the limit is named in the message, e.g. `--epochs 1e20`. */
export function atMost<T extends number | number[]>(parse: (value: string) => T, max: number, what: string): (value: string) => T {
  return (value: string) => {
    // The limit first: '1e20' is refused as over the limit, not as past the largest safe integer.
    const plain = Number(value);
    if (DECIMAL.test(value.trim()) && plain > max) throw new InvalidArgumentError(`'${value}' is too large: ${what} is at most ${max.toLocaleString('en-US')}`);
    const v = parse(value);
    const big = (Array.isArray(v) ? v : [v]).find((x) => x > max);
    if (big !== undefined) throw new InvalidArgumentError(`'${value}' is too large: ${what} is at most ${max.toLocaleString('en-US')}`);
    return v;
  };
}

export function fraction(value: string): number {
  const v = number(value);
  if (!(v >= 0 && v < 1)) throw new InvalidArgumentError(`'${value}' is not a fraction in [0, 1)`);
  return v;
}

export function integerList(value: string): number[] {
  const parts = value.split(',').map((s) => s.trim());
  if (parts.some((p) => !/^\d+$/.test(p) || !(Number(p) >= 1) || !Number.isSafeInteger(Number(p)))) {
    throw new InvalidArgumentError(`'${value}' is not a comma-separated list of positive integers (e.g. 2,8,8,1)`);
  }
  return parts.map(Number);
}

export function choice<T extends string>(choices: readonly T[]) {
  return (value: string): T => {
    const found = choices.find((c) => c.toLowerCase() === value.toLowerCase());
    if (found === undefined) throw new InvalidArgumentError(`'${value}' is not one of ${choices.join(', ')}`);
    return found;
  };
}
