/* atl-nn-attention.c: causal multi-head self-attention, forward and backward.
 *
 * Each (sequence, head) pair is a few sgemm calls per block of query rows on strided views
 * of the packed qkv buffer, with the causal softmax in between; nothing is copied or
 * allocated.
 *
 * Dimension legend: B batch, T time, C channels, NH heads, hs = C / NH head size.
 */
#include "atl-nn.h"

#include <cblas.h>
#include <math.h>
#include <string.h>

#include "atl-nn-private.h"

/* Query rows go in blocks of BLOCK: block [i0, i1) needs the keys 0 … i1 − 1 only, so
 * every product covers the causal trapezoid, not the whole square (at T = 128 blocks of 32
 * do 62% of the square's work; long rows approach half). */
#define BLOCK 32

ATL_NN_HOT void
atl_nn_attention_forward (float       *out,
                          float       *att,
                          const float *qkv,
                          int B, int T, int C, int NH)
{
  int hs = C / NH;
  int C3 = 3 * C;
  float scale = 1.0f / sqrtf ((float) hs);

  /* b indexes sequences, h heads; att_bh is the (T,T) score matrix of one pair, whose
   * part above the diagonal is left zero. */
  for (int b = 0; b < B; b++)
    for (int h = 0; h < NH; h++)
      {
        const float *q = qkv + (size_t) b * T * C3 + h * hs;
        const float *k = q + C;
        const float *v = q + 2 * C;
        float *att_bh = att + ((size_t) b * NH + h) * T * T;
        float *out_bh = out + (size_t) b * T * C + h * hs;

        for (int i0 = 0; i0 < T; i0 += BLOCK)
          {
            int i1 = i0 + BLOCK < T ? i0 + BLOCK : T;

            cblas_sgemm (CblasRowMajor, CblasNoTrans, CblasTrans, i1 - i0, i1, hs,
                         scale, q + (size_t) i0 * C3, C3, k, C3, 0.0f,
                         att_bh + (size_t) i0 * T, T);
            for (int t = i0; t < i1; t++)
              {
                float *row = att_bh + (size_t) t * T;
                float max = atl_max (row, t + 1), inv;

                for (int j = 0; j <= t; j++)
                  row[j] = atl_fast_expf (row[j] - max);
                inv = 1.0f / atl_sum (row, t + 1);
                for (int j = 0; j <= t; j++)
                  row[j] *= inv;
                memset (row + t + 1, 0, (size_t) (T - t - 1) * sizeof (float));
              }
            cblas_sgemm (CblasRowMajor, CblasNoTrans, CblasNoTrans, i1 - i0, hs, i1,
                         1.0f, att_bh + (size_t) i0 * T, T, v, C3, 0.0f,
                         out_bh + (size_t) i0 * C, C);
          }
      }
}

ATL_NN_HOT void
atl_nn_attention_backward (float       *dqkv,
                           float       *scratch,
                           const float *dout,
                           const float *qkv,
                           const float *att,
                           int B, int T, int C, int NH)
{
  int hs = C / NH;
  int C3 = 3 * C;
  float scale = 1.0f / sqrtf ((float) hs);

  for (int b = 0; b < B; b++)
    for (int h = 0; h < NH; h++)
      {
        const float *q = qkv + (size_t) b * T * C3 + h * hs;
        const float *k = q + C;
        const float *v = q + 2 * C;
        float *dq = dqkv + (size_t) b * T * C3 + h * hs;
        float *dk = dq + C;
        float *dv = dq + 2 * C;
        const float *att_bh = att + ((size_t) b * NH + h) * T * T;
        const float *dout_bh = dout + (size_t) b * T * C + h * hs;

        /* Query block [i0, i1) against keys 0 … i1 − 1; scratch holds its rows of the
         * score gradient, (i1 − i0, i1) with stride T. */
        for (int i0 = 0; i0 < T; i0 += BLOCK)
          {
            int i1 = i0 + BLOCK < T ? i0 + BLOCK : T, m = i1 - i0;
            const float *a_blk = att_bh + (size_t) i0 * T;
            const float *dout_blk = dout_bh + (size_t) i0 * C;

            /* datt = dout · vᵀ and dv += attᵀ · dout. */
            cblas_sgemm (CblasRowMajor, CblasNoTrans, CblasTrans, m, i1, hs,
                         1.0f, dout_blk, C, v, C3, 0.0f, scratch, T);
            cblas_sgemm (CblasRowMajor, CblasTrans, CblasNoTrans, i1, hs, m,
                         1.0f, a_blk, T, dout_blk, C, 1.0f, dv, C3);
            /* Softmax backward in place: dpre = att ⊙ (datt − Σ att·datt), times the
             * scale; zero above the diagonal so the products below ignore it. */
            for (int t = i0; t < i1; t++)
              {
                const float *a = att_bh + (size_t) t * T;
                float *d = scratch + (size_t) (t - i0) * T;
                float dot = atl_dot (a, d, t + 1);

                for (int j = 0; j <= t; j++)
                  d[j] = a[j] * (d[j] - dot) * scale;
                memset (d + t + 1, 0, (size_t) (i1 - t - 1) * sizeof (float));
              }
            /* dq += dpre · k and dk += dpreᵀ · q. */
            cblas_sgemm (CblasRowMajor, CblasNoTrans, CblasNoTrans, m, hs, i1,
                         1.0f, scratch, T, k, C3, 1.0f, dq + (size_t) i0 * C3, C3);
            cblas_sgemm (CblasRowMajor, CblasTrans, CblasNoTrans, i1, hs, m,
                         1.0f, scratch, T, q + (size_t) i0 * C3, C3, 1.0f, dk, C3);
          }
      }
}
