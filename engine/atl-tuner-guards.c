/* atl-tuner-guards.c: what keeps a tuner run honest — the diversity probe (a fixed
 * batch's feature spread against the base's) and the end-of-run check of the last,
 * unmeasured update against the KL budget and the diversity floor.
 *
 * Dimension legend: NP probe rows, F features, B rows of a batch, T positions.
 */
#include "atl-tuner-private.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

/* Shared by both ways of setting the probe up: with base_std NULL the base's spread is
 * measured on NP fresh base samples, else copied (F). */
static AtlStatus
setup_probe (AtlTuner            *t,
             AtlTunerFeatureFunc  features,
             void                *features_user,
             int                  n_features,
             unsigned long long   probe_seed,
             const float         *base_std,
             AtlMsg              *msg)
{
  int NP = t->config.n_probe, F = n_features;
  AtlSampler *base_sampler = NULL;
  uint64_t *seeds;
  AtlStatus status;

  if (F < 1 || F > 4096)
    return atl_fail (msg, ATL_ERR_RANGE, "the probe needs 1 … 4096 features, not %d", F);
  free (t->probe_feat);
  free (t->probe_std);
  t->probe_feat = calloc ((size_t) NP * F, sizeof (float));
  t->probe_std = calloc (F, sizeof (float));
  seeds = calloc (NP, sizeof (uint64_t));
  t->features = NULL;
  if (t->probe_feat == NULL || t->probe_std == NULL || seeds == NULL)
    {
      free (seeds);
      return atl_fail (msg, ATL_ERR_NOMEM, "cannot allocate the probe");
    }
  if (base_std != NULL)
    {
      free (seeds);
      memcpy (t->probe_std, base_std, (size_t) F * sizeof (float));
      goto done;
    }
  for (int i = 0; i < NP; i++)
    seeds[i] = probe_seed + (uint64_t) i;
  status = atl_sampler_new (t->base, t->sample_cap, &base_sampler, msg);
  if (status == ATL_OK)
    status = _atl_tuner_sample (t, base_sampler, NP, 0, 1, seeds, msg);
  atl_sampler_free (base_sampler);
  free (seeds);
  if (status == ATL_OK)
    status = features (features_user, NP, t->tokens, t->L, t->lens, t->probe_feat, msg);
  if (status != ATL_OK)
    return status;

  /* f indexes features; the base's spread is the yardstick. */
  for (int f = 0; f < F; f++)
    {
      double s = 0.0, s2 = 0.0;

      for (int i = 0; i < NP; i++)
        {
          double x = t->probe_feat[(size_t) i * F + f];

          s += x;
          s2 += x * x;
        }
      s /= NP;
      t->probe_std[f] = (float) sqrt (fmax (s2 / NP - s * s, 0.0));
    }
done:
  t->features = features;
  t->features_user = features_user;
  t->F = F;
  t->probe_seed = probe_seed;
  return ATL_OK;
}

AtlStatus
atl_tuner_set_probe (AtlTuner            *t,
                     AtlTunerFeatureFunc  features,
                     void                *features_user,
                     int                  n_features,
                     unsigned long long   probe_seed,
                     AtlMsg              *msg)
{
  return setup_probe (t, features, features_user, n_features, probe_seed, NULL, msg);
}

AtlStatus
atl_tuner_set_probe_base (AtlTuner            *t,
                          AtlTunerFeatureFunc  features,
                          void                *features_user,
                          int                  n_features,
                          unsigned long long   probe_seed,
                          const float         *base_std,
                          AtlMsg              *msg)
{
  if (base_std == NULL)
    return atl_fail (msg, ATL_ERR_INVALID, "the probe's base spread is missing");
  return setup_probe (t, features, features_user, n_features, probe_seed, base_std, msg);
}

const float *
atl_tuner_get_probe_base (const AtlTuner *t)
{
  return t->features != NULL ? t->probe_std : NULL;
}

AtlStatus
atl_tuner_probe (AtlTuner *t,
                 float    *out_diversity,
                 AtlMsg   *msg)
{
  int NP = t->config.n_probe, F = t->F, used = 0;
  uint64_t *seeds;
  AtlStatus status;
  double log_sum = 0.0;

  if (t->features == NULL)
    return atl_fail (msg, ATL_ERR_INVALID, "the probe is not set up");
  seeds = calloc (NP, sizeof (uint64_t));
  if (seeds == NULL)
    return atl_fail (msg, ATL_ERR_NOMEM, "cannot allocate the probe");
  for (int i = 0; i < NP; i++)
    seeds[i] = t->probe_seed + (uint64_t) i;
  status = _atl_tuner_sample (t, t->sampler, NP, 0, 1, seeds, msg);
  free (seeds);
  if (status == ATL_OK)
    status = t->features (t->features_user, NP, t->tokens, t->L, t->lens, t->probe_feat,
                          msg);
  if (status != ATL_OK)
    return status;

  /* The geometric mean of per-feature std ratios: a collapse of a few features shows, and
   * one feature spreading wider cannot hide it (each ratio is clipped to [0.05, 2]). */
  for (int f = 0; f < F; f++)
    {
      double s = 0.0, s2 = 0.0, sd, ratio;

      if (t->probe_std[f] < 1e-6f)
        continue;
      for (int i = 0; i < NP; i++)
        {
          double x = t->probe_feat[(size_t) i * F + f];

          s += x;
          s2 += x * x;
        }
      s /= NP;
      sd = sqrt (fmax (s2 / NP - s * s, 0.0));
      ratio = fmin (fmax (sd / t->probe_std[f], 0.05), 2.0);
      log_sum += log (ratio);
      used++;
    }
  t->diversity = used > 0 ? (float) exp (log_sum / used) : 1.0f;
  *out_diversity = t->diversity;
  return ATL_OK;
}

AtlStatus
atl_tuner_finish (AtlTuner           *t,
                  AtlRng             *rng,
                  AtlTunerStepReport *report,
                  AtlMsg             *msg)
{
  const AtlTunerConfig *c = &t->config;
  AtlTunerBatch *bt = &t->batch;
  size_t n_params = atl_policy_get_n_params (t->policy);
  float *params = atl_policy_get_params (t->policy);
  int B = c->n_prompts * c->k;
  uint64_t seeds[1024];
  double kl = 0.0, row_kl[1024];
  AtlStatus status;

  report->stop = 0;
  report->diversity = t->diversity;
  for (int b = 0; b < B; b++)
    seeds[b] = atl_rng_next (rng);
  status = _atl_tuner_sample (t, t->sampler, B, 0, c->k, seeds, msg);
  if (status == ATL_OK)
    status = _atl_tuner_batch_fill (t, B, t->tokens, t->L, t->lens, t->plens, msg);
  if (status == ATL_OK)
    {
      _atl_tuner_batch_allowed (t, B);
      status = _atl_tuner_frozen (t, t->base, B, t->base_logp, NULL, NULL, msg);
    }
  /* Only measured, not trained on: the policy needs no activations either. */
  if (status == ATL_OK)
    status = _atl_tuner_frozen (t, t->policy, B, bt->logp, NULL, row_kl, msg);
  if (status != ATL_OK)
    return status;
  if (c->kl_exact)
    for (int b = 0; b < B; b++)
      kl += row_kl[b] / B;
  else
    for (size_t i = 0; i < (size_t) B * bt->T; i++)
      kl += bt->mask[i] * (bt->logp[i] - t->base_logp[i]) / B;
  report->kl = (float) kl;
  if (kl > c->kl_budget)
    report->stop = 1;
  if (report->stop == 0 && t->features != NULL && c->probe_every > 0)
    {
      status = atl_tuner_probe (t, &report->diversity, msg);
      if (status != ATL_OK)
        return status;
      if (report->diversity < c->diversity_floor)
        report->stop = 2;
    }
  /* report->kl ends as the KL of the weights the run hands back. */
  if (report->stop)
    {
      memcpy (params, t->good, n_params * sizeof (float));
      report->kl = t->good_kl;
    }
  else
    {
      memcpy (t->good, params, n_params * sizeof (float));
      t->good_kl = report->kl;
    }
  return ATL_OK;
}
