/* test-explore.c: a grid chosen from a pool — the split between the works the reward
 * model rates highest and those its heads disagree on; on a real store, a round drawn with
 * the session's ranker takes exactly those works of the pool, each still reproducible from
 * its own seed, and a session without comparisons has no ranker.
 *
 * The base is a small random music policy in a temp ATL_MODELS_DIR: the mechanism, not
 * the learning, is under test here (bench loop measures the learning).
 */
#include <glib.h>
#include <math.h>
#include <string.h>

#include "atl-base-models.h"
#include "atl-engine-autoptr.h"
#include "atl-error.h"
#include "atl-explore.h"
#include "atl-model.h"
#include "atl-round.h"
#include "store-helpers.h"
#include "tiny-model.h"

static char *models_dir;

static void
test_choose_split (void)
{
  /* Mean rises with the index, spread falls: the two shares come from opposite ends. */
  float mean[12], spread[12];
  int out[4];

  for (int i = 0; i < 12; i++)
    {
      mean[i] = (float) i;
      spread[i] = (float) (12 - i);
    }
  atl_explore_choose (mean, spread, 12, 4, 0.0, out);
  g_assert_cmpint (out[0], ==, 8);
  g_assert_cmpint (out[3], ==, 11);

  atl_explore_choose (mean, spread, 12, 4, 1.0, out);
  for (int c = 0; c < 4; c++)
    g_assert_cmpint (out[c], ==, c);

  /* 0.25 of 4: three by mean (9, 10, 11), one by spread (0), in pool order. */
  atl_explore_choose (mean, spread, 12, 4, 0.25, out);
  g_assert_cmpint (out[0], ==, 0);
  g_assert_cmpint (out[1], ==, 9);
  g_assert_cmpint (out[2], ==, 10);
  g_assert_cmpint (out[3], ==, 11);
}

static void
test_choose_overlap (void)
{
  /* The most uncertain works are also the best rated: exploration takes the next most
   * uncertain, never a work twice. Ties go to the lower index. */
  float mean[6] = { 5, 4, 0, 0, 0, 0 };
  float spread[6] = { 9, 8, 1, 1, 2, 0 };
  int out[4];

  atl_explore_choose (mean, spread, 6, 4, 0.5, out);
  g_assert_cmpint (out[0], ==, 0);
  g_assert_cmpint (out[1], ==, 1);
  g_assert_cmpint (out[2], ==, 2);
  g_assert_cmpint (out[3], ==, 4);

  /* count == n: the whole pool, whatever the ratio. */
  atl_explore_choose (mean, spread, 6, 6, 0.3, (int[6]) { 0 });
}

typedef struct
{
  StoreFixture s;
  AtlPolicy   *base;
} Fixture;

static void
setup (Fixture       *f,
       gconstpointer  data)
{
  f->base = tiny_policy (ATL_DOMAIN_MUSIC, 32, 3);
  g_free (save_policy (f->base, ATL_DOMAIN_MUSIC, models_dir, NULL));
  fixture_setup (&f->s);
}

static void
teardown (Fixture       *f,
          gconstpointer  data)
{
  atl_policy_free (f->base);
  fixture_teardown (&f->s);
}

/* Draws a plain grid of 8 and picks two favourites and a reject. */
static void
pick_one_round (Fixture          *f,
                const AtlSession *session)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(GArray) ids = g_array_new (FALSE, FALSE, sizeof (gint64));
  AtlRoundSpec spec;
  gint64 grid, fav[2], reject;

  atl_round_spec_init (&spec);
  spec.count = 8;
  spec.seed = 100;
  grid = atl_round_draw (f->s.store, session, f->base, session->current_version_id, &spec, ids,
                         &error);
  g_assert_no_error (error);
  fav[0] = g_array_index (ids, gint64, 1);
  fav[1] = g_array_index (ids, gint64, 6);
  reject = g_array_index (ids, gint64, 3);
  g_assert_true (atl_store_commit_picks (f->s.store, grid, fav, 2, &reject, 1, NULL, &error));
  g_assert_no_error (error);
}

static void
test_ranker_needs_comparisons (Fixture       *f,
                               gconstpointer  data)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(AtlSession) session = atl_store_get_session (f->s.store, f->s.session, &error);
  g_autoptr(AtlPolicy) base = NULL;
  AtlLearner *ranker;

  g_assert_no_error (error);
  base = atl_session_load_base (f->s.store, session, &error);
  g_assert_no_error (error);
  ranker = atl_explore_ranker_new (f->s.store, session, base, &error);
  g_assert_no_error (error);
  g_assert_null (ranker);
}

static void
test_round_from_pool (Fixture       *f,
                      gconstpointer  data)
{
  const AtlCodec *codec = atl_domain_get_codec (ATL_DOMAIN_MUSIC);
  g_autoptr(GError) error = NULL;
  g_autoptr(AtlSession) session = atl_store_get_session (f->s.store, f->s.session, &error);
  g_autoptr(AtlPolicy) base = NULL;
  g_autoptr(AtlLearner) ranker = NULL;
  g_autoptr(AtlGenerator) gen = NULL;
  g_autoptr(AtlTokenSet) pool = atl_token_set_new ();
  g_autoptr(GArray) ids = g_array_new (FALSE, FALSE, sizeof (gint64));
  g_autoptr(GPtrArray) works = NULL;
  enum { G = 6, N = ATL_EXPLORE_POOL * G, SEED = 5000 };
  guint64 seeds[N];
  float mean[N], spread[N];
  int want[G];
  AtlRoundSpec spec;
  gint64 grid;

  g_assert_no_error (error);
  pick_one_round (f, session);
  base = atl_session_load_base (f->s.store, session, &error);
  g_assert_no_error (error);
  ranker = atl_explore_ranker_new (f->s.store, session, base, &error);
  g_assert_no_error (error);
  g_assert_nonnull (ranker);
  {
    /* A ranker has no reference batch to standardize a tuner's reward with. */
    g_autoptr(AtlPolicy) copy = tiny_policy (ATL_DOMAIN_MUSIC, 32, 3);
    AtlLearnerTuneReport tune;
    GError *local = NULL;

    g_assert_false (atl_learner_tune (ranker, copy, NULL, NULL, NULL, &tune, &local));
    g_assert_error (local, ATL_ENGINE_ERROR, ATL_ERR_INVALID);
    g_clear_error (&local);
  }

  /* The pool as the round will draw it, and what the ranker makes of it. */
  for (int i = 0; i < N; i++)
    seeds[i] = SEED + (guint64) i;
  gen = atl_generator_new (base, codec, &error);
  g_assert_no_error (error);
  g_assert_true (atl_generator_sample (gen, NULL, NULL, 0, N, seeds, 1.0f, 1.0f, pool, NULL,
                                       &error));
  g_assert_true (atl_explore_score (ranker, pool, mean, spread, &error));
  g_assert_no_error (error);
  for (int i = 0; i < N; i++)
    {
      g_assert_true (isfinite (mean[i]));
      g_assert_cmpfloat (spread[i], >=, 0.0f);
    }
  atl_explore_choose (mean, spread, N, G, 0.5, want);
  /* Else a round that ignored the ranker would pass too. */
  g_assert_cmpint (want[G - 1], >=, G);

  atl_round_spec_init (&spec);
  spec.count = G;
  spec.seed = SEED;
  spec.ranker = ranker;
  spec.exploration = 0.5;
  grid = atl_round_draw (f->s.store, session, base, session->current_version_id, &spec, ids,
                         &error);
  g_assert_no_error (error);
  works = atl_store_list_grid_works (f->s.store, grid, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (works->len, ==, G);
  for (int c = 0; c < G; c++)
    {
      AtlWork *w = works->pdata[c];
      guint len;
      const int *seq = atl_token_set_get (pool, want[c], &len);

      /* The chosen pool sample, stored under its own seed. */
      g_assert_cmpuint (w->seed, ==, SEED + (guint64) want[c]);
      g_assert_cmpuint (w->n_tokens, ==, len);
      g_assert_cmpmem (w->tokens, len * sizeof (int), seq, len * sizeof (int));
    }
}

int
main (int argc, char **argv)
{
  int status;

  g_test_init (&argc, &argv, NULL);
  models_dir = g_dir_make_tmp ("atl-models-XXXXXX", NULL);
  g_assert_nonnull (models_dir);
  g_setenv ("ATL_MODELS_DIR", models_dir, TRUE);
  g_test_add_func ("/app/explore/choose-split", test_choose_split);
  g_test_add_func ("/app/explore/choose-overlap", test_choose_overlap);
  g_test_add ("/app/explore/no-comparisons", Fixture, NULL, setup,
              test_ranker_needs_comparisons, teardown);
  g_test_add ("/app/explore/round-from-pool", Fixture, NULL, setup, test_round_from_pool,
              teardown);
  status = g_test_run ();
  remove_tree (models_dir);
  g_free (models_dir);
  return status;
}
