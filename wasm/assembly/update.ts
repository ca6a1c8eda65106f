// In-place updates of float32 arrays (the optimizers).

/**
 * y[i] ← y[i] + a·x[i] for i < n in float32 (a rounded to float32, as PyTorch's
 * `p.add_(g, alpha=−lr)`): an optimizer's update (SGD: a = −lr) in one SIMD pass.
 */
export function axpyF32(y: usize, x: usize, n: i32, a: f32): void {
  const av = f32x4.splat(a);
  const n4 = n & ~3;
  for (let i: i32 = 0; i < n4; i += 4) {
    const py = y + (<usize>i << 2);
    v128.store(py, f32x4.add(v128.load(py), f32x4.mul(av, v128.load(x + (<usize>i << 2)))));
  }
  for (let i: i32 = n4; i < n; i++) {
    const py = y + (<usize>i << 2);
    store<f32>(py, load<f32>(py) + a * load<f32>(x + (<usize>i << 2)));
  }
}
