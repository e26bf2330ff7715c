/* atl-explore.c: choosing a grid from a scored pool.
 *
 * Dimension legend: n pool works, G grid cells (count), D reward-model row width.
 */
#include "atl-explore.h"

#include <math.h>
#include <string.h>

#include "atl-error.h"
#include "atl-preference-set.h"

/* The unchosen index with the largest key (the lower index on ties), or −1. */
static int
best_left (const float    *key,
           const gboolean *taken,
           int             n)
{
  int best = -1;

  for (int i = 0; i < n; i++)
    if (!taken[i] && (best < 0 || key[i] > key[best]))
      best = i;
  return best;
}

void
atl_explore_choose (const float *mean,
                    const float *spread,
                    int          n,
                    int          count,
                    double       exploration,
                    int         *out_index)
{
  g_autofree gboolean *taken = g_new0 (gboolean, n);
  int n_explore, k = 0;

  g_return_if_fail (count <= n);
  n_explore = (int) lround (CLAMP (exploration, 0.0, 1.0) * count);
  for (int c = 0; c < count; c++)
    {
      int i = best_left (c < count - n_explore ? mean : spread, taken, n);

      taken[i] = TRUE;
    }
  for (int i = 0; i < n; i++)
    if (taken[i])
      out_index[k++] = i;
}

gboolean
atl_explore_score (AtlLearner         *learner,
                   const AtlTokenSet  *works,
                   float              *out_mean,
                   float              *out_spread,
                   GError            **error)
{
  AtlReward *reward = atl_learner_get_reward (learner);
  int n = (int) atl_token_set_get_size (works), D = atl_learner_get_row_width (learner);
  g_autofree float *rows = g_new (float, (gsize) MAX (n, 1) * D);
  AtlMsg msg = { { 0 } };
  AtlStatus status;

  g_return_val_if_fail (reward != NULL, FALSE);
  if (!atl_learner_rows (learner, works, rows, error))
    return FALSE;
  status = atl_reward_predict (reward, rows, n, out_mean, out_spread, NULL, &msg);
  if (status != ATL_OK)
    return atl_set_engine_error (error, status, &msg);
  return TRUE;
}

gboolean
atl_explore_draw (AtlGenerator         *gen,
                  const AtlStylePrefix *style,
                  const int            *prompt,
                  int                   prompt_len,
                  int                   count,
                  guint64               seed,
                  float                 temperature,
                  float                 top_p,
                  AtlLearner           *ranker,
                  double                exploration,
                  AtlTokenSet          *out,
                  guint64              *out_seeds,
                  GError              **error)
{
  int n = ranker != NULL ? ATL_EXPLORE_POOL * count : count;
  g_autofree guint64 *seeds = g_new (guint64, n);
  g_autofree float *mean = NULL, *spread = NULL;
  g_autofree int *chosen = NULL;
  g_autoptr(AtlTokenSet) pool = NULL;

  for (int i = 0; i < n; i++)
    seeds[i] = seed + (guint64) i;
  if (ranker == NULL)
    {
      memcpy (out_seeds, seeds, (gsize) count * sizeof (guint64));
      return atl_generator_sample (gen, style, prompt, prompt_len, count, seeds, temperature,
                                   top_p, out, NULL, error);
    }

  pool = atl_token_set_new ();
  mean = g_new (float, n);
  spread = g_new (float, n);
  chosen = g_new (int, count);
  if (!atl_generator_sample (gen, style, prompt, prompt_len, n, seeds, temperature, top_p,
                             pool, NULL, error)
      || !atl_explore_score (ranker, pool, mean, spread, error))
    return FALSE;
  atl_explore_choose (mean, spread, n, count, exploration, chosen);
  for (int c = 0; c < count; c++)
    {
      guint len;
      const int *seq = atl_token_set_get (pool, chosen[c], &len);

      atl_token_set_add (out, seq, len);
      out_seeds[c] = seeds[chosen[c]];
    }
  return TRUE;
}

AtlLearner *
atl_explore_ranker_new (AtlStore          *store,
                        const AtlSession  *session,
                        AtlPolicy         *base,
                        GError           **error)
{
  const AtlCodec *codec = atl_domain_get_codec (session->domain);
  g_autoptr(GPtrArray) prefs = atl_store_list_preferences (store, session->id, error);
  g_autoptr(AtlTokenSet) works = atl_token_set_new ();
  g_autoptr(GArray) pairs = g_array_new (FALSE, FALSE, sizeof (AtlRewardPair));
  g_autoptr(AtlLearner) learner = NULL;
  AtlLearnerConfig config;
  AtlLearnerFitReport report;

  if (prefs == NULL)
    return NULL;
  atl_preference_set_collect (prefs, works, pairs);
  if (pairs->len == 0)
    return NULL;
  atl_learner_config_init (&config, codec);
  /* Ranking needs only the ensemble: no reference batch (it standardizes the tuner's
   * reward) and no held-out folds. */
  config.n_reference = 0;
  config.cv_folds = 0;
  learner = atl_learner_new (codec, base, &config, (guint64) session->id, error);
  if (learner == NULL
      || !atl_learner_fit (learner, works, (AtlRewardPair *) pairs->data, (int) pairs->len,
                           &report, error))
    return NULL;
  return g_steal_pointer (&learner);
}
