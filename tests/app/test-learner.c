/* test-learner.c: the learner's choice of the reward model's embedding weight, its row
 * cache, and DPO under the KL budget.
 *
 * A simulated artist picks each grid's favourite by one column of the learner's own rows:
 * a base-embedding column or a codec feature. With the embedding's weight chosen among a
 * small and a full one by held-out log-likelihood, the fit must keep the embedding at full
 * weight for the first taste and shrink it for the second; with one grid there is nothing
 * to hold out, and the configured weight stays.
 */
#include <glib.h>
#include <math.h>
#include <string.h>

#include "atl-domain.h"
#include "atl-generator.h"
#include "atl-learner.h"
#include "tiny-model.h"

enum { GRIDS = 12, G = 8, N = GRIDS * G };

typedef struct
{
  AtlPolicy   *base;
  AtlTokenSet *works;
  AtlLearner  *learner;
  float       *rows;    /* (N, D) */
  int          D, F;
} Fixture;

static void
setup (Fixture       *f,
       gconstpointer  data)
{
  const AtlCodec *codec = atl_domain_get_codec (ATL_DOMAIN_MUSIC);
  g_autoptr(GError) error = NULL;
  g_autoptr(AtlGenerator) gen = NULL;
  AtlLearnerConfig config;
  guint64 seeds[N];

  f->base = tiny_policy (ATL_DOMAIN_MUSIC, 32, 5);
  f->works = atl_token_set_new ();
  gen = atl_generator_new (f->base, codec, &error);
  g_assert_no_error (error);
  for (int i = 0; i < N; i++)
    seeds[i] = 1000 + (guint64) i;
  g_assert_true (atl_generator_sample (gen, NULL, NULL, 0, N, seeds, 1.0f, 1.0f, f->works,
                                       NULL, &error));
  g_assert_no_error (error);

  atl_learner_config_init (&config, codec);
  config.n_reference = 0;
  config.cv_folds = 0;
  config.reward.embed_scale = 0.5f;
  config.embed_choices[0] = 0.05f;
  config.embed_choices[1] = 1.0f;
  config.n_embed_choices = 2;
  f->learner = atl_learner_new (codec, f->base, &config, 7, &error);
  g_assert_no_error (error);
  f->D = atl_learner_get_row_width (f->learner);
  f->F = codec->n_features;
  f->rows = g_new (float, (gsize) N * f->D);
  g_assert_true (atl_learner_rows (f->learner, f->works, f->rows, &error));
  g_assert_no_error (error);
}

static void
teardown (Fixture       *f,
          gconstpointer  data)
{
  atl_learner_free (f->learner);
  atl_token_set_free (f->works);
  atl_policy_free (f->base);
  g_free (f->rows);
}

/* The column among first … last − 1 whose values vary most over the works. */
static int
widest_column (const Fixture *f,
               int            first,
               int            last)
{
  int best = first;
  double best_var = -1.0;

  for (int d = first; d < last; d++)
    {
      double s = 0.0, s2 = 0.0;

      for (int i = 0; i < N; i++)
        {
          s += f->rows[(gsize) i * f->D + d];
          s2 += (double) f->rows[(gsize) i * f->D + d] * f->rows[(gsize) i * f->D + d];
        }
      if (s2 / N - (s / N) * (s / N) > best_var)
        {
          best_var = s2 / N - (s / N) * (s / N);
          best = d;
        }
    }
  return best;
}

/* Each of the first grids' favourite (highest in column) beats the rest of its grid;
 * returns the fit's embedding weight. */
static float
fit_taste (Fixture *f,
           int      column,
           int      grids)
{
  g_autoptr(GError) error = NULL;
  AtlRewardPair pairs[N];
  AtlLearnerFitReport report;
  int n = 0;

  for (int g = 0; g < grids; g++)
    {
      int fav = g * G;

      for (int i = g * G; i < (g + 1) * G; i++)
        if (f->rows[(gsize) i * f->D + column] > f->rows[(gsize) fav * f->D + column])
          fav = i;
      for (int i = g * G; i < (g + 1) * G; i++)
        if (i != fav)
          pairs[n++] = (AtlRewardPair) { fav, i };
    }
  g_assert_true (atl_learner_fit (f->learner, f->works, pairs, n, &report, &error));
  g_assert_no_error (error);
  return report.embed_scale;
}

static void
test_embedding_taste (Fixture       *f,
                      gconstpointer  data)
{
  g_assert_cmpfloat (fit_taste (f, widest_column (f, f->F, f->D), GRIDS), ==, 1.0f);
}

static void
test_feature_taste (Fixture       *f,
                    gconstpointer  data)
{
  g_assert_cmpfloat (fit_taste (f, widest_column (f, 0, f->F), GRIDS), ==, 0.05f);
}

static void
test_one_grid (Fixture       *f,
               gconstpointer  data)
{
  g_assert_cmpfloat (fit_taste (f, widest_column (f, 0, f->F), 1), ==, 0.5f);
}

/* Rows come from the learner's cache once computed: the same rows again, whatever order
 * and company the works come in, the rows a fresh learner computes, and a new work among
 * known ones gets its own row, not a neighbour's. */
static void
test_rows_cached (Fixture       *f,
                  gconstpointer  data)
{
  const AtlCodec *codec = atl_domain_get_codec (ATL_DOMAIN_MUSIC);
  g_autoptr(GError) error = NULL;
  g_autoptr(AtlTokenSet) mixed = atl_token_set_new ();
  g_autoptr(AtlLearner) fresh = NULL;
  g_autofree float *again = g_new (float, (gsize) N * f->D);
  g_autofree float *cached = g_new (float, (gsize) N * f->D);
  g_autofree float *computed = g_new (float, (gsize) N * f->D);
  AtlLearnerConfig config;
  int n = 0;

  g_assert_true (atl_learner_rows (f->learner, f->works, again, &error));
  g_assert_no_error (error);
  g_assert_cmpmem (again, (gsize) N * f->D * sizeof (float), f->rows,
                   (gsize) N * f->D * sizeof (float));

  /* Every third work, backwards, then a work the learner has not seen. */
  for (int i = N - 1; i >= 0; i -= 3, n++)
    {
      guint len;
      const int *seq = atl_token_set_get (f->works, i, &len);

      atl_token_set_add (mixed, seq, len);
    }
  {
    g_autoptr(AtlGenerator) gen = atl_generator_new (f->base, codec, &error);
    guint64 seed = 99999;

    g_assert_no_error (error);
    g_assert_true (atl_generator_sample (gen, NULL, NULL, 0, 1, &seed, 1.0f, 1.0f, mixed,
                                         NULL, &error));
    g_assert_no_error (error);
    n++;
  }
  g_assert_true (atl_learner_rows (f->learner, mixed, cached, &error));
  g_assert_no_error (error);

  atl_learner_config_init (&config, codec);
  config.n_reference = 0;
  fresh = atl_learner_new (codec, f->base, &config, 7, &error);
  g_assert_no_error (error);
  g_assert_true (atl_learner_rows (fresh, mixed, computed, &error));
  g_assert_no_error (error);
  /* Close, not equal: a base forward's sums round differently in another batch. */
  for (gsize i = 0; i < (gsize) n * f->D; i++)
    g_assert_cmpfloat_with_epsilon (cached[i], computed[i], 1e-4 * (1.0 + fabs (computed[i])));
  g_assert_cmpmem (cached, f->D * sizeof (float), f->rows + (gsize) (N - 1) * f->D,
                   f->D * sizeof (float));
}

/* Mean KL to the base of 64 fresh works of policy, per work. */
static double
kl_to_base (Fixture   *f,
            AtlPolicy *policy)
{
  const AtlCodec *codec = atl_domain_get_codec (ATL_DOMAIN_MUSIC);
  enum { M = 64 };
  g_autoptr(GError) error = NULL;
  g_autoptr(AtlGenerator) gen = atl_generator_new (policy, codec, &error);
  g_autoptr(AtlTokenSet) works = atl_token_set_new ();
  int stride = codec->max_len, lens[M];
  g_autofree int *flat = g_new0 (int, (gsize) M * stride);
  guint64 seeds[M];
  float kl[M];
  double sum = 0.0;
  AtlMsg msg = { { 0 } };

  g_assert_no_error (error);
  for (int i = 0; i < M; i++)
    seeds[i] = 5000 + (guint64) i;
  g_assert_true (atl_generator_sample (gen, NULL, NULL, 0, M, seeds, 1.0f, 1.0f, works,
                                       NULL, &error));
  g_assert_no_error (error);
  for (int i = 0; i < M; i++)
    {
      guint len;
      const int *seq = atl_token_set_get (works, i, &len);

      memcpy (flat + (gsize) i * stride, seq, len * sizeof (int));
      lens[i] = (int) len;
    }
  g_assert_cmpint (atl_tuner_kl (policy, f->base, atl_learner_grammar_cb, (void *) codec, M,
                                 flat, stride, lens, kl, &msg), ==, ATL_OK);
  for (int i = 0; i < M; i++)
    sum += kl[i] / M;
  return sum;
}

/* DPO, fast (lr 4e-3) on a feature taste for 20 steps, under kl_budget: the tuned copy
 * of the base and the run's report. */
static AtlPolicy *
dpo_tuned (Fixture              *f,
           float                 kl_budget,
           AtlLearnerTuneReport *report)
{
  const AtlCodec *codec = atl_domain_get_codec (ATL_DOMAIN_MUSIC);
  g_autoptr(GError) error = NULL;
  g_autoptr(AtlLearner) learner = NULL;
  AtlLearnerConfig config;
  AtlLearnerFitReport fit;
  AtlRewardPair pairs[N];
  AtlPolicy *policy;
  AtlMsg msg;
  int column = widest_column (f, 0, f->F), n = 0;

  atl_learner_config_init (&config, codec);
  config.method = ATL_LEARNER_DPO;
  config.n_reference = 16;
  config.cv_folds = 0;
  config.tuner.lr = 4e-3f;
  config.tuner.probe_every = 5;
  config.tuner.kl_budget = kl_budget;
  config.tuner.diversity_floor = 0.0f;
  learner = atl_learner_new (codec, f->base, &config, 7, &error);
  g_assert_no_error (error);
  for (int g = 0; g < GRIDS; g++)
    {
      int fav = g * G;

      for (int i = g * G; i < (g + 1) * G; i++)
        if (f->rows[(gsize) i * f->D + column] > f->rows[(gsize) fav * f->D + column])
          fav = i;
      for (int i = g * G; i < (g + 1) * G; i++)
        if (i != fav)
          pairs[n++] = (AtlRewardPair) { fav, i };
    }
  g_assert_true (atl_learner_fit (learner, f->works, pairs, n, &fit, &error));
  g_assert_no_error (error);

  g_assert_cmpint (atl_policy_new (atl_policy_get_config (f->base), &policy, &msg), ==,
                   ATL_OK);
  memcpy (atl_policy_get_params (policy), atl_policy_get_params (f->base),
          atl_policy_get_n_params (f->base) * sizeof (float));
  g_assert_true (atl_learner_tune (learner, policy, NULL, NULL, NULL, report, &error));
  g_assert_no_error (error);
  return policy;
}

/* DPO runs under the KL budget RLOO has: unbounded, the same run walks far from the base;
 * with a budget it stops, hands back weights that passed a check, and says so. A check's
 * KL is a 16-sample estimate, so the weights handed back are measured again on 64. */
static void
test_dpo_budget (Fixture       *f,
                 gconstpointer  data)
{
  const float budget = 1.5f;
  AtlLearnerTuneReport free_run, bounded;
  g_autoptr(AtlPolicy) drifted = dpo_tuned (f, 1e6f, &free_run);
  g_autoptr(AtlPolicy) kept = dpo_tuned (f, budget, &bounded);
  double kl_free = kl_to_base (f, drifted), kl_kept = kl_to_base (f, kept);

  g_test_message ("KL unbounded %.3f (reported %.3f), bounded %.3f (reported %.3f, stop %d "
                  "after %d steps)", kl_free, free_run.last.kl, kl_kept, bounded.last.kl,
                  bounded.stopped, bounded.steps);
  g_assert_cmpint (free_run.steps, ==, 20);
  g_assert_cmpint (free_run.stopped, ==, 0);
  g_assert_cmpfloat (kl_free, >, 2.0 * budget);
  /* The finish's KL is measured, not the 0 a DPO step reports. */
  g_assert_cmpfloat (free_run.last.kl, >, 2.0 * budget);
  g_assert_cmpint (bounded.stopped, ==, 1);
  g_assert_cmpint (bounded.steps, <, 20);
  g_assert_cmpfloat (bounded.last.kl, >, 0.0f);
  g_assert_cmpfloat (bounded.last.kl, <=, budget);
  g_assert_cmpfloat (kl_kept, <, kl_free / 2.0);
}

int
main (int    argc,
      char **argv)
{
  g_test_init (&argc, &argv, NULL);
  g_test_add ("/app/learner/embed-choice/embedding-taste", Fixture, NULL, setup,
              test_embedding_taste, teardown);
  g_test_add ("/app/learner/embed-choice/feature-taste", Fixture, NULL, setup,
              test_feature_taste, teardown);
  g_test_add ("/app/learner/embed-choice/one-grid", Fixture, NULL, setup, test_one_grid,
              teardown);
  g_test_add ("/app/learner/rows-cached", Fixture, NULL, setup, test_rows_cached, teardown);
  g_test_add ("/app/learner/dpo-budget", Fixture, NULL, setup, test_dpo_budget, teardown);
  return g_test_run ();
}
