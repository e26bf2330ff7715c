/* atl-reward-head.c: one reward head — scoring, the Bradley–Terry objective and its
 * gradient, input attributions (see atl-reward-private.h). */
#include "atl-reward-private.h"

#include <cblas.h>
#include <math.h>
#include <string.h>

#define GELU_K 0.7978845608028654f  /* √(2/π) */

static inline float
act_forward (AtlRewardActivation act,
             float               z)
{
  if (act == ATL_REWARD_ACT_TANH)
    return tanhf (z);
  return 0.5f * z * (1.0f + tanhf (GELU_K * (z + 0.044715f * z * z * z)));
}

/* d act / dz, given z and a = act(z). */
static inline float
act_backward (AtlRewardActivation act,
              float               z,
              float               a)
{
  float t;

  if (act == ATL_REWARD_ACT_TANH)
    return 1.0f - a * a;
  t = tanhf (GELU_K * (z + 0.044715f * z * z * z));
  return 0.5f * (1.0f + t)
         + 0.5f * z * (1.0f - t * t) * GELU_K * (1.0f + 3.0f * 0.044715f * z * z);
}

size_t
_atl_reward_head_size (AtlRewardHeadKind head,
                       int               dim,
                       int               hidden)
{
  if (head == ATL_REWARD_HEAD_LINEAR)
    return (size_t) dim;
  return (size_t) hidden * dim + 2 * (size_t) hidden;
}

void
_atl_reward_head_init (AtlRewardHeadKind head,
                       int               dim,
                       int               hidden,
                       float            *theta,
                       AtlRng           *rng)
{
  if (head == ATL_REWARD_HEAD_LINEAR)
    {
      memset (theta, 0, (size_t) dim * sizeof (float));
      return;
    }
  /* Pre-activations of unit variance on standardised inputs; a non-zero output layer so
   * the start is not the saddle at θ = 0. */
  {
    float sw = 1.0f / sqrtf ((float) dim), sv = 1.0f / sqrtf ((float) hidden);
    float *w = theta, *b = theta + (size_t) hidden * dim, *v = b + hidden;

    for (size_t i = 0; i < (size_t) hidden * dim; i++)
      w[i] = sw * atl_rng_normal (rng);
    for (int j = 0; j < hidden; j++)
      b[j] = 0.1f * atl_rng_normal (rng);
    for (int j = 0; j < hidden; j++)
      v[j] = sv * atl_rng_normal (rng);
  }
}

/* MLP forward: z = x·Wᵀ + b, a = act(z), r = a·v. */
static void
mlp_forward (AtlRewardActivation act,
             int                 dim,
             int                 hidden,
             const float        *theta,
             const float        *x,   /* (n, D) */
             int                 n,
             float              *r,   /* (n) */
             float              *z,   /* (n, HID) */
             float              *a)   /* (n, HID) */
{
  const float *w = theta, *b = theta + (size_t) hidden * dim, *v = b + hidden;

  cblas_sgemm (CblasRowMajor, CblasNoTrans, CblasTrans, n, hidden, dim,
               1.0f, x, dim, w, dim, 0.0f, z, hidden);
  for (int i = 0; i < n; i++)
    {
      float *zi = z + (size_t) i * hidden, *ai = a + (size_t) i * hidden;
      float ri = 0.0f;

      for (int j = 0; j < hidden; j++)
        {
          zi[j] += b[j];
          ai[j] = act_forward (act, zi[j]);
          ri += ai[j] * v[j];
        }
      r[i] = ri;
    }
}

void
_atl_reward_head_score (AtlRewardHeadKind   head,
                        AtlRewardActivation act,
                        int                 dim,
                        int                 hidden,
                        const float        *theta,
                        const float        *x,
                        int                 n,
                        float              *r,
                        float              *z,
                        float              *a)
{
  if (n <= 0)
    return;
  if (head == ATL_REWARD_HEAD_LINEAR)
    cblas_sgemv (CblasRowMajor, CblasNoTrans, n, dim, 1.0f, x, dim, theta, 1, 0.0f, r, 1);
  else
    mlp_forward (act, dim, hidden, theta, x, n, r, z, a);
}

/* Given gr = dJ/dr (n), accumulates dJ/dθ of the data term into grad (overwrites). For
 * the MLP, a is turned into dJ/dz in place. */
static void
head_backward (const AtlRewardProblem *pb,
               const float            *theta,
               float                  *grad)
{
  int n = pb->n_works, dim = pb->dim, hid = pb->hidden;

  if (pb->head == ATL_REWARD_HEAD_LINEAR)
    {
      /* dJ/dw = Xᵀ·gr */
      cblas_sgemv (CblasRowMajor, CblasTrans, n, dim, 1.0f, pb->x, dim, pb->gr, 1,
                   0.0f, grad, 1);
      return;
    }
  {
    const float *v = theta + (size_t) hid * dim + hid;
    float *dw = grad, *db = grad + (size_t) hid * dim, *dv = db + hid;

    memset (db, 0, 2 * (size_t) hid * sizeof (float));
    for (int i = 0; i < n; i++)
      {
        float g = pb->gr[i];
        const float *zi = pb->z + (size_t) i * hid;
        float *ai = pb->a + (size_t) i * hid;

        for (int j = 0; j < hid; j++)
          {
            dv[j] += g * ai[j];
            ai[j] = g * v[j] * act_backward (pb->act, zi[j], ai[j]);  /* now dJ/dz */
            db[j] += ai[j];
          }
      }
    /* dJ/dW = dZᵀ·X: (HID, N)·(N, D) */
    cblas_sgemm (CblasRowMajor, CblasTrans, CblasNoTrans, hid, dim, n,
                 1.0f, pb->a, hid, pb->x, dim, 0.0f, dw, dim);
  }
}

double
_atl_reward_head_objective (void        *problem,
                            const float *theta,
                            float       *grad)
{
  AtlRewardProblem *pb = problem;
  size_t n_theta = _atl_reward_head_size (pb->head, pb->dim, pb->hidden);
  /* Biases are not penalised: for the MLP, fc.b sits between fc.w and out.w. */
  size_t n_fcw = pb->head == ATL_REWARD_HEAD_LINEAR ? n_theta : (size_t) pb->hidden * pb->dim;
  double loss = 0.0, sq = 0.0;

  _atl_reward_head_score (pb->head, pb->act, pb->dim, pb->hidden, theta, pb->x,
                          pb->n_works, pb->r, pb->z, pb->a);
  if (grad)
    memset (pb->gr, 0, (size_t) pb->n_works * sizeof (float));
  for (int p = 0; p < pb->n_pairs; p++)
    {
      int w = pb->win[p], l = pb->lose[p];
      double delta = (double) pb->r[w] - pb->r[l], e = exp (-fabs (delta));

      /* −log σ(δ) = softplus(−δ) = max(−δ, 0) + log1p(e^−|δ|); its derivative in δ is
       * −σ(−δ), from the same exponential. */
      loss += pb->coef[p] * (fmax (-delta, 0.0) + log1p (e));
      if (grad)
        {
          double sig = delta >= 0.0 ? e / (1.0 + e) : 1.0 / (1.0 + e);
          float d = (float) (-pb->coef[p] * sig);

          pb->gr[w] += d;
          pb->gr[l] -= d;
        }
    }

  for (size_t i = 0; i < n_fcw; i++)
    sq += (double) theta[i] * theta[i];
  if (pb->head == ATL_REWARD_HEAD_MLP)
    for (size_t i = n_fcw + pb->hidden; i < n_theta; i++)
      sq += (double) theta[i] * theta[i];
  loss += 0.5 * pb->l2 * sq;

  if (grad)
    {
      head_backward (pb, theta, grad);
      for (size_t i = 0; i < n_fcw; i++)
        grad[i] += pb->l2 * theta[i];
      if (pb->head == ATL_REWARD_HEAD_MLP)
        for (size_t i = n_fcw + pb->hidden; i < n_theta; i++)
          grad[i] += pb->l2 * theta[i];
    }
  return loss;
}

void
_atl_reward_head_input_grad (AtlRewardHeadKind   head,
                             AtlRewardActivation act,
                             int                 dim,
                             int                 hidden,
                             const float        *theta,
                             const float        *x,
                             int                 n,
                             float              *out,
                             float              *z,
                             float              *a)
{
  if (n <= 0)
    return;
  if (head == ATL_REWARD_HEAD_LINEAR)
    {
      /* ∂r/∂x = w everywhere. */
      for (int c = 0; c < dim; c++)
        out[c] += theta[c];
      return;
    }
  {
    /* ∂r/∂x_i = Wᵀ (v ⊙ act'(z_i)), so its mean over rows is Wᵀ·m with
     * m_j = mean_i v_j act'(z_ij); a's first row holds m. */
    const float *w = theta, *b = theta + (size_t) hidden * dim, *v = b + hidden;
    float *m = a;

    cblas_sgemm (CblasRowMajor, CblasNoTrans, CblasTrans, n, hidden, dim,
                 1.0f, x, dim, w, dim, 0.0f, z, hidden);
    for (int j = 0; j < hidden; j++)
      {
        double s = 0.0;

        for (int i = 0; i < n; i++)
          {
            float zij = z[(size_t) i * hidden + j] + b[j];

            s += act_backward (act, zij, act_forward (act, zij));
          }
        m[j] = (float) (v[j] * s / n);
      }
    /* out += Wᵀ·m: (D, HID)·(HID) */
    cblas_sgemv (CblasRowMajor, CblasTrans, hidden, dim, 1.0f, w, dim, m, 1, 1.0f, out, 1);
  }
}
