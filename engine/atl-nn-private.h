/* atl-nn-private.h: fast, vectorizable exp and tanh shared by the nn ops and the sampler.
 *
 * glibc's expf and tanhf are scalar calls; in softmax and GELU they would cost as much as
 * the matrix products around them. These inline versions have no branches, so GCC
 * vectorizes the loops that call them. Both are accurate to a few ulp over the range the
 * ops use (checked against double precision in test-nn).
 */
#pragma once

#include <stdint.h>
#include <string.h>

/* The element-wise loops are compiled twice, for x86-64 baseline and for x86-64-v3 (AVX2,
 * FMA; not "arch=haswell", whose resolver asks for an Intel Haswell by model), and
 * the loader picks per machine (an ifunc); OpenBLAS does the same for its kernels. */
#if defined(__GNUC__) && !defined(__clang__) && defined(__x86_64__)
#define ATL_NN_HOT __attribute__ ((target_clones ("arch=x86-64-v3", "default")))
#else
#define ATL_NN_HOT
#endif

/* Σ a[i]·b[i] with eight partial sums, so the loop vectorizes without -ffast-math. */
static inline float
atl_dot (const float *a,
         const float *b,
         int          n)
{
  float acc[8] = { 0 };
  float sum = 0.0f;
  int i = 0;

  for (; i + 8 <= n; i += 8)
    for (int u = 0; u < 8; u++)
      acc[u] += a[i + u] * b[i + u];
  for (; i < n; i++)
    sum += a[i] * b[i];
  for (int u = 0; u < 8; u++)
    sum += acc[u];
  return sum;
}

/* Σ a[i], the same way. */
static inline float
atl_sum (const float *a,
         int          n)
{
  float acc[8] = { 0 };
  float sum = 0.0f;
  int i = 0;

  for (; i + 8 <= n; i += 8)
    for (int u = 0; u < 8; u++)
      acc[u] += a[i + u];
  for (; i < n; i++)
    sum += a[i];
  for (int u = 0; u < 8; u++)
    sum += acc[u];
  return sum;
}

/* max a[i], n ≥ 1. */
static inline float
atl_max (const float *a,
         int          n)
{
  float acc[8];
  float max = a[0];
  int i = 0;

  for (int u = 0; u < 8; u++)
    acc[u] = a[0];
  for (; i + 8 <= n; i += 8)
    for (int u = 0; u < 8; u++)
      acc[u] = a[i + u] > acc[u] ? a[i + u] : acc[u];
  for (; i < n; i++)
    max = a[i] > max ? a[i] : max;
  for (int u = 0; u < 8; u++)
    max = acc[u] > max ? acc[u] : max;
  return max;
}

/* e^x for x in [-87, 88]; outside it the input is clamped (a softmax never needs more). */
static inline float
atl_fast_expf (float x)
{
  float n, r, p;
  int32_t bits;
  float scale;

  x = x < -87.0f ? -87.0f : x;
  x = x > 88.0f ? 88.0f : x;
  /* Round x·log2(e) to the nearest integer with the 1.5·2²³ trick (no roundps on SSE2). */
  n = (x * 1.44269504088896341f + 12582912.0f) - 12582912.0f;
  /* Cody–Waite reduction: r = x − n·ln2 in two parts keeps r exact. */
  r = x - n * 0.693359375f;
  r = r + n * 2.12194440e-4f;
  /* Cephes expf polynomial on [−ln2/2, ln2/2]. */
  p = 1.9875691500e-4f;
  p = p * r + 1.3981999507e-3f;
  p = p * r + 8.3334519073e-3f;
  p = p * r + 4.1665795894e-2f;
  p = p * r + 1.6666665459e-1f;
  p = p * r + 5.0000001201e-1f;
  p = p * r * r + r + 1.0f;
  bits = ((int32_t) n + 127) << 23;
  memcpy (&scale, &bits, sizeof scale);
  return p * scale;
}

/* tanh as Eigen's rational approximation (generic_fast_tanh_float): 13/6 odd/even
 * polynomials on [−7.9, 7.9], where float tanh is ±1 outside. */
static inline float
atl_fast_tanhf (float x)
{
  const float clamp = 7.90531110763549805f;
  float x2, p, q;

  x = x < -clamp ? -clamp : x;
  x = x > clamp ? clamp : x;
  x2 = x * x;
  p = -2.76076847742355e-16f;
  p = p * x2 + 2.00018790482477e-13f;
  p = p * x2 + -8.60467152213735e-11f;
  p = p * x2 + 5.12229709037114e-08f;
  p = p * x2 + 1.48572235717979e-05f;
  p = p * x2 + 6.37261928875436e-04f;
  p = p * x2 + 4.89352455891786e-03f;
  p = p * x;
  q = 1.19825839466702e-06f;
  q = q * x2 + 1.18534705686654e-04f;
  q = q * x2 + 2.26843463243900e-03f;
  q = q * x2 + 4.89352518554385e-03f;
  return p / q;
}
