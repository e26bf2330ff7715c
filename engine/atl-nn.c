/* atl-nn.c: the element-wise and row-wise ops (embedding, LayerNorm, linear, GELU,
 * log-softmax gather, masked cross-entropy). Attention lives in atl-nn-attention.c.
 *
 * Dimension legend: B batch, T time, C channels, V vocab, N = B·T rows, OC output
 * channels. Every backward accumulates into its gradients (see atl-nn.h).
 */
#include "atl-nn.h"

#include <cblas.h>
#include <math.h>
#include <stdint.h>
#include <string.h>

#include "atl-nn-private.h"

static int nn_threads = 1;

void
atl_nn_set_threads (int n_threads)
{
  nn_threads = n_threads > 0 ? n_threads : 1;
  openblas_set_num_threads (nn_threads);
}

int
atl_nn_get_threads (void)
{
  return nn_threads;
}

#ifndef NDEBUG
ATL_NN_HOT int
atl_nn_all_finite (const float *x,
                   size_t       n)
{
  /* A float is finite unless its exponent bits are all ones. An OR of integer flags
   * vectorizes; a float sum (the check before) did not, and the asserts on every
   * forward's logits cost 1% of a tuning round. */
  uint32_t bad = 0;

  for (size_t i = 0; i < n; i++)
    {
      uint32_t u;

      memcpy (&u, x + i, sizeof u);
      bad |= (u & 0x7f800000u) == 0x7f800000u;
    }
  return !bad;
}
#endif

ATL_NN_HOT void
atl_nn_embedding_forward (float       *out,
                          const int   *tokens,
                          const float *wte,
                          const float *wpe,
                          int B, int T, int C)
{
  /* b indexes sequences, t positions: one row of out per token. */
  for (int b = 0; b < B; b++)
    for (int t = 0; t < T; t++)
      {
        float *o = out + ((size_t) b * T + t) * C;
        const float *e = wte + (size_t) tokens[b * T + t] * C;
        const float *p = wpe + (size_t) t * C;

        for (int c = 0; c < C; c++)
          o[c] = e[c] + p[c];
      }
}

ATL_NN_HOT void
atl_nn_embedding_backward (float       *dwte,
                           float       *dwpe,
                           const float *dout,
                           const int   *tokens,
                           int B, int T, int C)
{
  for (int b = 0; b < B; b++)
    for (int t = 0; t < T; t++)
      {
        const float *d = dout + ((size_t) b * T + t) * C;
        float *de = dwte + (size_t) tokens[b * T + t] * C;
        float *dp = dwpe + (size_t) t * C;

        for (int c = 0; c < C; c++)
          {
            de[c] += d[c];
            dp[c] += d[c];
          }
      }
}

ATL_NN_HOT void
atl_nn_layernorm_forward (float       *out,
                          float       *mean,
                          float       *rstd,
                          const float *inp,
                          const float *weight,
                          const float *bias,
                          int N, int C)
{
  for (int i = 0; i < N; i++)
    {
      const float *x = inp + (size_t) i * C;
      float *o = out + (size_t) i * C;
      float m, v, s;

      m = atl_sum (x, C) / C;
      /* Two passes, through out: the variance of x − mean does not cancel. */
      for (int c = 0; c < C; c++)
        o[c] = x[c] - m;
      v = atl_dot (o, o, C) / C;
      s = 1.0f / sqrtf (v + 1e-5f);
      for (int c = 0; c < C; c++)
        o[c] = o[c] * s * weight[c] + bias[c];
      mean[i] = m;
      rstd[i] = s;
    }
}

ATL_NN_HOT void
atl_nn_layernorm_backward (float       *dinp,
                           float       *dweight,
                           float       *dbias,
                           const float *dout,
                           const float *inp,
                           const float *weight,
                           const float *mean,
                           const float *rstd,
                           int N, int C)
{
  for (int i = 0; i < N; i++)
    {
      const float *d = dout + (size_t) i * C;
      const float *x = inp + (size_t) i * C;
      float *dx = dinp + (size_t) i * C;
      float m = mean[i], s = rstd[i];
      float dnorm_mean = 0.0f, dnorm_norm_mean = 0.0f;
      float acc_mean[8] = { 0 }, acc_norm[8] = { 0 };
      int j = 0;

      /* The two reductions of the LayerNorm gradient (llm.c doc/layernorm), with eight
       * partial sums each so they vectorize. */
      for (; j + 8 <= C; j += 8)
        for (int u = 0; u < 8; u++)
          {
            float dnorm = weight[j + u] * d[j + u];

            acc_mean[u] += dnorm;
            acc_norm[u] += dnorm * (x[j + u] - m) * s;
          }
      for (; j < C; j++)
        {
          float dnorm = weight[j] * d[j];

          dnorm_mean += dnorm;
          dnorm_norm_mean += dnorm * (x[j] - m) * s;
        }
      for (int u = 0; u < 8; u++)
        {
          dnorm_mean += acc_mean[u];
          dnorm_norm_mean += acc_norm[u];
        }
      dnorm_mean /= C;
      dnorm_norm_mean /= C;
      for (int c = 0; c < C; c++)
        {
          float norm = (x[c] - m) * s;
          float dnorm = weight[c] * d[c];

          dbias[c] += d[c];
          dweight[c] += norm * d[c];
          dx[c] += (dnorm - dnorm_mean - norm * dnorm_norm_mean) * s;
        }
    }
}

ATL_NN_HOT void
atl_nn_linear_forward (float       *out,
                       const float *inp,
                       const float *weight,
                       const float *bias,
                       int N, int C, int OC,
                       int accumulate)
{
  float beta = accumulate ? 1.0f : 0.0f;

  /* The bias goes in first so that sgemm adds the product on top with beta = 1. */
  if (bias != NULL)
    {
      for (int i = 0; i < N; i++)
        {
          float *o = out + (size_t) i * OC;

          if (accumulate)
            for (int j = 0; j < OC; j++)
              o[j] += bias[j];
          else
            memcpy (o, bias, (size_t) OC * sizeof (float));
        }
      beta = 1.0f;
    }
  cblas_sgemm (CblasRowMajor, CblasNoTrans, CblasTrans, N, OC, C,
               1.0f, inp, C, weight, C, beta, out, OC);
}

ATL_NN_HOT void
atl_nn_linear_backward (float       *dinp,
                        float       *dweight,
                        float       *dbias,
                        const float *dout,
                        const float *inp,
                        const float *weight,
                        int N, int C, int OC)
{
  if (dinp != NULL)
    cblas_sgemm (CblasRowMajor, CblasNoTrans, CblasNoTrans, N, C, OC,
                 1.0f, dout, OC, weight, C, 1.0f, dinp, C);
  cblas_sgemm (CblasRowMajor, CblasTrans, CblasNoTrans, OC, C, N,
               1.0f, dout, OC, inp, C, 1.0f, dweight, C);
  if (dbias != NULL)
    for (int i = 0; i < N; i++)
      {
        const float *d = dout + (size_t) i * OC;

        for (int j = 0; j < OC; j++)
          dbias[j] += d[j];
      }
}

#define GELU_SCALE 0.7978845608028654f   /* sqrt(2/pi) */
#define GELU_CUBIC 0.044715f

ATL_NN_HOT void
atl_nn_gelu_forward (float       *out,
                     float       *th,
                     const float *inp,
                     size_t n)
{
  /* Two loops rather than a test inside one, so each vectorizes. */
  if (th != NULL)
    for (size_t i = 0; i < n; i++)
      {
        float x = inp[i];
        float t = atl_fast_tanhf (GELU_SCALE * (x + GELU_CUBIC * x * x * x));

        out[i] = 0.5f * x * (1.0f + t);
        th[i] = t;
      }
  else
    for (size_t i = 0; i < n; i++)
      {
        float x = inp[i];

        out[i] = 0.5f * x * (1.0f + atl_fast_tanhf (GELU_SCALE * (x + GELU_CUBIC * x * x * x)));
      }
}

static inline float
gelu_grad (float x,
           float t)
{
  float dinner = GELU_SCALE * (1.0f + 3.0f * GELU_CUBIC * x * x);

  return 0.5f * (1.0f + t) + 0.5f * x * (1.0f - t * t) * dinner;
}

ATL_NN_HOT void
atl_nn_gelu_backward (float       *dinp,
                      const float *inp,
                      const float *th,
                      const float *dout,
                      size_t n)
{
  /* In place (dinp == dout) the gradient replaces dout; otherwise it accumulates. */
  float keep = dinp == dout ? 0.0f : 1.0f;

  if (th != NULL)
    for (size_t i = 0; i < n; i++)
      dinp[i] = keep * dinp[i] + gelu_grad (inp[i], th[i]) * dout[i];
  else
    for (size_t i = 0; i < n; i++)
      {
        float x = inp[i];
        float t = atl_fast_tanhf (GELU_SCALE * (x + GELU_CUBIC * x * x * x));

        dinp[i] = keep * dinp[i] + gelu_grad (x, t) * dout[i];
      }
}

ATL_NN_HOT void
atl_nn_logprob_forward (float       *logp,
                        float       *probs,
                        const float *logits,
                        const int   *targets,
                        int N, int V)
{
  for (int i = 0; i < N; i++)
    {
      const float *l = logits + (size_t) i * V;
      float *p = probs + (size_t) i * V;
      float max = atl_max (l, V), sum, inv;

      for (int v = 0; v < V; v++)
        p[v] = atl_fast_expf (l[v] - max);
      sum = atl_sum (p, V);
      inv = 1.0f / sum;
      for (int v = 0; v < V; v++)
        p[v] *= inv;
      logp[i] = targets[i] >= 0 ? l[targets[i]] - max - logf (sum) : 0.0f;
    }
}

ATL_NN_HOT void
atl_nn_logprob_backward (float       *dlogits,
                         const float *dlogp,
                         const float *probs,
                         const int   *targets,
                         int N, int V)
{
  /* d logp / d logit_v = [v = target] − p_v. */
  for (int i = 0; i < N; i++)
    {
      const float *p = probs + (size_t) i * V;
      float *dl = dlogits + (size_t) i * V;
      float g = dlogp[i];

      if (targets[i] < 0 || g == 0.0f)
        continue;
      for (int v = 0; v < V; v++)
        dl[v] -= g * p[v];
      dl[targets[i]] += g;
    }
}

float
atl_nn_crossentropy_forward (const float *logp,
                             const float *mask,
                             int N)
{
  double num = 0.0, den = 0.0;

  for (int i = 0; i < N; i++)
    {
      double m = mask != NULL ? mask[i] : 1.0;

      num -= m * logp[i];
      den += m;
    }
  return den > 0.0 ? (float) (num / den) : 0.0f;
}

void
atl_nn_crossentropy_backward (float       *dlogp,
                              const float *mask,
                              float        dloss,
                              int N)
{
  double den = 0.0;
  float scale;

  for (int i = 0; i < N; i++)
    den += mask != NULL ? mask[i] : 1.0;
  if (den <= 0.0)
    return;
  scale = (float) (dloss / den);
  for (int i = 0; i < N; i++)
    dlogp[i] -= (mask != NULL ? mask[i] : 1.0f) * scale;
}
