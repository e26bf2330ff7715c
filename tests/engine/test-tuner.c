/* test-tuner.c: the RLOO tuner, its guards and best-of-n, on small random policies over
 * the music codec (every sample a valid melody); DPO is in test-tuner-dpo.c.
 *
 * The reward model's own contract — recovering a known linear taste from synthetic pairs
 * to ≥ 90 % accuracy — is pinned in test-reward.c (/engine/reward/linear-taste and
 * /engine/reward/fit-report); here the reward is a known function of the tokens.
 */
#include <glib.h>
#include <math.h>
#include <string.h>

#include "atl-music-codec.h"
#include "atl-music-features.h"
#include "atl-nn.h"
#include "atl-tuner.h"
#include "tuner-fixture.h"

static void
test_advantages (void)
{
  /* Two groups of k = 3: R_i minus the mean of the other two. */
  const float r[6] = { 1, 2, 6, 0, 0, 3 };
  const float want[6] = { 1 - 4, 2 - 3.5f, 6 - 1.5f, 0 - 1.5f, 0 - 1.5f, 3 - 0 };
  const float r2[2] = { 5, 1 };
  float adv[6];

  atl_tuner_rloo_advantages (r, 2, 3, adv);
  for (int i = 0; i < 6; i++)
    g_assert_cmpfloat_with_epsilon (adv[i], want[i], 1e-6);
  /* Advantages of a group sum to zero, and k = 2 gives ±(difference). */
  g_assert_cmpfloat_with_epsilon (adv[0] + adv[1] + adv[2], 0.0, 1e-5);
  atl_tuner_rloo_advantages (r2, 1, 2, adv);
  g_assert_cmpfloat (adv[0], ==, 4.0f);
  g_assert_cmpfloat (adv[1], ==, -4.0f);
}

static void
test_adapt_beta (void)
{
  AtlTunerConfig c;
  float b;

  atl_tuner_config_init (&c, L);
  b = atl_tuner_adapt_beta (&c, 0.2f, c.kl_target);
  g_assert_cmpfloat_with_epsilon (b, 0.2f, 1e-7);
  g_assert_cmpfloat (atl_tuner_adapt_beta (&c, 0.2f, 10 * c.kl_target), >, 0.2f);
  g_assert_cmpfloat (atl_tuner_adapt_beta (&c, 0.2f, 0.0f), <, 0.2f);
  /* Bounded per step, and by [beta_min, beta_max]. */
  g_assert_cmpfloat (atl_tuner_adapt_beta (&c, 0.2f, 1e6f), <=, 0.2f * 1.11f);
  g_assert_cmpfloat (atl_tuner_adapt_beta (&c, c.beta_max, 1e6f), ==, c.beta_max);
  g_assert_cmpfloat (atl_tuner_adapt_beta (&c, c.beta_min, 0.0f), ==, c.beta_min);
}

/* A policy measured against an identical copy of itself has KL exactly 0. */
static void
test_kl_self (void)
{
  AtlPolicy *base = small_policy (1), *policy = copy_policy (base);
  AtlTuner *tuner = NULL;
  AtlTunerConfig config;
  AtlTunerStepReport rep;
  AtlRng rng;
  AtlMsg msg;
  int calls = 0;

  config_for_tests (&config);
  g_assert_cmpint (atl_tuner_new (&config, policy, base, &tuner, &msg), ==, ATL_OK);
  atl_rng_seed (&rng, 7);
  g_assert_cmpint (atl_tuner_rloo_step (tuner, reward_cb, &calls, &rng, &rep, &msg), ==,
                   ATL_OK);
  g_assert_cmpint (calls, ==, 1);
  g_assert_cmpfloat (rep.kl, ==, 0.0f);
  g_assert_cmpint (rep.stop, ==, 0);
  g_assert_cmpint (rep.step, ==, 1);
  g_assert_cmpfloat (rep.entropy, >, 0.5f);
  g_assert_cmpfloat (rep.base_ll, <, 0.0f);
  {
    int toks[2 * L], lens[2];
    float kl[2];

    g_assert_cmpint (atl_tuner_best_of_n (tuner, 1, 2, reward_cb, &calls, &rng, toks, lens,
                                          &msg), ==, ATL_OK);
    g_assert_cmpint (atl_tuner_kl (base, base, grammar_cb, (void *) atl_music_codec (), 2,
                                   toks, L, lens, kl, &msg), ==, ATL_OK);
    g_assert_cmpfloat (kl[0], ==, 0.0f);
    g_assert_cmpfloat (kl[1], ==, 0.0f);
  }
  /* The update moved the policy, so the base now differs from it. */
  g_assert_true (memcmp (atl_policy_get_params (policy), atl_policy_get_params (base),
                         atl_policy_get_n_params (base) * sizeof (float)) != 0);
  atl_tuner_free (tuner);
  atl_policy_free (policy);
  atl_policy_free (base);
}

/* The tuner raises a known reward while KL stays inside the budget, with KL in the
 * reward or in the loss. */
static void
raises_reward (int kl_in_loss)
{
  AtlPolicy *base = small_policy (2), *policy = copy_policy (base);
  AtlTuner *tuner = NULL;
  AtlTunerConfig config;
  AtlTunerStepReport rep;
  AtlRng rng;
  AtlMsg msg;
  double first = 0.0, last = 0.0;
  float max_kl = 0.0f;
  int calls = 0, steps = 40;

  config_for_tests (&config);
  config.lr = 3e-3f;   /* a random 30 k-parameter policy moves slowly at 1e-4 */
  config.kl_budget = 12.0f;
  config.kl_target = 6.0f;
  config.kl_in_loss = kl_in_loss;
  g_assert_cmpint (atl_tuner_new (&config, policy, base, &tuner, &msg), ==, ATL_OK);
  atl_rng_seed (&rng, 11);
  /* r holds the last five steps' rewards; a guard may end the run early. */
  {
    float r[5] = { 0 };
    int s;

    for (s = 0; s < steps; s++)
      {
        g_assert_cmpint (atl_tuner_rloo_step (tuner, reward_cb, &calls, &rng, &rep, &msg), ==,
                         ATL_OK);
        if (rep.stop)
          break;
        if (s < 5)
          first += rep.reward_mean / 5.0;
        r[s % 5] = rep.reward_mean;
        max_kl = fmaxf (max_kl, rep.kl);
      }
    g_assert_cmpint (s, >=, 20);
    for (int i = 0; i < 5; i++)
      last += r[i] / 5.0;
  }
  g_test_message ("reward %.3f → %.3f, KL max %.2f, β %.3f", first, last, max_kl, rep.beta);
  g_assert_cmpfloat (last, >, first + 0.8);
  g_assert_cmpfloat (max_kl, <=, config.kl_budget);
  g_assert_cmpfloat (rep.kl, >, 0.0f);
  atl_tuner_free (tuner);
  atl_policy_free (policy);
  atl_policy_free (base);
}

static void
test_raises_reward (void)
{
  raises_reward (0);
}

static void
test_raises_reward_kl_loss (void)
{
  raises_reward (1);
}

/* Gradients (after a step) of two policies agree up to float rounding. */
static void
assert_grads_close (AtlPolicy *a,
                    AtlPolicy *b)
{
  const float *ga = atl_policy_get_grads (a), *gb = atl_policy_get_grads (b);
  size_t n = atl_policy_get_n_params (a);
  float scale = 0.0f, worst = 0.0f;

  for (size_t i = 0; i < n; i++)
    scale = fmaxf (scale, fabsf (ga[i]));
  for (size_t i = 0; i < n; i++)
    worst = fmaxf (worst, fabsf (ga[i] - gb[i]));
  g_test_message ("largest gradient %.3g, largest difference %.3g", scale, worst);
  g_assert_cmpfloat (scale, >, 0.0f);
  g_assert_cmpfloat (worst, <=, 1e-4f * scale);
}

/* A step in micro-batches of one row (one group with KL in the reward) is the same step
 * as one forward and backward over the whole batch: same KL, entropy and gradient up to
 * float rounding — on the first step, where the policy is the base, and on a later one,
 * where the KL term pulls. */
static void
micro_batches (int kl_in_loss,
               int kl_exact)
{
  AtlPolicy *base = small_policy (6);
  AtlPolicy *whole = copy_policy (base), *micro = copy_policy (base);
  AtlTuner *tw = NULL, *tm = NULL;
  AtlTunerConfig config;
  AtlTunerStepReport rw, rm;
  AtlRng rng_w, rng_m;
  AtlMsg msg;
  int calls = 0;

  config_for_tests (&config);
  config.lr = 3e-3f;
  config.kl_budget = 1e6f;
  config.kl_in_loss = kl_in_loss;
  config.kl_exact = kl_exact;
  config.micro_tokens = 1 << 20;
  g_assert_cmpint (atl_tuner_new (&config, whole, base, &tw, &msg), ==, ATL_OK);
  config.micro_tokens = 1;
  g_assert_cmpint (atl_tuner_new (&config, micro, base, &tm, &msg), ==, ATL_OK);
  atl_rng_seed (&rng_w, 21);
  atl_rng_seed (&rng_m, 21);
  for (int s = 0; s < 3; s++)
    {
      g_assert_cmpint (atl_tuner_rloo_step (tw, reward_cb, &calls, &rng_w, &rw, &msg), ==,
                       ATL_OK);
      g_assert_cmpint (atl_tuner_rloo_step (tm, reward_cb, &calls, &rng_m, &rm, &msg), ==,
                       ATL_OK);
      g_test_message ("step %d: KL %.4f / %.4f, entropy %.5f / %.5f", s + 1, rw.kl, rm.kl,
                      rw.entropy, rm.entropy);
      g_assert_cmpfloat (rw.reward_mean, ==, rm.reward_mean);
      g_assert_cmpfloat (fabsf (rw.kl - rm.kl), <=, 1e-4f * (1.0f + fabsf (rw.kl)));
      g_assert_cmpfloat (fabsf (rw.entropy - rm.entropy), <=, 1e-5f * rw.entropy);
      assert_grads_close (whole, micro);
      /* The same weights for the next step: rounding may flip the sign of a near-zero
       * gradient, which Adam's first steps turn into a full-size update. */
      memcpy (atl_policy_get_params (micro), atl_policy_get_params (whole),
              atl_policy_get_n_params (whole) * sizeof (float));
    }
  /* The policy has left the base (a sampled KL estimate may fall either side of 0). */
  g_assert_cmpfloat (rw.kl, !=, 0.0f);
  atl_tuner_free (tw);
  atl_tuner_free (tm);
  atl_policy_free (whole);
  atl_policy_free (micro);
  atl_policy_free (base);
}

static void
test_micro_batches (void)
{
  micro_batches (0, 0);
}

static void
test_micro_batches_kl_loss (void)
{
  micro_batches (1, 0);
}

/* The exact KL's gradient on the logits follows its rows through the micro-batches. */
static void
test_micro_batches_kl_exact (void)
{
  micro_batches (1, 1);
}

/* The lanes a step's forwards and backwards are split into run at once on two threads or
 * in turn on one: the same rows in the same lanes, so the same step to the bit. KL in the
 * reward splits each micro-batch; KL in the loss plans the whole batch. */
static void
threads (int kl_in_loss)
{
  AtlPolicy *base = small_policy (8);
  AtlPolicy *one = copy_policy (base), *two = copy_policy (base);
  AtlTuner *t1 = NULL, *t2 = NULL;
  AtlTunerConfig config;
  AtlTunerStepReport r1, r2;
  AtlRng rng1, rng2;
  AtlMsg msg;
  int calls = 0, threads = atl_nn_get_threads ();

  config_for_tests (&config);
  config.lr = 3e-3f;
  config.kl_budget = 1e6f;
  config.kl_in_loss = kl_in_loss;
  /* Several micro-batches, each split between the lanes or dealt to them. */
  config.micro_tokens = 4 * L;
  g_assert_cmpint (atl_tuner_new (&config, one, base, &t1, &msg), ==, ATL_OK);
  g_assert_cmpint (atl_tuner_new (&config, two, base, &t2, &msg), ==, ATL_OK);
  atl_rng_seed (&rng1, 33);
  atl_rng_seed (&rng2, 33);
  for (int s = 0; s < 3; s++)
    {
      atl_nn_set_threads (1);
      g_assert_cmpint (atl_tuner_rloo_step (t1, reward_cb, &calls, &rng1, &r1, &msg), ==,
                       ATL_OK);
      atl_nn_set_threads (2);
      g_assert_cmpint (atl_tuner_rloo_step (t2, reward_cb, &calls, &rng2, &r2, &msg), ==,
                       ATL_OK);
      g_test_message ("step %d: KL %.6f / %.6f", s + 1, r1.kl, r2.kl);
      g_assert_cmpfloat (r1.kl, ==, r2.kl);
      g_assert_cmpfloat (r1.entropy, ==, r2.entropy);
      g_assert_cmpfloat (r1.grad_norm, ==, r2.grad_norm);
    }
  g_assert_cmpfloat (r1.kl, >, 0.0f);
  assert_same_params (one, two);
  atl_nn_set_threads (threads);
  atl_tuner_free (t1);
  atl_tuner_free (t2);
  atl_policy_free (one);
  atl_policy_free (two);
  atl_policy_free (base);
}

static void
test_threads (void)
{
  threads (0);
}

static void
test_threads_kl_loss (void)
{
  threads (1);
}

/* Past the KL budget a step changes nothing and hands back the last good weights. */
static void
test_kl_budget_stops (void)
{
  AtlPolicy *base = small_policy (3), *policy = copy_policy (base);
  AtlTuner *tuner = NULL;
  AtlTunerConfig config;
  AtlTunerStepReport rep = { 0 };
  AtlRng rng;
  AtlMsg msg;
  int calls = 0, s;

  config_for_tests (&config);
  config.lr = 2e-2f;
  config.beta = config.beta_min = config.beta_max = 0.0f;
  config.kl_budget = 1.0f;
  config.probe_every = 0;
  g_assert_cmpint (atl_tuner_new (&config, policy, base, &tuner, &msg), ==, ATL_OK);
  atl_rng_seed (&rng, 5);
  for (s = 0; s < 60 && rep.stop == 0; s++)
    {
      g_assert_cmpint (atl_tuner_rloo_step (tuner, reward_cb, &calls, &rng, &rep, &msg), ==,
                       ATL_OK);
      g_test_message ("step %d: KL %.3f, stop %d", s + 1, rep.kl, rep.stop);
    }
  g_assert_cmpint (rep.stop, ==, 1);
  /* The weights are those of the last step that was within budget, and the report says
   * their KL. */
  g_test_message ("stopped at step %d; the restored weights had KL %.2f", s, rep.kl);
  g_assert_cmpfloat (rep.kl, <=, config.kl_budget);
  atl_tuner_free (tuner);
  tuner = NULL;

  /* A run that starts past a budget (the next round, a tighter budget) steps once with β
   * doubled, then stops and hands back its first weights: it reports their measured KL,
   * not the 0 of a run that never had weights within budget. */
  if (rep.kl > 0.02f)
    {
      config.kl_budget = rep.kl / 4;
      config.beta = config.beta_min = 0.01f;
      config.beta_max = 1.0f;
      g_assert_cmpint (atl_tuner_new (&config, policy, base, &tuner, &msg), ==, ATL_OK);
      rep.stop = 0;
      for (s = 0; s < 5 && rep.stop == 0; s++)
        g_assert_cmpint (atl_tuner_rloo_step (tuner, reward_cb, &calls, &rng, &rep, &msg),
                         ==, ATL_OK);
      g_test_message ("past the budget from the start: stop %d at step %d, KL %.3f", rep.stop,
                      s, rep.kl);
      g_assert_cmpint (rep.stop, ==, 1);
      g_assert_cmpfloat (rep.kl, >, config.kl_budget);
      atl_tuner_free (tuner);
    }
  atl_policy_free (policy);
  atl_policy_free (base);
}

/* The diversity probe reads 1 on the base itself, and its floor stops a run. */
static void
test_diversity_probe (void)
{
  AtlPolicy *base = small_policy (4), *policy = copy_policy (base);
  AtlTuner *tuner = NULL;
  AtlTunerConfig config;
  AtlTunerStepReport rep, first;
  AtlRng rng;
  AtlMsg msg;
  float div, *start;
  size_t n_params;
  int calls = 0;

  config_for_tests (&config);
  g_assert_cmpint (atl_tuner_new (&config, policy, base, &tuner, &msg), ==, ATL_OK);
  g_assert_cmpint (atl_tuner_set_probe (tuner, features_cb, NULL, ATL_MUSIC_N_FEATURES, 99,
                                        &msg), ==, ATL_OK);
  g_assert_cmpint (atl_tuner_probe (tuner, &div, &msg), ==, ATL_OK);
  g_assert_cmpfloat_with_epsilon (div, 1.0f, 1e-5);

  /* A second tuner on the same base takes the measured spread instead of sampling it:
   * the same reading. */
  {
    AtlTuner *again = NULL;
    float div2;

    g_assert_nonnull (atl_tuner_get_probe_base (tuner));
    g_assert_cmpint (atl_tuner_new (&config, policy, base, &again, &msg), ==, ATL_OK);
    g_assert_null (atl_tuner_get_probe_base (again));
    g_assert_cmpint (atl_tuner_set_probe_base (again, features_cb, NULL, ATL_MUSIC_N_FEATURES,
                                               99, NULL, &msg), ==, ATL_ERR_INVALID);
    g_assert_cmpint (atl_tuner_set_probe_base (again, features_cb, NULL, ATL_MUSIC_N_FEATURES,
                                               99, atl_tuner_get_probe_base (tuner), &msg),
                     ==, ATL_OK);
    g_assert_cmpint (atl_tuner_probe (again, &div2, &msg), ==, ATL_OK);
    g_assert_cmpfloat (div2, ==, div);
    atl_tuner_free (again);
  }

  /* An impossible floor: the first probe (before step 2; the run's first weights are taken
   * as checked) stops the run and hands back the weights it started from. They differ
   * from the base, so that the KL the stop reports cannot be 0 by default. */
  n_params = atl_policy_get_n_params (policy);
  start = g_new (float, n_params);
  for (size_t i = 0; i < n_params; i++)
    atl_policy_get_params (policy)[i] *= 1.0f + 0.05f * (float) (i % 7 == 0);
  memcpy (start, atl_policy_get_params (policy), n_params * sizeof (float));
  atl_tuner_get_config (tuner)->diversity_floor = 1.5f;
  atl_tuner_get_config (tuner)->probe_every = 1;
  atl_rng_seed (&rng, 1);
  g_assert_cmpint (atl_tuner_rloo_step (tuner, reward_cb, &calls, &rng, &first, &msg), ==,
                   ATL_OK);
  g_assert_cmpint (first.stop, ==, 0);
  g_assert_cmpint (atl_tuner_rloo_step (tuner, reward_cb, &calls, &rng, &rep, &msg), ==,
                   ATL_OK);
  g_assert_cmpint (rep.stop, ==, 2);
  /* The stop reports the weights it hands back, measured by the first step. */
  g_assert_cmpfloat (first.kl, !=, 0.0f);
  g_assert_cmpfloat (rep.kl, ==, first.kl);
  g_assert_cmpfloat (rep.reward_mean, ==, first.reward_mean);
  g_assert_cmpint (calls, ==, 1);
  g_assert_true (memcmp (atl_policy_get_params (policy), start, n_params * sizeof (float))
                 == 0);
  g_free (start);
  atl_tuner_free (tuner);
  atl_policy_free (policy);
  atl_policy_free (base);
}

/* finish measures the last update and undoes it when it broke a guard. */
static void
test_finish (void)
{
  AtlPolicy *base, *policy;
  AtlTuner *tuner = NULL;
  AtlTunerConfig config;
  AtlTunerStepReport rep, fin;
  AtlRng rng;
  AtlMsg msg;
  int calls = 0;

  base = small_policy (7);
  policy = copy_policy (base);
  config_for_tests (&config);
  /* The full batch even under valgrind: finish checks a KL it estimates on fresh samples
   * against the budget, and four rows' estimate fell below it (0.58 against 0.71). */
  {
    AtlTunerConfig full;

    atl_tuner_config_init (&full, L);
    config.n_prompts = full.n_prompts;
    config.k = full.k;
  }
  config.lr = 2e-2f;
  config.beta = config.beta_min = config.beta_max = 0.0f;
  config.probe_every = 0;
  g_assert_cmpint (atl_tuner_new (&config, policy, base, &tuner, &msg), ==, ATL_OK);
  atl_rng_seed (&rng, 4);
  g_assert_cmpint (atl_tuner_finish (tuner, &rng, &fin, &msg), ==, ATL_OK);
  g_assert_cmpint (fin.stop, ==, 0);
  g_assert_cmpfloat (fin.kl, ==, 0.0f);
  for (int s = 0; s < 3; s++)
    g_assert_cmpint (atl_tuner_rloo_step (tuner, reward_cb, &calls, &rng, &rep, &msg), ==,
                     ATL_OK);
  g_assert_cmpint (atl_tuner_finish (tuner, &rng, &fin, &msg), ==, ATL_OK);
  g_assert_cmpfloat (fin.kl, >, 0.0f);
  /* A budget below what the last update reached: finish restores the checked weights. */
  atl_tuner_get_config (tuner)->kl_budget = fin.kl / 4;
  g_assert_cmpint (atl_tuner_rloo_step (tuner, reward_cb, &calls, &rng, &rep, &msg), ==,
                   ATL_OK);
  g_assert_cmpint (atl_tuner_finish (tuner, &rng, &fin, &msg), ==, ATL_OK);
  g_assert_cmpint (fin.stop, ==, 1);
  g_assert_cmpint (atl_tuner_finish (tuner, &rng, &rep, &msg), ==, ATL_OK);
  g_test_message ("restored weights: KL %.2f", rep.kl);
  atl_tuner_free (tuner);
  atl_policy_free (policy);
  atl_policy_free (base);
}

/* Best-of-n keeps each group's best: its mean reward beats plain samples'. */
static void
test_best_of_n (void)
{
  AtlPolicy *base, *policy;
  AtlTuner *tuner = NULL;
  AtlTunerConfig config;
  enum { COUNT = 24 };
  static int out[COUNT * L];
  int lens[COUNT];
  double plain = 0.0, best = 0.0;
  AtlRng rng;
  AtlMsg msg;
  int calls = 0, count = under_valgrind () ? COUNT / 2 : COUNT;

  base = small_policy (6);
  policy = copy_policy (base);
  config_for_tests (&config);
  g_assert_cmpint (atl_tuner_new (&config, policy, base, &tuner, &msg), ==, ATL_OK);
  atl_rng_seed (&rng, 8);
  g_assert_cmpint (atl_tuner_best_of_n (tuner, 1, count, reward_cb, &calls, &rng, out, lens,
                                        &msg), ==, ATL_OK);
  for (int i = 0; i < count; i++)
    {
      g_assert_cmpint (atl_music_codec ()->validate (atl_music_codec (), out + i * L, lens[i],
                                                     &msg), ==, ATL_OK);
      plain += above_tonic (out + i * L, lens[i]) / count;
    }
  g_assert_cmpint (atl_tuner_best_of_n (tuner, 8, count, reward_cb, &calls, &rng, out, lens,
                                        &msg), ==, ATL_OK);
  for (int i = 0; i < count; i++)
    best += above_tonic (out + i * L, lens[i]) / count;
  g_test_message ("above tonic: plain %.3f, best of 8 %.3f", plain, best);
  g_assert_cmpfloat (best, >, plain + 0.05);
  atl_tuner_free (tuner);
  atl_policy_free (policy);
  atl_policy_free (base);
}

/* The embedding of a frozen model: one C-vector per sequence, batch-independent. */
static void
test_embed (void)
{
  AtlPolicy *base = small_policy (9);
  int toks[2 * L], lens[2];
  float e2[2 * 32], e1[32], lp2[2], lp1;
  AtlTuner *tuner = NULL;
  AtlTunerConfig config;
  AtlRng rng;
  AtlMsg msg;
  int calls = 0;

  config_for_tests (&config);
  g_assert_cmpint (atl_tuner_new (&config, base, base, &tuner, &msg), ==, ATL_OK);
  atl_rng_seed (&rng, 2);
  g_assert_cmpint (atl_tuner_best_of_n (tuner, 1, 2, reward_cb, &calls, &rng, toks, lens,
                                        &msg), ==, ATL_OK);
  g_assert_cmpint (atl_tuner_embed (base, 2, toks, L, lens, 1, e2, lp2, &msg), ==, ATL_OK);
  g_assert_cmpint (atl_tuner_embed (base, 1, toks + L, L, lens + 1, 1, e1, &lp1, &msg), ==,
                   ATL_OK);
  for (int c = 0; c < 32; c++)
    g_assert_cmpfloat_with_epsilon (e1[c], e2[32 + c], 1e-4);
  g_assert_cmpfloat_with_epsilon (lp1, lp2[1], 1e-3);
  g_assert_cmpfloat (lp1, <, 0.0f);
  atl_tuner_free (tuner);
  atl_policy_free (base);
}

int
main (int argc, char **argv)
{
  g_test_init (&argc, &argv, NULL);
  atl_nn_set_threads (1);
  g_test_add_func ("/engine/tuner/advantages", test_advantages);
  g_test_add_func ("/engine/tuner/adapt-beta", test_adapt_beta);
  g_test_add_func ("/engine/tuner/kl-self", test_kl_self);
  g_test_add_func ("/engine/tuner/raises-reward", test_raises_reward);
  g_test_add_func ("/engine/tuner/raises-reward-kl-loss", test_raises_reward_kl_loss);
  g_test_add_func ("/engine/tuner/micro-batches", test_micro_batches);
  g_test_add_func ("/engine/tuner/micro-batches-kl-loss", test_micro_batches_kl_loss);
  g_test_add_func ("/engine/tuner/micro-batches-kl-exact", test_micro_batches_kl_exact);
  g_test_add_func ("/engine/tuner/threads", test_threads);
  g_test_add_func ("/engine/tuner/threads-kl-loss", test_threads_kl_loss);
  g_test_add_func ("/engine/tuner/kl-budget", test_kl_budget_stops);
  g_test_add_func ("/engine/tuner/diversity-probe", test_diversity_probe);
  g_test_add_func ("/engine/tuner/finish", test_finish);
  g_test_add_func ("/engine/tuner/best-of-n", test_best_of_n);
  g_test_add_func ("/engine/tuner/embed", test_embed);
  return g_test_run ();
}
