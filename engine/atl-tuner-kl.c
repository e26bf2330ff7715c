/* atl-tuner-kl.c: the exact KL to the base at every position (kl_exact).
 *
 * The sampled estimate Σ_t log π̃(x_t) − log π̃_base(x_t) is unbiased but noisy: over the
 * ~120 tokens of an art work one batch of 16 reads the KL with a standard error of 1–3
 * nats, so a policy near its target of 6 "passed" a budget of 10 every few steps and the
 * round stopped, and β chased the noise. Summing the whole next-token distributions'
 * KL(π̃ ‖ π̃_base) at each visited position instead (Rao–Blackwellized: the token drawn
 * there no longer matters) leaves only the noise of which contexts were visited. In the
 * loss its gradient, p_v·(log p_v − log b_v − KL_t) on every allowed logit, pulls the
 * whole distribution back to the base rather than the one token that was drawn.
 *
 * Dimension legend: B rows of a batch, T positions, L max_len, V vocab.
 */
#include "atl-tuner-private.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

AtlStatus
_atl_tuner_kl_new (AtlTuner *t,
                   AtlMsg   *msg)
{
  int V = atl_policy_get_config (t->policy)->vocab;
  int tokens = t->config.micro_tokens > 0 ? t->config.micro_tokens : ATL_TUNER_MICRO_TOKENS;
  size_t cells = (size_t) (tokens > t->L ? tokens : t->L) * V;

  if (!t->config.kl_exact)
    return ATL_OK;
  if (V > ATL_TUNER_KL_MAX_VOCAB)
    return atl_fail (msg, ATL_ERR_INVALID, "the exact KL takes at most %d tokens, not %d",
                     ATL_TUNER_KL_MAX_VOCAB, V);
  t->lsm_rows = t->config.n_prompts * t->config.k;
  t->base_lsm = malloc ((size_t) t->lsm_rows * t->L * V * sizeof (float));
  if (t->base_lsm == NULL)
    return atl_fail (msg, ATL_ERR_NOMEM, "cannot allocate the base's distributions");
  /* A lane's micro-batch holds at most max(micro_tokens, one whole row) positions. */
  for (int i = 0; i < ATL_TUNER_LANES && t->config.kl_in_loss; i++)
    {
      t->lanes[i].dz = malloc (cells * sizeof (float));
      if (t->lanes[i].dz == NULL)
        return atl_fail (msg, ATL_ERR_NOMEM, "cannot allocate the KL's gradient");
    }
  return ATL_OK;
}

void
_atl_tuner_kl_free (AtlTuner *t)
{
  free (t->base_lsm);
  for (int i = 0; i < ATL_TUNER_LANES; i++)
    free (t->lanes[i].dz);
}

/* log of the grammar-allowed softmax of z (V) into out (V); disallowed entries −∞. */
static void
masked_log_softmax (const float         *z,
                    const unsigned char *a,
                    int                  V,
                    float               *out)
{
  double mx = -INFINITY, se = 0.0, lse;

  for (int v = 0; v < V; v++)
    if (a == NULL || a[v])
      mx = z[v] > mx ? z[v] : mx;
  for (int v = 0; v < V; v++)
    if (a == NULL || a[v])
      se += exp (z[v] - mx);
  lse = mx + log (se);
  for (int v = 0; v < V; v++)
    out[v] = a == NULL || a[v] ? (float) (z[v] - lse) : -INFINITY;
}

static const unsigned char *
allowed_at (const AtlTuner *t,
            int             b,
            int             s,
            int             V)
{
  if (t->config.grammar == NULL)
    return NULL;
  return t->allowed + ((size_t) b * t->batch.T + s) * V;
}

void
_atl_tuner_kl_store_base (AtlTuner     *t,
                          AtlTunerLane *ln)
{
  const float *logits = atl_policy_get_logits (ln->model);
  int V = atl_policy_get_config (ln->model)->vocab, Tm = ln->micro.T;

  for (int r = 0; r < ln->n; r++)
    {
      int b = t->order[ln->first + r];

      if (b >= t->lsm_rows)
        continue;
      for (int s = 0; s < t->lens[b] - 1 && s < Tm; s++)
        masked_log_softmax (logits + ((size_t) r * Tm + s) * V, allowed_at (t, b, s, V), V,
                            t->base_lsm + ((size_t) b * t->batch.T + s) * V);
    }
}

double
_atl_tuner_kl_row (AtlTuner     *t,
                   AtlTunerLane *ln,
                   int           r,
                   float         scale)
{
  const AtlTunerBatch *mb = &ln->micro;
  const float *logits = atl_policy_get_logits (ln->model);
  int V = atl_policy_get_config (ln->model)->vocab, Tm = mb->T;
  int b = t->order[ln->first + r];
  float *dz = ln->dz != NULL && scale != 0.0f ? ln->dz + (size_t) r * Tm * V : NULL;
  float q[ATL_TUNER_KL_MAX_VOCAB], p[ATL_TUNER_KL_MAX_VOCAB];
  double kl = 0.0;

  if (dz != NULL)
    memset (dz, 0, (size_t) Tm * V * sizeof (float));
  if (b >= t->lsm_rows)
    return 0.0;
  for (int s = 0; s < Tm && s < t->lens[b] - 1; s++)
    {
      float m = mb->mask[(size_t) r * Tm + s];
      const unsigned char *a = allowed_at (t, b, s, V);
      const float *lb = t->base_lsm + ((size_t) b * t->batch.T + s) * V;
      double d = 0.0;

      if (m == 0.0f)
        continue;
      masked_log_softmax (logits + ((size_t) r * Tm + s) * V, a, V, q);
      /* q_v becomes log p_v − log b_v; d = Σ p_v·q_v is the KL at s. */
      for (int v = 0; v < V; v++)
        if (a == NULL || a[v])
          {
            p[v] = expf (q[v]);
            q[v] -= lb[v];
            d += p[v] * q[v];
          }
      kl += m * d;
      if (dz == NULL)
        continue;
      /* ∂KL_s/∂z_v = p_v·(log p_v − log b_v − KL_s); 0 where the grammar forbids v. */
      for (int v = 0; v < V; v++)
        if (a == NULL || a[v])
          dz[(size_t) s * V + v] = scale * m * p[v] * (q[v] - (float) d);
    }
  return kl;
}
