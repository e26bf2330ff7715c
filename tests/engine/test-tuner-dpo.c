/* test-tuner-dpo.c: DPO on stored pairs, on small random policies over the music codec:
 * it widens the margin, reports the loss of its own pairs, and runs the same on one
 * thread as on two.
 */
#include <glib.h>
#include <math.h>
#include <string.h>

#include "atl-nn.h"
#include "atl-tuner.h"
#include "tuner-fixture.h"

enum { N = 12 };

/* n pairs drawn by tuner's policy: best-of-2 by the known reward, the better one chosen. */
static void
make_pairs (AtlTuner *tuner,
            int       n,
            int      *chosen,
            int      *lc,
            int      *rejected,
            int      *lr)
{
  AtlRng rng;
  AtlMsg msg;
  int calls = 0;

  atl_rng_seed (&rng, 3);
  for (int i = 0; i < n; i++)
    {
      int two[2 * L], len[2];

      g_assert_cmpint (atl_tuner_best_of_n (tuner, 1, 2, reward_cb, &calls, &rng, two, len,
                                            &msg), ==, ATL_OK);
      int better = above_tonic (two, len[0]) >= above_tonic (two + L, len[1]) ? 0 : 1;
      memcpy (chosen + i * L, two + better * L, sizeof (int) * L);
      memcpy (rejected + i * L, two + (1 - better) * L, sizeof (int) * L);
      lc[i] = len[better];
      lr[i] = len[1 - better];
    }
}

/* DPO widens the chosen-minus-rejected margin on its pairs. */
static void
test_margin (void)
{
  AtlPolicy *base, *policy;
  AtlTuner *tuner = NULL;
  AtlTunerConfig config;
  AtlTunerDpoReport rep, first = { 0 };
  static int chosen[N * L], rejected[N * L];
  int lc[N], lr[N];
  AtlMsg msg;
  int n = under_valgrind () ? N / 2 : N;

  base = small_policy (5);
  policy = copy_policy (base);
  config_for_tests (&config);
  config.lr = 1e-3f;
  g_assert_cmpint (atl_tuner_new (&config, policy, base, &tuner, &msg), ==, ATL_OK);
  make_pairs (tuner, n, chosen, lc, rejected, lr);
  for (int s = 0; s < 10; s++)
    {
      g_assert_cmpint (atl_tuner_dpo_step (tuner, n, chosen, lc, rejected, lr, L, 1, 0.1f,
                                           &rep, &msg), ==, ATL_OK);
      if (s == 0)
        first = rep;
    }
  g_test_message ("DPO margin %.3f → %.3f, loss %.4f → %.4f", first.margin, rep.margin,
                  first.loss, rep.loss);
  g_assert_cmpfloat_with_epsilon (first.margin, 0.0f, 1e-4);  /* policy == reference */
  g_assert_cmpfloat_with_epsilon (first.loss, logf (2.0f), 1e-4);
  g_assert_cmpfloat (rep.margin, >, first.margin + 1.0f);
  g_assert_cmpfloat (rep.loss, <, first.loss);

  /* The loss a step reports (before its update) is that of its pairs, each chosen row
   * against its own rejected one, as whole-sequence log-likelihoods give it. */
  {
    float pc[N], pr[N], bc[N], br[N];
    double loss = 0.0, margin = 0.0;

    g_assert_cmpint (atl_tuner_embed (policy, n, chosen, L, lc, 1, NULL, pc, &msg), ==, ATL_OK);
    g_assert_cmpint (atl_tuner_embed (policy, n, rejected, L, lr, 1, NULL, pr, &msg), ==, ATL_OK);
    g_assert_cmpint (atl_tuner_embed (base, n, chosen, L, lc, 1, NULL, bc, &msg), ==, ATL_OK);
    g_assert_cmpint (atl_tuner_embed (base, n, rejected, L, lr, 1, NULL, br, &msg), ==, ATL_OK);
    for (int i = 0; i < n; i++)
      {
        double d = (pc[i] - bc[i]) - (pr[i] - br[i]);

        margin += d / n;
        loss += log1p (exp (-0.1 * d)) / n;
      }
    g_assert_cmpint (atl_tuner_dpo_step (tuner, n, chosen, lc, rejected, lr, L, 1, 0.1f, &rep,
                                         &msg), ==, ATL_OK);
    g_test_message ("margin %.4f reported, %.4f recomputed", rep.margin, margin);
    g_assert_cmpfloat_with_epsilon (rep.margin, margin, 1e-3 * fabs (margin));
    g_assert_cmpfloat_with_epsilon (rep.loss, loss, 1e-4);
  }
  atl_tuner_free (tuner);
  atl_policy_free (policy);
  atl_policy_free (base);
}


/* The pairs are dealt to the lanes by their lengths alone: two steps on one thread and on
 * two give the same weights to the bit. */
static void
test_threads (void)
{
  AtlPolicy *base = small_policy (8);
  AtlPolicy *one = copy_policy (base), *two = copy_policy (base);
  AtlTuner *t1 = NULL, *t2 = NULL;
  AtlTunerConfig config;
  AtlTunerDpoReport r1, r2;
  static int chosen[N * L], rejected[N * L];
  int lc[N], lr[N], threads = atl_nn_get_threads ();
  AtlMsg msg;

  config_for_tests (&config);
  config.lr = 1e-3f;
  /* Several micro-batches of pairs. */
  config.micro_tokens = 4 * L;
  g_assert_cmpint (atl_tuner_new (&config, one, base, &t1, &msg), ==, ATL_OK);
  g_assert_cmpint (atl_tuner_new (&config, two, base, &t2, &msg), ==, ATL_OK);
  make_pairs (t1, N, chosen, lc, rejected, lr);
  for (int s = 0; s < 2; s++)
    {
      atl_nn_set_threads (1);
      g_assert_cmpint (atl_tuner_dpo_step (t1, N, chosen, lc, rejected, lr, L, 1, 0.1f, &r1,
                                           &msg), ==, ATL_OK);
      atl_nn_set_threads (2);
      g_assert_cmpint (atl_tuner_dpo_step (t2, N, chosen, lc, rejected, lr, L, 1, 0.1f, &r2,
                                           &msg), ==, ATL_OK);
      g_assert_cmpfloat (r1.loss, ==, r2.loss);
      g_assert_cmpfloat (r1.grad_norm, ==, r2.grad_norm);
    }
  g_assert_cmpfloat (r1.margin, >, 0.0f);
  assert_same_params (one, two);
  atl_nn_set_threads (threads);
  atl_tuner_free (t1);
  atl_tuner_free (t2);
  atl_policy_free (one);
  atl_policy_free (two);
  atl_policy_free (base);
}

int
main (int    argc,
      char **argv)
{
  g_test_init (&argc, &argv, NULL);
  g_test_add_func ("/engine/tuner-dpo/margin", test_margin);
  g_test_add_func ("/engine/tuner-dpo/threads", test_threads);
  return g_test_run ();
}
