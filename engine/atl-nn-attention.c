/* atl-nn-attention.c: causal multi-head self-attention, forward and backward.
 *
 * Each (sequence, head) pair is two or three sgemm calls on strided views of the packed
 * qkv buffer, with the causal softmax in between; nothing is copied or allocated.
 *
 * Dimension legend: B batch, T time, C channels, NH heads, hs = C / NH head size.
 */
#include "atl-nn.h"

#include <cblas.h>
#include <math.h>
#include <string.h>

#include "atl-nn-private.h"

ATL_NN_HOT void
atl_nn_attention_forward (float       *out,
                          float       *att,
                          const float *qkv,
                          int B, int T, int C, int NH)
{
  int hs = C / NH;
  int C3 = 3 * C;
  float scale = 1.0f / sqrtf ((float) hs);

  /* b indexes sequences, h heads; att_bh is the (T,T) score matrix of one pair. */
  for (int b = 0; b < B; b++)
    for (int h = 0; h < NH; h++)
      {
        const float *q = qkv + (size_t) b * T * C3 + h * hs;
        const float *k = q + C;
        const float *v = q + 2 * C;
        float *att_bh = att + ((size_t) b * NH + h) * T * T;
        float *out_bh = out + (size_t) b * T * C + h * hs;

        /* Scores for all pairs; the part above the diagonal is overwritten below. */
        cblas_sgemm (CblasRowMajor, CblasNoTrans, CblasTrans, T, T, hs,
                     scale, q, C3, k, C3, 0.0f, att_bh, T);
        for (int t = 0; t < T; t++)
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
        cblas_sgemm (CblasRowMajor, CblasNoTrans, CblasNoTrans, T, hs, T,
                     1.0f, att_bh, T, v, C3, 0.0f, out_bh, C);
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

        /* datt = dout · vᵀ and dv += attᵀ · dout. */
        cblas_sgemm (CblasRowMajor, CblasNoTrans, CblasTrans, T, T, hs,
                     1.0f, dout_bh, C, v, C3, 0.0f, scratch, T);
        cblas_sgemm (CblasRowMajor, CblasTrans, CblasNoTrans, T, hs, T,
                     1.0f, att_bh, T, dout_bh, C, 1.0f, dv, C3);
        /* Softmax backward in place: dpre = att ⊙ (datt − Σ att·datt), times the scale;
         * zero above the diagonal so the products below ignore it. */
        for (int t = 0; t < T; t++)
          {
            const float *a = att_bh + (size_t) t * T;
            float *d = scratch + (size_t) t * T;
            float dot = atl_dot (a, d, t + 1);

            for (int j = 0; j <= t; j++)
              d[j] = a[j] * (d[j] - dot) * scale;
            memset (d + t + 1, 0, (size_t) (T - t - 1) * sizeof (float));
          }
        /* dq += dpre · k and dk += dpreᵀ · q. */
        cblas_sgemm (CblasRowMajor, CblasNoTrans, CblasNoTrans, T, hs, T,
                     1.0f, scratch, T, k, C3, 1.0f, dq, C3);
        cblas_sgemm (CblasRowMajor, CblasTrans, CblasNoTrans, T, hs, T,
                     1.0f, scratch, T, q, C3, 1.0f, dk, C3);
      }
}
