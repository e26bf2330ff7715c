/* atl-reward-eval.c: how good the reward model is and what it learned — k-fold held-out
 * accuracy and the top features with signs (see atl-reward.h). Uses only the public API.
 *
 * Dimension legend: N works, D columns, P pairs, k folds.
 */
#include "atl-reward.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static int
find_root (int *parent,
           int  i)
{
  while (parent[i] != i)
    i = parent[i] = parent[parent[i]];
  return i;
}

/* Folds of whole components, per work; returns the number of components, or −1 without
 * memory. Works no pair mentions get fold −1. */
static int
component_folds (const AtlRewardPair *pairs,
                 int                  n_pairs,
                 int                  n_works,
                 int                  k,
                 AtlRng              *rng,
                 int                 *out_fold)
{
  int *parent = malloc ((size_t) n_works * sizeof (int));
  int *id = malloc ((size_t) n_works * sizeof (int));
  int *size = calloc ((size_t) n_works, sizeof (int));
  int *order = malloc ((size_t) n_works * sizeof (int));
  int *fold_of = malloc ((size_t) n_works * sizeof (int));
  int *load = calloc ((size_t) k, sizeof (int));
  int n_comp = -1;

  if (!parent || !id || !size || !order || !fold_of || !load)
    goto out;
  for (int i = 0; i < n_works; i++)
    parent[i] = i, id[i] = -1;
  for (int p = 0; p < n_pairs; p++)
    parent[find_root (parent, pairs[p].winner)] = find_root (parent, pairs[p].loser);
  n_comp = 0;
  for (int p = 0; p < n_pairs; p++)
    {
      int r = find_root (parent, pairs[p].winner);

      if (id[r] < 0)
        id[r] = n_comp++;
      size[id[r]]++;
    }
  /* Components in random order, each to the fold holding the fewest pairs so far (with
   * fewer components than folds, some folds stay empty: leave one grid out). */
  for (int c = 0; c < n_comp; c++)
    order[c] = c;
  for (int c = n_comp - 1; c > 0; c--)
    {
      int q = (int) atl_rng_below (rng, (uint32_t) c + 1), t = order[c];

      order[c] = order[q];
      order[q] = t;
    }
  for (int r = 0; r < n_comp; r++)
    {
      int c = order[r], best = 0;

      for (int f = 1; f < k; f++)
        if (load[f] < load[best])
          best = f;
      fold_of[c] = best;
      load[best] += size[c];
    }
  for (int w = 0; w < n_works; w++)
    {
      int r = find_root (parent, w);

      out_fold[w] = id[r] >= 0 ? fold_of[id[r]] : -1;
    }

out:
  free (parent);
  free (id);
  free (size);
  free (order);
  free (fold_of);
  free (load);
  return n_comp;
}

/* One component: the works themselves in random order, rank mod k. */
static int
shuffled_folds (const AtlRewardPair *pairs,
                int                  n_pairs,
                int                  n_works,
                int                  k,
                AtlRng              *rng,
                int                 *out_fold)
{
  int *perm = malloc ((size_t) n_works * sizeof (int));
  int used = 0;

  if (!perm)
    return -1;
  for (int w = 0; w < n_works; w++)
    out_fold[w] = -1;
  for (int p = 0; p < n_pairs; p++)
    out_fold[pairs[p].winner] = out_fold[pairs[p].loser] = 0;
  for (int w = 0; w < n_works; w++)
    if (out_fold[w] == 0)
      perm[used++] = w;
  /* Fisher–Yates */
  for (int i = used - 1; i > 0; i--)
    {
      int q = (int) atl_rng_below (rng, (uint32_t) i + 1), t = perm[i];

      perm[i] = perm[q];
      perm[q] = t;
    }
  for (int rank = 0; rank < used; rank++)
    out_fold[perm[rank]] = rank % k;
  free (perm);
  return 0;
}

AtlStatus
atl_reward_assign_folds (const AtlRewardPair *pairs,
                         int                  n_pairs,
                         int                  n_works,
                         int                  k,
                         AtlRng              *rng,
                         int                 *out_fold,
                         AtlMsg              *msg)
{
  int n_comp;

  if (k < 2 || n_pairs < k)
    return atl_fail (msg, ATL_ERR_INVALID, "reward model: %d-fold validation needs k >= 2 and "
                     "at least k comparisons (have %d)", k, n_pairs);
  for (int p = 0; p < n_pairs; p++)
    if (pairs[p].winner < 0 || pairs[p].winner >= n_works || pairs[p].loser < 0
        || pairs[p].loser >= n_works)
      return atl_fail (msg, ATL_ERR_RANGE, "reward model: pair %d names work %d or %d, "
                       "outside 0 … %d", p, pairs[p].winner, pairs[p].loser, n_works - 1);
  n_comp = component_folds (pairs, n_pairs, n_works, k, rng, out_fold);
  if (n_comp == 1)
    n_comp = shuffled_folds (pairs, n_pairs, n_works, k, rng, out_fold);
  if (n_comp < 0)
    return atl_fail (msg, ATL_ERR_NOMEM, "reward model: out of memory for %d folds", k);
  return ATL_OK;
}

/* Both scores of one k-fold split; out_log_lik may be NULL. */
static AtlStatus
cross_validate (const AtlRewardConfig *config,
                const float           *works,
                int                    n_works,
                const AtlRewardPair   *pairs,
                int                    n_pairs,
                const float           *weights,
                int                    k,
                AtlRng                *rng,
                float                 *out_accuracy,
                float                 *out_fold_acc,
                float                 *out_log_lik,
                AtlMsg                *msg)
{
  AtlReward *model = NULL;
  AtlRewardPair *train = NULL;
  float *tw = NULL, *mean = NULL;
  int *fold = NULL;
  double hit_all = 0.0, w_all = 0.0, ll_all = 0.0;
  AtlStatus status;

  if (!works || !pairs || !rng || !out_accuracy || n_works < 2)
    return atl_fail (msg, ATL_ERR_INVALID, "reward model: cross-validation needs works (>= 2), "
                     "pairs, an rng and out_accuracy");
  if ((status = atl_reward_new (config, &model, msg)) != ATL_OK)
    return status;
  fold = malloc ((size_t) n_works * sizeof (int));
  train = malloc ((size_t) n_pairs * sizeof (AtlRewardPair));
  tw = malloc ((size_t) n_pairs * sizeof (float));
  mean = malloc ((size_t) n_works * sizeof (float));
  if (!fold || !train || !tw || !mean)
    {
      status = atl_fail (msg, ATL_ERR_NOMEM, "reward model: out of memory for %d-fold "
                         "validation", k);
      goto out;
    }
  if ((status = atl_reward_assign_folds (pairs, n_pairs, n_works, k, rng, fold, msg))
      != ATL_OK)
    goto out;

  for (int f = 0; f < k; f++)
    {
      double hit = 0.0, wsum = 0.0;
      int nt = 0, nh = 0;

      for (int p = 0; p < n_pairs; p++)
        {
          int in_w = fold[pairs[p].winner] == f, in_l = fold[pairs[p].loser] == f;

          nh += in_w && in_l;
          if (!in_w && !in_l)
            {
              tw[nt] = weights ? weights[p] : 1.0f;
              train[nt++] = pairs[p];
            }
        }
      if (nh == 0 || nt == 0)
        {
          /* Nothing held out (an empty fold), or nothing left to fit on without showing
           * the model a held-out work (one grid: its favourite is in every pair). */
          if (out_fold_acc)
            out_fold_acc[f] = NAN;
          continue;
        }
      if ((status = atl_reward_fit (model, works, n_works, train, nt, tw, rng, NULL, msg))
          != ATL_OK)
        goto out;
      /* Scores every work, including ones only the held-out fold mentions: they are
       * standardised with the training fold's statistics, as new works will be. */
      if ((status = atl_reward_predict (model, works, n_works, mean, NULL, NULL, msg))
          != ATL_OK)
        goto out;
      for (int p = 0; p < n_pairs; p++)
        if (fold[pairs[p].winner] == f && fold[pairs[p].loser] == f)
          {
            double om = weights ? weights[p] : 1.0;
            float mw = mean[pairs[p].winner], ml = mean[pairs[p].loser];
            double d = (double) mw - ml;

            hit += om * (mw > ml ? 1.0 : mw == ml ? 0.5 : 0.0);
            /* log σ(d) = −softplus(−d), stable for either sign. */
            ll_all -= om * (fmax (-d, 0.0) + log1p (exp (-fabs (d))));
            wsum += om;
          }
      if (out_fold_acc)
        out_fold_acc[f] = wsum > 0.0 ? (float) (hit / wsum) : NAN;
      hit_all += hit;
      w_all += wsum;
    }
  *out_accuracy = w_all > 0.0 ? (float) (hit_all / w_all) : NAN;
  if (out_log_lik != NULL)
    *out_log_lik = w_all > 0.0 ? (float) (ll_all / w_all) : NAN;

out:
  atl_reward_free (model);
  free (fold);
  free (train);
  free (tw);
  free (mean);
  return status;
}

AtlStatus
atl_reward_cross_validate (const AtlRewardConfig *config,
                           const float           *works,
                           int                    n_works,
                           const AtlRewardPair   *pairs,
                           int                    n_pairs,
                           const float           *weights,
                           int                    k,
                           AtlRng                *rng,
                           float                 *out_accuracy,
                           float                 *out_fold_acc,
                           AtlMsg                *msg)
{
  return cross_validate (config, works, n_works, pairs, n_pairs, weights, k, rng,
                         out_accuracy, out_fold_acc, NULL, msg);
}

AtlStatus
atl_reward_cross_validate_log_lik (const AtlRewardConfig *config,
                                   const float           *works,
                                   int                    n_works,
                                   const AtlRewardPair   *pairs,
                                   int                    n_pairs,
                                   const float           *weights,
                                   int                    k,
                                   AtlRng                *rng,
                                   float                 *out_log_lik,
                                   AtlMsg                *msg)
{
  float accuracy;

  if (out_log_lik == NULL)
    return atl_fail (msg, ATL_ERR_INVALID, "reward model: out_log_lik is required");
  return cross_validate (config, works, n_works, pairs, n_pairs, weights, k, rng, &accuracy,
                         NULL, out_log_lik, msg);
}

int
atl_reward_top_features (const AtlReward    *model,
                         const char * const *names,
                         int                 features_only,
                         int                 k,
                         AtlRewardFeature   *out)
{
  const AtlRewardConfig *cfg = atl_reward_get_config (model);
  const float *attr = atl_reward_get_attribution (model);
  int n = features_only ? cfg->n_features : cfg->n_features + cfg->n_embed;
  int written = 0;

  if (!atl_reward_is_fitted (model) || k <= 0)
    return 0;
  /* Selection of the k largest |attribution| (k is small), ties to the lower index. */
  while (written < k && written < n)
    {
      int best = -1;

      for (int c = 0; c < n; c++)
        {
          int taken = 0;

          for (int j = 0; j < written && !taken; j++)
            taken = out[j].index == c;
          if (!taken && (best < 0 || fabsf (attr[c]) > fabsf (attr[best])))
            best = c;
        }
      out[written].index = best;
      out[written].name = names ? names[best] : NULL;
      out[written].weight = attr[best];
      written++;
    }
  return written;
}

void
atl_reward_format_top (const AtlReward    *model,
                       const char * const *names,
                       int                 k,
                       char               *buf,
                       size_t              len)
{
  AtlRewardFeature top[16];
  size_t used = 0;
  int n;

  if (len == 0)
    return;
  buf[0] = '\0';
  n = atl_reward_top_features (model, names, 1, k < 16 ? k : 16, top);
  for (int i = 0; i < n; i++)
    {
      char item[160], fallback[32];
      const char *name = top[i].name;
      int wrote;

      if (!name)
        {
          snprintf (fallback, sizeof fallback, "feature %d", top[i].index);
          name = fallback;
        }
      wrote = snprintf (item, sizeof item, "%s%s %s", i ? ", " : "", name,
                        top[i].weight >= 0.0f ? "\u2191" : "\u2193");
      /* Whole entries only, so a short buffer never ends inside a UTF-8 arrow. */
      if (wrote < 0 || (size_t) wrote >= sizeof item || used + (size_t) wrote >= len)
        break;
      memcpy (buf + used, item, (size_t) wrote + 1);
      used += (size_t) wrote;
    }
}
