/* test-tuner-kl.c: the tuner's exact KL (kl_exact) against the sampled estimate it
 * replaces, on small random policies over the music codec.
 */
#include <glib.h>
#include <math.h>
#include <string.h>

#include "atl-tuner.h"
#include "tuner-fixture.h"

static AtlStatus
zero_reward (void        *user,
             int          B,
             const int   *tokens,
             int          stride,
             const int   *lens,
             const float *embed,
             float       *out,
             AtlMsg      *msg)
{
  memset (out, 0, (size_t) B * sizeof (float));
  return ATL_OK;
}

/* base's weights plus noise of the given size: a policy some nats of KL away. */
static AtlPolicy *
perturbed (AtlPolicy *base,
           float      size,
           guint64    seed)
{
  AtlPolicy *p = copy_policy (base);
  float *w = atl_policy_get_params (p);
  AtlRng rng;

  atl_rng_seed (&rng, seed);
  for (size_t i = 0; i < atl_policy_get_n_params (p); i++)
    w[i] += size * atl_rng_normal (&rng);
  return p;
}

static void
config_exact (AtlTunerConfig *config,
              int             kl_exact,
              int             kl_in_loss)
{
  config_for_tests (config);
  config->kl_exact = kl_exact;
  config->kl_in_loss = kl_in_loss;
  config->kl_budget = 1e6f;
  config->probe_every = 0;
}

/* The policy is the base: its exact KL is 0 to the bit, on a step and in finish. */
static void
test_self (void)
{
  for (int in_loss = 0; in_loss <= 1; in_loss++)
    {
      AtlPolicy *base = small_policy (1), *policy = copy_policy (base);
      AtlTuner *tuner = NULL;
      AtlTunerConfig config;
      AtlTunerStepReport rep;
      AtlRng rng;
      AtlMsg msg;
      int calls = 0;

      config_exact (&config, 1, in_loss);
      g_assert_cmpint (atl_tuner_new (&config, policy, base, &tuner, &msg), ==, ATL_OK);
      atl_rng_seed (&rng, 7);
      g_assert_cmpint (atl_tuner_finish (tuner, &rng, &rep, &msg), ==, ATL_OK);
      g_assert_cmpfloat (rep.kl, ==, 0.0f);
      g_assert_cmpint (atl_tuner_rloo_step (tuner, reward_cb, &calls, &rng, &rep, &msg), ==,
                       ATL_OK);
      g_assert_cmpfloat (rep.kl, ==, 0.0f);
      g_assert_cmpint (rep.stop, ==, 0);
      atl_tuner_free (tuner);
      atl_policy_free (policy);
      atl_policy_free (base);
    }
}

/* On the very same samples (same weights, same seeds) the exact KL is the sampled
 * estimate's expectation: their means over many batches agree within the sampled one's
 * noise, and the exact one varies less from batch to batch. */
static void
test_unbiased (void)
{
  AtlPolicy *base = small_policy (3), *pe = perturbed (base, 0.03f, 5);
  AtlPolicy *ps = copy_policy (pe);
  AtlTuner *te = NULL, *ts = NULL;
  AtlTunerConfig config;
  AtlRng re, rs;
  AtlMsg msg;
  int n = under_valgrind () ? 6 : 40;
  double se = 0.0, ss = 0.0, se2 = 0.0, ss2 = 0.0, sd2 = 0.0;

  config_exact (&config, 1, 1);
  g_assert_cmpint (atl_tuner_new (&config, pe, base, &te, &msg), ==, ATL_OK);
  config_exact (&config, 0, 1);
  g_assert_cmpint (atl_tuner_new (&config, ps, base, &ts, &msg), ==, ATL_OK);
  atl_rng_seed (&re, 9);
  atl_rng_seed (&rs, 9);
  for (int i = 0; i < n; i++)
    {
      AtlTunerStepReport a, b;

      g_assert_cmpint (atl_tuner_finish (te, &re, &a, &msg), ==, ATL_OK);
      g_assert_cmpint (atl_tuner_finish (ts, &rs, &b, &msg), ==, ATL_OK);
      g_assert_cmpint (a.stop, ==, 0);
      se += a.kl / n;
      ss += b.kl / n;
      se2 += (double) a.kl * a.kl / n;
      ss2 += (double) b.kl * b.kl / n;
      sd2 += (double) (a.kl - b.kl) * (a.kl - b.kl) / n;
    }
  {
    double var_e = se2 - se * se, var_s = ss2 - ss * ss;
    /* Standard error of the mean difference of paired batches. */
    double sem = sqrt (fmax (sd2 - (se - ss) * (se - ss), 0.0) / n);

    g_test_message ("KL over %d batches: exact %.3f (sd %.3f), sampled %.3f (sd %.3f)", n, se,
                    sqrt (fmax (var_e, 0.0)), ss, sqrt (fmax (var_s, 0.0)));
    g_assert_cmpfloat (se, >, 0.3);
    g_assert_cmpfloat (fabs (se - ss), <=, 4.0 * sem + 0.02 * se);
    g_assert_cmpfloat (var_e, <, var_s);
  }
  atl_tuner_free (te);
  atl_tuner_free (ts);
  atl_policy_free (pe);
  atl_policy_free (ps);
  atl_policy_free (base);
}

/* In the loss, the exact KL's gradient pulls a policy back to the base: with nothing to
 * gain from the reward, the KL falls by more than half. */
static void
test_pulls_back (void)
{
  AtlPolicy *base = small_policy (4), *policy = perturbed (base, 0.03f, 6);
  AtlTuner *tuner = NULL;
  AtlTunerConfig config;
  AtlTunerStepReport rep;
  AtlRng rng;
  AtlMsg msg;
  float first;
  int steps = under_valgrind () ? 8 : 30;

  config_exact (&config, 1, 1);
  config.lr = 3e-3f;
  config.beta = config.beta_min = config.beta_max = 1.0f;
  g_assert_cmpint (atl_tuner_new (&config, policy, base, &tuner, &msg), ==, ATL_OK);
  atl_rng_seed (&rng, 12);
  g_assert_cmpint (atl_tuner_finish (tuner, &rng, &rep, &msg), ==, ATL_OK);
  first = rep.kl;
  for (int s = 0; s < steps; s++)
    g_assert_cmpint (atl_tuner_rloo_step (tuner, zero_reward, NULL, &rng, &rep, &msg), ==,
                     ATL_OK);
  g_assert_cmpint (atl_tuner_finish (tuner, &rng, &rep, &msg), ==, ATL_OK);
  g_test_message ("KL %.3f → %.3f after %d steps", first, rep.kl, steps);
  g_assert_cmpfloat (first, >, 0.3f);
  g_assert_cmpfloat (rep.kl, <, 0.5f * first);
  atl_tuner_free (tuner);
  atl_policy_free (policy);
  atl_policy_free (base);
}

int
main (int    argc,
      char **argv)
{
  g_test_init (&argc, &argv, NULL);
  g_test_add_func ("/engine/tuner-kl/self", test_self);
  g_test_add_func ("/engine/tuner-kl/unbiased", test_unbiased);
  g_test_add_func ("/engine/tuner-kl/pulls-back", test_pulls_back);
  return g_test_run ();
}
