/**
 * einsum: Einstein summation over labelled axes, as torch.einsum. A composite of indexSelect
 * (diagonals), sum, permute, reshape, expand, mul and matmul, so it is differentiable to every
 * order on every backend. Operands are contracted left to right, each pair with one (batched)
 * matmul.
 */
import { ShapeError, ValueError } from '../errors.js';
import { formatShape, shapeEqual } from '../tensor/shape.js';
import { Tensor } from '../tensor/tensor.js';
import { mul } from './elementwise.js';
import { indexSelect } from './indexing.js';
import { matmul } from './linalg.js';
import { sum } from './reduce.js';
import { expand, permute, reshape } from './shape.js';

/** An operand's axes, each named by a letter or, for the axes under '...', by '.k' (k counted over the broadcast ellipsis). */
type Labels = readonly string[];

interface Term {
  readonly letters: string;
  readonly ellipsis: boolean;
  /** Letters before the '...' (all of them when there is none). */
  readonly before: number;
}

interface Operand {
  readonly x: Tensor;
  readonly labels: Labels;
}

const LETTER = /^[A-Za-z]$/;

/**
 * Sums the products of the operands' elements over the subscripts that the output does not name,
 * as `torch.einsum`: `'ij,jk->ik'` (matrix product), `'bij,bjk->bik'` (batched), `'ii->i'`
 * (diagonal), `'ii'` (trace), `'ij->'` (sum), `'i,j->ij'` (outer product), `'...ij,...jk->...ik'`
 * (broadcast batch axes). Without `->`, the output is the ellipsis axes then the subscripts that
 * appear once, in alphabetical order (upper case first). A subscript of size 1 broadcasts.
 * @example
 * const a = tensor([[1, 2], [3, 4]]);
 * einsum('ij,jk->ik', a, a).toArray(); // [[7, 10], [15, 22]]
 * einsum('ii', a).item(); // 5, the trace
 */
export function einsum(equation: string, ...operands: Tensor[]): Tensor {
  const fail = (message: string): never => {
    throw new ValueError(`einsum('${equation}'): ${message}`);
  };
  if (typeof equation !== 'string') throw new ValueError(`einsum: the equation must be a string, got ${typeof equation}`);
  const eq = equation.replace(/\s+/g, '');
  const arrow = eq.split('->');
  if (arrow.length > 2) fail("the equation has more than one '->'");
  const terms = arrow[0]!.split(',').map((t, i) => parseTerm(t, `operand ${i}`, fail));
  if (operands.length === 0) fail('no operands were given');
  if (terms.length !== operands.length) fail(`the equation has ${terms.length} operand term(s) but ${operands.length} operand(s) were given`);
  operands.forEach((x, i) => {
    if (!(x instanceof Tensor)) fail(`operand ${i} is not a Tensor`);
  });

  // The ellipsis of every operand broadcasts against the others', right-aligned.
  let ellipsisRank = 0;
  const labelled = terms.map((term, i) => {
    const x = operands[i]!;
    const named = term.letters.length;
    if (term.ellipsis ? x.ndim < named : x.ndim !== named) {
      const what = term.ellipsis ? `at least ${named}` : String(named);
      throw new ShapeError(`einsum('${equation}'): operand ${i} has shape ${formatShape(x.shape)} but its subscripts '${termText(term)}' name ${what} dimension(s)`);
    }
    const rank = x.ndim - named;
    ellipsisRank = Math.max(ellipsisRank, rank);
    return { term, rank };
  });
  const operandLabels: Labels[] = labelled.map(({ term, rank }) => {
    const dots = Array.from({ length: rank }, (_, k) => `.${ellipsisRank - rank + k}`);
    const letters = [...term.letters];
    return [...letters.slice(0, term.before), ...dots, ...letters.slice(term.before)];
  });
  const dotsAll = Array.from({ length: ellipsisRank }, (_, k) => `.${k}`);

  const output = arrow.length === 2 ? explicitOutput(arrow[1]!, terms, dotsAll, fail) : implicitOutput(terms, dotsAll);
  const sizes = labelSizes(equation, operands, operandLabels);

  // Each operand first loses its diagonals and the axes no one else needs.
  const prepared = operands.map((x, i) => {
    const others = new Set([...output, ...operandLabels.filter((_, j) => j !== i).flat()]);
    return sumUnshared(diagonals(equation, i, { x, labels: operandLabels[i]! }), others);
  });
  let acc = prepared[0]!;
  for (let i = 1; i < prepared.length; i++) {
    const needed = new Set([...output, ...operandLabels.slice(i + 1).flat()]);
    acc = contract(acc, prepared[i]!, needed, sizes);
  }
  acc = sumUnshared(acc, new Set(output));
  const order = output.map((l) => acc.labels.indexOf(l));
  const result = permute(acc.x, order);
  const shape = output.map((l) => sizes.get(l)!);
  // A subscript of size 1 in every operand it meets stays 1; one that only some operands had as 1 was expanded in contract.
  return shapeEqual(result.shape, shape) ? result : expand(result, shape);
}

function termText(term: Term): string {
  return term.ellipsis ? `${term.letters.slice(0, term.before)}...${term.letters.slice(term.before)}` : term.letters;
}

function parseTerm(text: string, where: string, fail: (m: string) => never): Term {
  const parts = text.split('...');
  if (parts.length > 2) fail(`${where} has more than one '...'`);
  const letters = parts.join('');
  for (const c of letters) {
    if (!LETTER.test(c)) fail(c === '.' ? `${where} has a '.' that is not part of '...'` : `invalid subscript '${c}' in ${where}; subscripts are the letters a-z and A-Z`);
  }
  return { letters, ellipsis: parts.length === 2, before: parts[0]!.length };
}

function explicitOutput(text: string, terms: readonly Term[], dots: Labels, fail: (m: string) => never): Labels {
  const term = parseTerm(text, 'the output', fail);
  const seen = new Set<string>();
  for (const c of term.letters) {
    if (seen.has(c)) fail(`output subscript '${c}' appears more than once`);
    seen.add(c);
    if (!terms.some((t) => t.letters.includes(c))) fail(`output subscript '${c}' does not appear in any operand`);
  }
  const letters = [...term.letters];
  // Without '...' in the output, torch sums the ellipsis axes.
  return term.ellipsis ? [...letters.slice(0, term.before), ...dots, ...letters.slice(term.before)] : letters;
}

function implicitOutput(terms: readonly Term[], dots: Labels): Labels {
  const counts = new Map<string, number>();
  for (const t of terms) for (const c of t.letters) counts.set(c, (counts.get(c) ?? 0) + 1);
  const once = [...counts].filter(([, n]) => n === 1).map(([c]) => c);
  // Code-unit order puts A-Z before a-z, as torch and numpy sort.
  once.sort((a, b) => (a < b ? -1 : a > b ? 1 : 0));
  return [...dots, ...once];
}

/** Each label's size over all operands, where a size of 1 broadcasts. */
function labelSizes(equation: string, operands: readonly Tensor[], labels: readonly Labels[]): Map<string, number> {
  const sizes = new Map<string, number>();
  const firstSeen = new Map<string, number>();
  labels.forEach((ls, i) => {
    ls.forEach((l, axis) => {
      const n = operands[i]!.shape[axis]!;
      const known = sizes.get(l);
      if (known === undefined || known === 1) {
        sizes.set(l, n);
        firstSeen.set(l, i);
      } else if (n !== known && n !== 1) {
        const name = l.startsWith('.') ? `the ellipsis dimension ${l.slice(1)}` : `subscript ${l}`;
        const first = firstSeen.get(l)!;
        if (first === i) throw new ShapeError(`einsum('${equation}'): subscript ${l} is repeated in operand ${i} with sizes ${known} and ${n} (shape ${formatShape(operands[i]!.shape)})`);
        throw new ShapeError(
          `einsum('${equation}'): ${name} has size ${n} in operand ${i} (shape ${formatShape(operands[i]!.shape)}) but ${known} in operand ${first} (shape ${formatShape(operands[first]!.shape)})`,
        );
      }
    });
  });
  return sizes;
}

/** Takes the diagonal over each label repeated in one operand ('ii->i'): a gather from the flattened pair of axes. */
function diagonals(equation: string, index: number, op: Operand): Operand {
  let { x, labels } = op;
  for (;;) {
    const p = labels.findIndex((l, i) => labels.indexOf(l) !== i);
    if (p < 0) return { x, labels };
    const label = labels[p]!;
    const q = labels.indexOf(label);
    const n = x.shape[q]!;
    if (x.shape[p] !== n) {
      throw new ShapeError(`einsum('${equation}'): subscript ${label} is repeated in operand ${index} with sizes ${n} and ${x.shape[p]!} (shape ${formatShape(op.x.shape)})`);
    }
    const rest = labels.map((_, i) => i).filter((i) => i !== p && i !== q);
    const moved = permute(x, [...rest, q, p]);
    const flat = reshape(moved, [...rest.map((i) => x.shape[i]!), n * n]);
    x = indexSelect(flat, rest.length, Array.from({ length: n }, (_, k) => k * (n + 1)));
    labels = [...rest.map((i) => labels[i]!), label];
  }
}

/** Sums the axes whose labels are not in `keep`. */
function sumUnshared(op: Operand, keep: ReadonlySet<string>): Operand {
  const axes = op.labels.map((l, i) => (keep.has(l) ? -1 : i)).filter((i) => i >= 0);
  if (axes.length === 0) return op;
  return { x: sum(op.x, axes), labels: op.labels.filter((l) => keep.has(l)) };
}

interface Arranged {
  readonly x: Tensor;
  readonly labels: Labels;
  readonly shape: readonly number[];
}

/** The operand's axes in `order` (labels it lacks become axes of size 1), broadcast to `sizes` where given. */
function arrange(op: Operand, order: Labels, sizes: ReadonlyMap<string, number> | null): Arranged {
  const present = order.filter((l) => op.labels.includes(l));
  let x = permute(op.x, present.map((l) => op.labels.indexOf(l)));
  const shape = order.map((l) => (op.labels.includes(l) ? op.x.shape[op.labels.indexOf(l)]! : 1));
  x = reshape(x, shape);
  const full = sizes === null ? shape : order.map((l, i) => sizes.get(l) ?? shape[i]!);
  return { x: full.some((n, i) => n !== shape[i]) ? expand(x, full) : x, labels: order, shape: full };
}

const count = (shape: readonly number[]): number => shape.reduce((p, d) => p * d, 1);

/**
 * Contracts two operands, keeping the labels in `needed`: the shared ones needed become batch
 * axes, the other shared ones are summed by one matmul ([batch, M, K] · [batch, K, N]); with
 * nothing to sum it is a broadcast product.
 */
function contract(a: Operand, b: Operand, needed: ReadonlySet<string>, sizes: ReadonlyMap<string, number>): Operand {
  const shared = a.labels.filter((l) => b.labels.includes(l));
  const batch = shared.filter((l) => needed.has(l));
  const summed = shared.filter((l) => !needed.has(l));
  const aOnly = a.labels.filter((l) => !b.labels.includes(l));
  const bOnly = b.labels.filter((l) => !a.labels.includes(l));
  const labels = [...batch, ...aOnly, ...bOnly];
  if (summed.length === 0) {
    const x = mul(arrange(a, labels, null).x, arrange(b, labels, null).x);
    return { x, labels };
  }
  // The shared axes are broadcast to their full sizes; the others keep the operand's own. An
  // operand already laid out as [batch, K, M] (or [batch, N, K]) is read transposed by matmul, not copied.
  const full = sizesOf(sizes, shared);
  const transposeA = inOrder(a.labels, [...batch, ...summed, ...aOnly]) && !inOrder(a.labels, [...batch, ...aOnly, ...summed]);
  const transposeB = inOrder(b.labels, [...batch, ...bOnly, ...summed]) && !inOrder(b.labels, [...batch, ...summed, ...bOnly]);
  const left = arrange(a, transposeA ? [...batch, ...summed, ...aOnly] : [...batch, ...aOnly, ...summed], full);
  const right = arrange(b, transposeB ? [...batch, ...bOnly, ...summed] : [...batch, ...summed, ...bOnly], full);
  const nb = batch.length;
  const lead = nb === 0 ? [] : [count(left.shape.slice(0, nb))];
  const batchShape = left.shape.slice(0, nb);
  const aShape = aOnly.map((l) => left.shape[left.labels.indexOf(l)]!);
  const bShape = bOnly.map((l) => right.shape[right.labels.indexOf(l)]!);
  const k = count(summed.map((l) => full.get(l)!));
  const [m, n] = [count(aShape), count(bShape)];
  const out = matmul(reshape(left.x, [...lead, ...(transposeA ? [k, m] : [m, k])]), reshape(right.x, [...lead, ...(transposeB ? [n, k] : [k, n])]), { transposeA, transposeB });
  return { x: reshape(out, [...batchShape, ...aShape, ...bShape]), labels };
}

/** Whether `labels` are exactly `order` (so arranging them is no permutation). */
function inOrder(labels: Labels, order: Labels): boolean {
  return labels.length === order.length && labels.every((l, i) => l === order[i]);
}

function sizesOf(sizes: ReadonlyMap<string, number>, labels: Labels): ReadonlyMap<string, number> {
  return new Map(labels.map((l) => [l, sizes.get(l)!]));
}
