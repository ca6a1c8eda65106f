// The machine's single-thread float32 ceilings, for docs/performance.md and bench/run.mjs:
//   fma256  independent _mm256_fmadd_ps chains (the core's FMA peak)
//   fma128  the same with __m128 (what wasm relaxed SIMD's f32x4.relaxed_madd can reach)
//   muladd128  __m128 multiply then add, no FMA (what plain wasm SIMD can reach)
// Build: gcc -O2 -mavx2 -mfma bench/peak.c -o peak. Prints one JSON line of GFLOP/s.
// Each chain is acc = acc * b + c: the multiply stays on the chain, so the compiler can neither
// hoist it out of the loop nor drop it, and enough chains hide the latency (FMA: 4 cycles × 2
// pipes needs 8; multiply 3 + add 3 cycles × 2 pipes needs 12).
#include <immintrin.h>
#include <stdio.h>
#include <time.h>

#define ITERS 50000000L

static double now(void) {
  struct timespec t;
  clock_gettime(CLOCK_MONOTONIC, &t);
  return t.tv_sec + t.tv_nsec * 1e-9;
}

// volatile so the constants are unknown at compile time, and a different start per chain so the
// compiler cannot merge identical chains into one (it does: common subexpressions).
static volatile float vb = 0.99999994f, vc = 1e-7f;
static volatile float start[12] = {1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12};
static volatile float sink;
#define S256(i) _mm256_set1_ps(start[i])
#define S128(i) _mm_set1_ps(start[i])

static double fma256(void) {
  __m256 b = _mm256_set1_ps(vb), c = _mm256_set1_ps(vc);
  __m256 a0 = S256(0), a1 = S256(1), a2 = S256(2), a3 = S256(3), a4 = S256(4), a5 = S256(5), a6 = S256(6), a7 = S256(7), a8 = S256(8), a9 = S256(9);
  double t = now();
  for (long i = 0; i < ITERS; i++) {
    a0 = _mm256_fmadd_ps(a0, b, c); a1 = _mm256_fmadd_ps(a1, b, c);
    a2 = _mm256_fmadd_ps(a2, b, c); a3 = _mm256_fmadd_ps(a3, b, c);
    a4 = _mm256_fmadd_ps(a4, b, c); a5 = _mm256_fmadd_ps(a5, b, c);
    a6 = _mm256_fmadd_ps(a6, b, c); a7 = _mm256_fmadd_ps(a7, b, c);
    a8 = _mm256_fmadd_ps(a8, b, c); a9 = _mm256_fmadd_ps(a9, b, c);
  }
  t = now() - t;
  __m256 s = _mm256_add_ps(_mm256_add_ps(_mm256_add_ps(a0, a1), _mm256_add_ps(a2, a3)),
                           _mm256_add_ps(_mm256_add_ps(a4, a5), _mm256_add_ps(_mm256_add_ps(a6, a7), _mm256_add_ps(a8, a9))));
  float out[8];
  _mm256_storeu_ps(out, s);
  sink = out[0];
  return ITERS * 10.0 * 8 * 2 / t / 1e9;
}

static double fma128(void) {
  __m128 b = _mm_set1_ps(vb), c = _mm_set1_ps(vc);
  __m128 a0 = S128(0), a1 = S128(1), a2 = S128(2), a3 = S128(3), a4 = S128(4), a5 = S128(5), a6 = S128(6), a7 = S128(7), a8 = S128(8), a9 = S128(9);
  double t = now();
  for (long i = 0; i < ITERS; i++) {
    a0 = _mm_fmadd_ps(a0, b, c); a1 = _mm_fmadd_ps(a1, b, c);
    a2 = _mm_fmadd_ps(a2, b, c); a3 = _mm_fmadd_ps(a3, b, c);
    a4 = _mm_fmadd_ps(a4, b, c); a5 = _mm_fmadd_ps(a5, b, c);
    a6 = _mm_fmadd_ps(a6, b, c); a7 = _mm_fmadd_ps(a7, b, c);
    a8 = _mm_fmadd_ps(a8, b, c); a9 = _mm_fmadd_ps(a9, b, c);
  }
  t = now() - t;
  __m128 s = _mm_add_ps(_mm_add_ps(_mm_add_ps(a0, a1), _mm_add_ps(a2, a3)),
                        _mm_add_ps(_mm_add_ps(a4, a5), _mm_add_ps(_mm_add_ps(a6, a7), _mm_add_ps(a8, a9))));
  sink = _mm_cvtss_f32(s);
  return ITERS * 10.0 * 4 * 2 / t / 1e9;
}

// fp-contract off: with -mfma GCC would otherwise fuse the multiply and add into one FMA.
__attribute__((optimize("fp-contract=off")))
static double muladd128(void) {
  __m128 b = _mm_set1_ps(vb), c = _mm_set1_ps(vc);
  __m128 a0 = S128(0), a1 = S128(1), a2 = S128(2), a3 = S128(3), a4 = S128(4), a5 = S128(5), a6 = S128(6), a7 = S128(7), a8 = S128(8), a9 = S128(9), a10 = S128(10), a11 = S128(11);
  double t = now();
  for (long i = 0; i < ITERS; i++) {
    a0 = _mm_add_ps(_mm_mul_ps(a0, b), c); a1 = _mm_add_ps(_mm_mul_ps(a1, b), c);
    a2 = _mm_add_ps(_mm_mul_ps(a2, b), c); a3 = _mm_add_ps(_mm_mul_ps(a3, b), c);
    a4 = _mm_add_ps(_mm_mul_ps(a4, b), c); a5 = _mm_add_ps(_mm_mul_ps(a5, b), c);
    a6 = _mm_add_ps(_mm_mul_ps(a6, b), c); a7 = _mm_add_ps(_mm_mul_ps(a7, b), c);
    a8 = _mm_add_ps(_mm_mul_ps(a8, b), c); a9 = _mm_add_ps(_mm_mul_ps(a9, b), c);
    a10 = _mm_add_ps(_mm_mul_ps(a10, b), c); a11 = _mm_add_ps(_mm_mul_ps(a11, b), c);
  }
  t = now() - t;
  __m128 s = _mm_add_ps(_mm_add_ps(_mm_add_ps(a0, a1), _mm_add_ps(a2, a3)),
                        _mm_add_ps(_mm_add_ps(_mm_add_ps(a4, a5), _mm_add_ps(a6, a7)),
                                   _mm_add_ps(_mm_add_ps(a8, a9), _mm_add_ps(a10, a11))));
  sink = _mm_cvtss_f32(s);
  return ITERS * 12.0 * 4 * 2 / t / 1e9;
}

// Best of a few runs: the ceiling, not an average with the other tenants of a shared machine.
static double best(double (*f)(void)) {
  double b = 0;
  for (int r = 0; r < 5; r++) {
    double g = f();
    if (g > b) b = g;
  }
  return b;
}

int main(void) {
  double f256 = best(fma256), f128 = best(fma128), m128 = best(muladd128);
  printf("{\"fma256\":%.2f,\"fma128\":%.2f,\"muladd128\":%.2f}\n", f256, f128, m128);
  return 0;
}
