// im2row and its adjoint for the convolutions (src/backend/wasm/conv.ts): the patches of a group
// of input channels laid out one row per output position, rows[(b·OH + i)·OW + j][(c·kH + a)·kW + e]
// = x[b, c0 + c, i·sh − ph + a·dh, j·sw − pw + e·dw] (0 in the padding). Products then read the
// rows as a row-major matrix [N·OH·OW, C/G·kH·kW].

/** Writes the rows (K = cg·kh·kw floats each) of the positions of images 0..n−1. */
export function im2rowF32(
  x: usize, rows: usize, n: i32, c: i32, h: i32, w: i32, c0: i32, cg: i32,
  kh: i32, kw: i32, oh: i32, ow: i32, sh: i32, sw: i32, ph: i32, pw: i32, dh: i32, dw: i32,
): void {
  const K = cg * kh * kw;
  const plane = <usize>(h * w) << 2;
  let out = rows;
  for (let b: i32 = 0; b < n; b++) {
    const image = x + <usize>(b * c + c0) * plane;
    for (let i: i32 = 0; i < oh; i++) {
      const y0 = i * sh - ph;
      for (let j: i32 = 0; j < ow; j++) {
        const x0 = j * sw - pw;
        // A window inside the input (most of them): no bounds tests per tap.
        const inside = y0 >= 0 && y0 + (kh - 1) * dh < h && x0 >= 0 && x0 + (kw - 1) * dw < w;
        let o = out;
        for (let ci: i32 = 0; ci < cg; ci++) {
          const ch = image + <usize>ci * plane;
          for (let a: i32 = 0; a < kh; a++) {
            const y = y0 + a * dh;
            const line = ch + (<usize>(y * w) << 2);
            if (inside && dw == 1) {
              // A contiguous run of kw taps: four at a time, then one by one.
              const src = line + (<usize>x0 << 2);
              let e: i32 = 0;
              for (; e + 4 <= kw; e += 4) v128.store(o + (<usize>e << 2), v128.load(src + (<usize>e << 2)));
              for (; e < kw; e++) store<f32>(o + (<usize>e << 2), load<f32>(src + (<usize>e << 2)));
              o += <usize>kw << 2;
            } else if (inside) {
              for (let e: i32 = 0; e < kw; e++) {
                store<f32>(o, load<f32>(line + (<usize>(x0 + e * dw) << 2)));
                o += 4;
              }
            } else if (y < 0 || y >= h) {
              for (let e: i32 = 0; e < kw; e++) {
                store<f32>(o, 0);
                o += 4;
              }
            } else {
              for (let e: i32 = 0; e < kw; e++) {
                const xx = x0 + e * dw;
                store<f32>(o, xx >= 0 && xx < w ? load<f32>(line + (<usize>xx << 2)) : 0);
                o += 4;
              }
            }
          }
        }
        out += <usize>K << 2;
      }
    }
  }
}

/** dx[b, c0 + c, y, x] += rows[pos][tap] over every tap that reads (y, x): the adjoint of im2rowF32 (dx is not cleared). */
export function row2imF32(
  rows: usize, dx: usize, n: i32, c: i32, h: i32, w: i32, c0: i32, cg: i32,
  kh: i32, kw: i32, oh: i32, ow: i32, sh: i32, sw: i32, ph: i32, pw: i32, dh: i32, dw: i32,
): void {
  const K = cg * kh * kw;
  const plane = <usize>(h * w) << 2;
  let src = rows;
  for (let b: i32 = 0; b < n; b++) {
    const image = dx + <usize>(b * c + c0) * plane;
    for (let i: i32 = 0; i < oh; i++) {
      const y0 = i * sh - ph;
      for (let j: i32 = 0; j < ow; j++) {
        const x0 = j * sw - pw;
        const inside = x0 >= 0 && x0 + (kw - 1) * dw < w && dw == 1;
        let s = src;
        for (let ci: i32 = 0; ci < cg; ci++) {
          const ch = image + <usize>ci * plane;
          for (let a: i32 = 0; a < kh; a++) {
            const y = y0 + a * dh;
            if (y < 0 || y >= h) {
              s += <usize>kw << 2;
              continue;
            }
            const line = ch + (<usize>(y * w) << 2);
            if (inside) {
              // The row's kw taps land on kw consecutive inputs: four at a time, then one by one.
              const at = line + (<usize>x0 << 2);
              let e: i32 = 0;
              for (; e + 4 <= kw; e += 4) {
                const q = at + (<usize>e << 2);
                v128.store(q, f32x4.add(v128.load(q), v128.load(s + (<usize>e << 2))));
              }
              for (; e < kw; e++) {
                const q = at + (<usize>e << 2);
                store<f32>(q, load<f32>(q) + load<f32>(s + (<usize>e << 2)));
              }
              s += <usize>kw << 2;
              continue;
            }
            for (let e: i32 = 0; e < kw; e++) {
              const xx = x0 + e * dw;
              if (xx >= 0 && xx < w) {
                const at = line + (<usize>xx << 2);
                store<f32>(at, load<f32>(at) + load<f32>(s));
              }
              s += 4;
            }
          }
        }
        src += <usize>K << 2;
      }
    }
  }
}

// Depthwise convolutions (groups = channels, `mult` output channels per input channel) by direct
// loops: im2row's rows would be kH·kW long and the product's n = mult, mostly padding.

/** out[b, c·mult + m, i, j] = Σ_{a,e} x[b, c, i·sh − ph + a·dh, j·sw − pw + e·dw]·w[c·mult + m, 0, a, e]. */
export function depthwiseF32(
  x: usize, wt: usize, out: usize, n: i32, c: i32, h: i32, w: i32, mult: i32,
  kh: i32, kw: i32, oh: i32, ow: i32, sh: i32, sw: i32, ph: i32, pw: i32, dh: i32, dw: i32,
): void {
  let o = out;
  for (let b: i32 = 0; b < n; b++) {
    for (let oc: i32 = 0; oc < c * mult; oc++) {
      const plane = x + (<usize>((b * c + oc / mult) * h * w) << 2);
      const kernel = wt + (<usize>(oc * kh * kw) << 2);
      for (let i: i32 = 0; i < oh; i++) {
        const y0 = i * sh - ph;
        for (let j: i32 = 0; j < ow; j++) {
          const x0 = j * sw - pw;
          let acc: f32 = 0;
          for (let a: i32 = 0; a < kh; a++) {
            const y = y0 + a * dh;
            if (y < 0 || y >= h) continue;
            const line = plane + (<usize>(y * w) << 2);
            const krow = kernel + (<usize>(a * kw) << 2);
            for (let e: i32 = 0; e < kw; e++) {
              const xx = x0 + e * dw;
              if (xx >= 0 && xx < w) acc += load<f32>(line + (<usize>xx << 2)) * load<f32>(krow + (<usize>e << 2));
            }
          }
          store<f32>(o, acc);
          o += 4;
        }
      }
    }
  }
}

/** dx (cleared here) from δ [n, c·mult, oh, ow]: each δ spread over its window, weighted by the kernel. */
export function depthwiseInputGradF32(
  d: usize, wt: usize, dx: usize, n: i32, c: i32, h: i32, w: i32, mult: i32,
  kh: i32, kw: i32, oh: i32, ow: i32, sh: i32, sw: i32, ph: i32, pw: i32, dh: i32, dw: i32,
): void {
  memory.fill(dx, 0, <usize>(n * c * h * w) << 2);
  let s = d;
  for (let b: i32 = 0; b < n; b++) {
    for (let oc: i32 = 0; oc < c * mult; oc++) {
      const plane = dx + (<usize>((b * c + oc / mult) * h * w) << 2);
      const kernel = wt + (<usize>(oc * kh * kw) << 2);
      for (let i: i32 = 0; i < oh; i++) {
        const y0 = i * sh - ph;
        for (let j: i32 = 0; j < ow; j++) {
          const x0 = j * sw - pw;
          const g = load<f32>(s);
          s += 4;
          for (let a: i32 = 0; a < kh; a++) {
            const y = y0 + a * dh;
            if (y < 0 || y >= h) continue;
            const line = plane + (<usize>(y * w) << 2);
            const krow = kernel + (<usize>(a * kw) << 2);
            for (let e: i32 = 0; e < kw; e++) {
              const xx = x0 + e * dw;
              if (xx >= 0 && xx < w) {
                const at = line + (<usize>xx << 2);
                store<f32>(at, load<f32>(at) + g * load<f32>(krow + (<usize>e << 2)));
              }
            }
          }
        }
      }
    }
  }
}

/** dW[oc, 0, a, e] = Σ_{b,i,j} x[b, oc/mult, …]·δ[b, oc, i, j], summed in increasing position order. */
export function depthwiseWeightGradF32(
  x: usize, d: usize, dwt: usize, n: i32, c: i32, h: i32, w: i32, mult: i32,
  kh: i32, kw: i32, oh: i32, ow: i32, sh: i32, sw: i32, ph: i32, pw: i32, dh: i32, dw: i32,
): void {
  for (let oc: i32 = 0; oc < c * mult; oc++) {
    for (let a: i32 = 0; a < kh; a++) {
      for (let e: i32 = 0; e < kw; e++) {
        let acc: f32 = 0;
        for (let b: i32 = 0; b < n; b++) {
          const plane = x + (<usize>((b * c + oc / mult) * h * w) << 2);
          const grad = d + (<usize>((b * c * mult + oc) * oh * ow) << 2);
          for (let i: i32 = 0; i < oh; i++) {
            const y = i * sh - ph + a * dh;
            if (y < 0 || y >= h) continue;
            const line = plane + (<usize>(y * w) << 2);
            const grow = grad + (<usize>(i * ow) << 2);
            for (let j: i32 = 0; j < ow; j++) {
              const xx = j * sw - pw + e * dw;
              if (xx >= 0 && xx < w) acc += load<f32>(line + (<usize>xx << 2)) * load<f32>(grow + (<usize>j << 2));
            }
          }
        }
        store<f32>(dwt + (<usize>((oc * kh + a) * kw + e) << 2), acc);
      }
    }
  }
}
