/**
 * Compensated (Neumaier) summation: the running total of many terms without the drift of a
 * naive `+=`. Used for loss totals and reductions where order-independent accuracy matters.
 */
export class Adder {
  private sum = 0;
  private compensation = 0;

  add(x: number): this {
    const t = this.sum + x;
    if (Math.abs(this.sum) >= Math.abs(x)) this.compensation += this.sum - t + x;
    else this.compensation += x - t + this.sum;
    this.sum = t;
    return this;
  }

  valueOf(): number {
    return this.sum + this.compensation;
  }
}

/** Sum of `values` with compensated summation. */
export function fsum(values: Iterable<number>): number {
  const adder = new Adder();
  for (const v of values) adder.add(v);
  return adder.valueOf();
}
