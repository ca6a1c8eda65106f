/** Argument parsers for the CLI: each rejects a bad value with a message naming the flag. */
import { InvalidArgumentError } from 'commander';

export function number(value: string): number {
  const v = Number(value);
  if (value.trim() === '' || !Number.isFinite(v)) throw new InvalidArgumentError(`'${value}' is not a number`);
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

export function fraction(value: string): number {
  const v = number(value);
  if (!(v >= 0 && v < 1)) throw new InvalidArgumentError(`'${value}' is not a fraction in [0, 1)`);
  return v;
}

export function integerList(value: string): number[] {
  const parts = value.split(',').map((s) => s.trim());
  const out = parts.map((p) => Number(p));
  if (parts.some((p) => p === '') || out.some((v) => !Number.isInteger(v) || v < 1)) {
    throw new InvalidArgumentError(`'${value}' is not a comma-separated list of positive integers (e.g. 2,8,8,1)`);
  }
  return out;
}

export function choice<T extends string>(choices: readonly T[]) {
  return (value: string): T => {
    const found = choices.find((c) => c.toLowerCase() === value.toLowerCase());
    if (found === undefined) throw new InvalidArgumentError(`'${value}' is not one of ${choices.join(', ')}`);
    return found;
  };
}
