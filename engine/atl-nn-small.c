/* atl-nn-small.c: small-N linear layers on pre-transposed weights (see atl-nn-small.h).
 *
 * The kernel is written with GCC/Clang vector extensions (eight floats, unaligned) so it
 * compiles for any target; ATL_NN_HOT builds it for x86-64 baseline and x86-64-v3 (AVX2,
 * FMA), where a block of four rows × sixteen outputs is eight ymm accumulators, two
 * weight loads and four broadcasts per input channel.
 *
 * Dimension legend: N rows, C input channels, OC output channels; r a row of the block,
 * c an input channel, o an output.
 */
#include "atl-nn-small.h"

#include <stddef.h>
#include <string.h>

#include "atl-nn-private.h"

typedef float v8sf __attribute__ ((vector_size (32), aligned (4)));

enum { ROWS = 4, WIDE = 16 };

void
atl_nn_small_transpose (float       *wt,
                        const float *w,
                        int          OC,
                        int          C)
{
  /* Tiles of 8 × 8 so both sides stay in cache lines. */
  for (int o0 = 0; o0 < OC; o0 += 8)
    for (int c0 = 0; c0 < C; c0 += 8)
      for (int o = o0; o < o0 + 8 && o < OC; o++)
        for (int c = c0; c < c0 + 8 && c < C; c++)
          wt[(size_t) c * OC + o] = w[(size_t) o * C + c];
}

static inline __attribute__ ((always_inline)) void
store_16 (float *out,
          v8sf   a,
          v8sf   b,
          int    accumulate)
{
  v8sf *y = (v8sf *) out;

  y[0] = accumulate ? y[0] + a : a;
  y[1] = accumulate ? y[1] + b : b;
}

/* Four rows × outputs o0 … o0 + 15, the sums in named variables so they stay in registers
 * (an indexed array of them goes to the stack). Inlined so that each clone of the caller
 * gets its own vector code. */
static inline __attribute__ ((always_inline)) void
block_4x16 (float       *out,
            const float *inp,
            const float *wt,
            int          C,
            int          OC,
            int          o0,
            int          accumulate)
{
  v8sf a0 = { 0 }, b0 = { 0 }, a1 = { 0 }, b1 = { 0 };
  v8sf a2 = { 0 }, b2 = { 0 }, a3 = { 0 }, b3 = { 0 };
  const float *x0 = inp, *x1 = inp + C, *x2 = inp + 2 * C, *x3 = inp + 3 * C;

  for (int c = 0; c < C; c++)
    {
      const v8sf *w = (const v8sf *) (wt + (size_t) c * OC + o0);
      v8sf w0 = w[0], w1 = w[1];

      a0 += x0[c] * w0;
      b0 += x0[c] * w1;
      a1 += x1[c] * w0;
      b1 += x1[c] * w1;
      a2 += x2[c] * w0;
      b2 += x2[c] * w1;
      a3 += x3[c] * w0;
      b3 += x3[c] * w1;
    }
  store_16 (out + o0, a0, b0, accumulate);
  store_16 (out + OC + o0, a1, b1, accumulate);
  store_16 (out + 2 * OC + o0, a2, b2, accumulate);
  store_16 (out + 3 * OC + o0, a3, b3, accumulate);
}

/* One row × outputs o0 … o0 + 15: the last sixteen-wide strip of a row left after the
 * blocks of four, where the strip of 32 or 64 does not fit. */
static inline __attribute__ ((always_inline)) void
block_1x16 (float       *out,
            const float *inp,
            const float *wt,
            int          C,
            int          OC,
            int          o0,
            int          accumulate)
{
  v8sf a = { 0 }, b = { 0 };

  for (int c = 0; c < C; c++)
    {
      const v8sf *w = (const v8sf *) (wt + (size_t) c * OC + o0);

      a += inp[c] * w[0];
      b += inp[c] * w[1];
    }
  store_16 (out + o0, a, b, accumulate);
}

/* One row × outputs o0 … o0 + 63. Two sums, as block_1x16 keeps, wait on each FMA's
 * latency: a row alone ran at a fifth of four rows' speed. Eight independent sums keep
 * the FMA units busy, and each output still sums over c in order, as every block does,
 * so a row's numbers do not depend on the rows beside it. */
static inline __attribute__ ((always_inline)) void
block_1x64 (float       *out,
            const float *inp,
            const float *wt,
            int          C,
            int          OC,
            int          o0,
            int          accumulate)
{
  v8sf a0 = { 0 }, a1 = { 0 }, a2 = { 0 }, a3 = { 0 };
  v8sf a4 = { 0 }, a5 = { 0 }, a6 = { 0 }, a7 = { 0 };

  for (int c = 0; c < C; c++)
    {
      const v8sf *w = (const v8sf *) (wt + (size_t) c * OC + o0);
      float x = inp[c];

      a0 += x * w[0];
      a1 += x * w[1];
      a2 += x * w[2];
      a3 += x * w[3];
      a4 += x * w[4];
      a5 += x * w[5];
      a6 += x * w[6];
      a7 += x * w[7];
    }
  store_16 (out + o0, a0, a1, accumulate);
  store_16 (out + o0 + 16, a2, a3, accumulate);
  store_16 (out + o0 + 32, a4, a5, accumulate);
  store_16 (out + o0 + 48, a6, a7, accumulate);
}

/* Two rows × outputs o0 … o0 + 31: eight sums, as block_1x64. */
static inline __attribute__ ((always_inline)) void
block_2x32 (float       *out,
            const float *inp,
            const float *wt,
            int          C,
            int          OC,
            int          o0,
            int          accumulate)
{
  v8sf a0 = { 0 }, a1 = { 0 }, a2 = { 0 }, a3 = { 0 };
  v8sf b0 = { 0 }, b1 = { 0 }, b2 = { 0 }, b3 = { 0 };
  const float *x0 = inp, *x1 = inp + C;

  for (int c = 0; c < C; c++)
    {
      const v8sf *w = (const v8sf *) (wt + (size_t) c * OC + o0);
      v8sf w0 = w[0], w1 = w[1], w2 = w[2], w3 = w[3];

      a0 += x0[c] * w0;
      a1 += x0[c] * w1;
      a2 += x0[c] * w2;
      a3 += x0[c] * w3;
      b0 += x1[c] * w0;
      b1 += x1[c] * w1;
      b2 += x1[c] * w2;
      b3 += x1[c] * w3;
    }
  store_16 (out + o0, a0, a1, accumulate);
  store_16 (out + o0 + 16, a2, a3, accumulate);
  store_16 (out + OC + o0, b0, b1, accumulate);
  store_16 (out + OC + o0 + 16, b2, b3, accumulate);
}

/* Three rows × outputs o0 … o0 + 31: twelve sums. */
static inline __attribute__ ((always_inline)) void
block_3x32 (float       *out,
            const float *inp,
            const float *wt,
            int          C,
            int          OC,
            int          o0,
            int          accumulate)
{
  v8sf a0 = { 0 }, a1 = { 0 }, a2 = { 0 }, a3 = { 0 };
  v8sf b0 = { 0 }, b1 = { 0 }, b2 = { 0 }, b3 = { 0 };
  v8sf d0 = { 0 }, d1 = { 0 }, d2 = { 0 }, d3 = { 0 };
  const float *x0 = inp, *x1 = inp + C, *x2 = inp + 2 * C;

  for (int c = 0; c < C; c++)
    {
      const v8sf *w = (const v8sf *) (wt + (size_t) c * OC + o0);
      v8sf w0 = w[0], w1 = w[1], w2 = w[2], w3 = w[3];

      a0 += x0[c] * w0;
      a1 += x0[c] * w1;
      a2 += x0[c] * w2;
      a3 += x0[c] * w3;
      b0 += x1[c] * w0;
      b1 += x1[c] * w1;
      b2 += x1[c] * w2;
      b3 += x1[c] * w3;
      d0 += x2[c] * w0;
      d1 += x2[c] * w1;
      d2 += x2[c] * w2;
      d3 += x2[c] * w3;
    }
  store_16 (out + o0, a0, a1, accumulate);
  store_16 (out + o0 + 16, a2, a3, accumulate);
  store_16 (out + OC + o0, b0, b1, accumulate);
  store_16 (out + OC + o0 + 16, b2, b3, accumulate);
  store_16 (out + 2 * OC + o0, d0, d1, accumulate);
  store_16 (out + 2 * OC + o0 + 16, d2, d3, accumulate);
}

/* The R < 4 rows left after the blocks of four, over outputs 0 … wide − 1 (a multiple of
 * sixteen): strips as wide as R's block takes, then strips of sixteen a row at a time. */
static inline __attribute__ ((always_inline)) void
rows_left (float       *out,
           const float *inp,
           const float *wt,
           int          R,
           int          C,
           int          OC,
           int          wide,
           int          accumulate)
{
  int strip = R == 1 ? 64 : 32, o0 = 0;

  for (; o0 + strip <= wide; o0 += strip)
    if (R == 1)
      block_1x64 (out, inp, wt, C, OC, o0, accumulate);
    else if (R == 2)
      block_2x32 (out, inp, wt, C, OC, o0, accumulate);
    else
      block_3x32 (out, inp, wt, C, OC, o0, accumulate);
  for (; o0 < wide; o0 += WIDE)
    for (int r = 0; r < R; r++)
      block_1x16 (out + (size_t) r * OC, inp + (size_t) r * C, wt, C, OC, o0, accumulate);
}

/* The outputs left over after the blocks of sixteen, one at a time. */
static inline __attribute__ ((always_inline)) void
block_tail (float       *out,
            const float *inp,
            const float *wt,
            int          R,
            int          C,
            int          OC,
            int          o0,
            int          accumulate)
{
  for (int r = 0; r < R; r++)
    for (int o = o0; o < OC; o++)
      {
        float sum = 0.0f;

        for (int c = 0; c < C; c++)
          sum += inp[(size_t) r * C + c] * wt[(size_t) c * OC + o];
        out[(size_t) r * OC + o] = accumulate ? out[(size_t) r * OC + o] + sum : sum;
      }
}

ATL_NN_HOT void
atl_nn_small_linear_forward (float       *out,
                             const float *inp,
                             const float *wt,
                             const float *bias,
                             int          N,
                             int          C,
                             int          OC,
                             int          accumulate)
{
  int wide = OC - OC % WIDE, full = N - N % ROWS;

  /* Outputs outside, rows inside: a (C, 16) panel of the weights (8–32 KB) is read from
   * memory once per call and reused from L1 by every block of four rows. */
  for (int o0 = 0; o0 < wide; o0 += WIDE)
    for (int r0 = 0; r0 + ROWS <= full; r0 += ROWS)
      block_4x16 (out + (size_t) r0 * OC, inp + (size_t) r0 * C, wt, C, OC, o0, accumulate);
  if (full < N)
    rows_left (out + (size_t) full * OC, inp + (size_t) full * C, wt, N - full, C, OC, wide,
               accumulate);
  if (wide < OC)
    block_tail (out, inp, wt, N, C, OC, wide, accumulate);
  if (bias != NULL)
    for (int r = 0; r < N; r++)
      for (int j = 0; j < OC; j++)
        out[(size_t) r * OC + j] += bias[j];
}
