/* Independent oracle for src/random/generator.ts: splitmix32 seeding, xoshiro128**, 53-bit
 * uniforms and Marsaglia's polar normals, in C with libm's log. Prints the values pinned in
 * test/random/generator.test.ts.  Build and run:  cc -O2 -o /tmp/xo xoshiro.c -lm && /tmp/xo */
#include <math.h>
#include <stdint.h>
#include <stdio.h>

static uint32_t s[4];
static uint32_t rotl(uint32_t x, int k) { return (x << k) | (x >> (32 - k)); }
static uint32_t next(void) {
  uint32_t result = rotl(s[1] * 5, 7) * 9, t = s[1] << 9;
  s[2] ^= s[0]; s[3] ^= s[1]; s[1] ^= s[2]; s[0] ^= s[3]; s[2] ^= t; s[3] = rotl(s[3], 11);
  return result;
}
static uint32_t sm;
static uint32_t splitmix32(void) {
  sm += 0x9e3779b9u;
  uint32_t z = sm;
  z = (z ^ (z >> 16)) * 0x85ebca6bu;
  z = (z ^ (z >> 13)) * 0xc2b2ae35u;
  return z ^ (z >> 16);
}
static void seed(uint32_t lo) { sm = lo; for (int i = 0; i < 4; i++) s[i] = splitmix32(); }
static double uniform(void) { uint32_t hi = next() >> 5, lo = next() >> 6; return (hi * 67108864.0 + lo) / 9007199254740992.0; }
static double spare; static int has_spare = 0;
static double normal(void) {
  if (has_spare) { has_spare = 0; return spare; }
  for (;;) {
    double u = 2 * uniform() - 1, v = 2 * uniform() - 1, q = u * u + v * v;
    if (q >= 1 || q == 0) continue;
    double m = sqrt(-2 * log(q) / q);
    spare = v * m; has_spare = 1;
    return u * m;
  }
}
int main(void) {
  seed(0);
  uint32_t x = next(), y = next(), z = next(); /* sequenced: argument order is unspecified */
  printf("uint32: %u %u %u\n", x, y, z);
  seed(0);
  double a = normal(), b = normal(), c = normal();
  printf("normals: %.12f %.12f %.12f\n", a, b, c);
  return 0;
}
