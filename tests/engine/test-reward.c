/* test-reward.c: the Bradley–Terry reward ensemble — gradients of the objective, recovery
 * of simulated tastes, bootstrap spread, L2 on separable data, k-fold, determinism,
 * degenerate inputs, "what it learned", and the parameter table. */
#include <glib.h>
#include <math.h>
#include <string.h>

#include "atl-reward-private.h"
#include "atl-reward.h"
#include "reward-synth.h"
#include "test-grad.h"

static AtlReward *
new_model (const AtlRewardConfig *cfg)
{
  AtlReward *model = NULL;
  AtlMsg msg = { { 0 } };
  AtlStatus status = atl_reward_new (cfg, &model, &msg);

  g_assert_cmpstr (msg.text, ==, "");
  g_assert_cmpint (status, ==, ATL_OK);
  return model;
}

static void
fit_ok (AtlReward           *model,
        const Synth         *s,
        const AtlRewardPair *pairs,
        int                  n_pairs,
        const float         *weights,
        guint64              seed,
        AtlRewardFitReport  *report)
{
  AtlRng rng;
  AtlMsg msg = { { 0 } };
  AtlStatus status;

  atl_rng_seed (&rng, seed);
  status = atl_reward_fit (model, s->works, s->n_works, pairs, n_pairs, weights, &rng,
                           report, &msg);
  g_assert_cmpstr (msg.text, ==, "");
  g_assert_cmpint (status, ==, ATL_OK);
}

/* Gradient check of the head objective J(θ). */

typedef struct
{
  AtlRewardProblem pb;
  float           *theta;
} GradCtx;

static double
grad_loss (gpointer ctx)
{
  GradCtx *g = ctx;

  return _atl_reward_head_objective (&g->pb, g->theta, NULL);
}

static void
check_head_gradient (AtlRewardHeadKind   head,
                     AtlRewardActivation act)
{
  enum { N = 12, D = 7, HID = 5, P = 30 };
  AtlRng rng;
  float *x, coef[P], r[N], gr[N], z[N * HID], a[N * HID];
  int win[P], lose[P];
  size_t S = _atl_reward_head_size (head, D, HID);
  GradCtx g;
  float *grad = g_new0 (float, S);
  GradTol tol = { 1e-2f, 2e-2, 2e-4, 200 };

  atl_rng_seed (&rng, 7);
  x = randn (&rng, N * D, 1.0f);
  for (int p = 0; p < P; p++)
    {
      win[p] = (int) atl_rng_below (&rng, N);
      lose[p] = (win[p] + 1 + (int) atl_rng_below (&rng, N - 1)) % N;
      coef[p] = (0.5f + atl_rng_uniform (&rng)) / P;
    }
  g.pb = (AtlRewardProblem) {
    .head = head, .act = act, .dim = D, .hidden = HID, .l2 = 0.3f,
    .n_works = N, .x = x, .n_pairs = P, .win = win, .lose = lose, .coef = coef,
    .r = r, .gr = gr, .z = z, .a = a,
  };
  /* Large enough weights that the pairs' σ are far from ½ and the penalty matters. */
  g.theta = randn (&rng, S, 0.7f);
  _atl_reward_head_objective (&g.pb, g.theta, grad);
  check_grads (grad_loss, &g, &(GradParam) { "theta", g.theta, grad, S }, 1, &tol);

  g_free (x);
  g_free (g.theta);
  g_free (grad);
}

static void
test_gradient_linear (void)
{
  check_head_gradient (ATL_REWARD_HEAD_LINEAR, ATL_REWARD_ACT_TANH);
}

static void
test_gradient_mlp_tanh (void)
{
  check_head_gradient (ATL_REWARD_HEAD_MLP, ATL_REWARD_ACT_TANH);
}

static void
test_gradient_mlp_gelu (void)
{
  check_head_gradient (ATL_REWARD_HEAD_MLP, ATL_REWARD_ACT_GELU);
}

/* A clean linear taste: held-out accuracy approaches the Bayes optimum as pairs grow. */
static void
test_linear_taste (void)
{
  enum { N = 300, D = 20, TEST = 4000 };
  static const int sizes[] = { 100, 500, 2000 };
  AtlRng rng;
  Synth s;
  AtlRewardPair *test = g_new (AtlRewardPair, TEST);
  double bayes, prev_gap = 1.0;
  AtlRewardConfig cfg;

  atl_rng_seed (&rng, 1);
  synth_init (&s, N, D, SYNTH_LINEAR, NULL, &rng);
  synth_pairs (&s, TEST, 2.0f, &rng, test, &bayes);
  atl_reward_config_init (&cfg, D, 0);

  for (guint i = 0; i < G_N_ELEMENTS (sizes); i++)
    {
      AtlRewardPair *train = g_new (AtlRewardPair, sizes[i]);
      AtlReward *model = new_model (&cfg);
      AtlRewardFitReport rep;
      double acc;

      synth_pairs (&s, sizes[i], 2.0f, &rng, train, NULL);
      fit_ok (model, &s, train, sizes[i], NULL, 10 + i, &rep);
      acc = synth_accuracy (model, &s, test, TEST);
      g_test_message ("%d pairs: held-out %.3f (Bayes %.3f), train %.3f, log-lik %.3f, "
                      "%d iterations, worst |grad| %.1e", sizes[i], acc, bayes, rep.train_acc,
                      rep.log_lik, rep.total_iter, rep.max_grad_norm);
      g_assert_cmpint (rep.n_converged, ==, cfg.n_heads);
      g_assert_cmpfloat (rep.max_grad_norm, <=, cfg.grad_tol);
      g_assert_cmpfloat (rep.log_lik, <, 0.0);
      g_assert_cmpfloat (rep.log_lik, >, log (0.5));
      g_assert_cmpint (rep.n_works, <=, N);
      if (sizes[i] >= 500)
        g_assert_cmpfloat (acc, >=, 0.8);
      if (sizes[i] == 2000)
        g_assert_cmpfloat (bayes - acc, <=, 0.03);
      g_assert_cmpfloat (bayes - acc, <=, prev_gap + 0.01);
      prev_gap = bayes - acc;
      atl_reward_free (model);
      g_free (train);
    }
  synth_clear (&s);
  g_free (test);
}

/* A nonlinear taste: MLP heads learn what a linear head cannot. */
static void
test_nonlinear_taste (void)
{
  enum { N = 300, D = 8, TRAIN = 2000, TEST = 4000 };
  AtlRng rng;
  Synth s;
  AtlRewardPair *train = g_new (AtlRewardPair, TRAIN), *test = g_new (AtlRewardPair, TEST);
  AtlRewardConfig cfg;
  AtlReward *lin, *mlp;
  double bayes, acc_lin, acc_mlp;

  atl_rng_seed (&rng, 2);
  synth_init (&s, N, D, SYNTH_NONLINEAR, NULL, &rng);
  synth_pairs (&s, TRAIN, 3.0f, &rng, train, NULL);
  synth_pairs (&s, TEST, 3.0f, &rng, test, &bayes);

  atl_reward_config_init (&cfg, D, 0);
  lin = new_model (&cfg);
  fit_ok (lin, &s, train, TRAIN, NULL, 3, NULL);
  cfg.head = ATL_REWARD_HEAD_MLP;
  cfg.l2 = 0.01f;
  mlp = new_model (&cfg);
  fit_ok (mlp, &s, train, TRAIN, NULL, 3, NULL);
  acc_lin = synth_accuracy (lin, &s, test, TEST);
  acc_mlp = synth_accuracy (mlp, &s, test, TEST);
  g_test_message ("nonlinear taste: linear %.3f, MLP %.3f, Bayes %.3f", acc_lin, acc_mlp, bayes);
  g_assert_cmpfloat (acc_mlp, >=, acc_lin + 0.05);
  g_assert_cmpfloat (bayes - acc_mlp, <=, 0.08);

  atl_reward_free (lin);
  atl_reward_free (mlp);
  synth_clear (&s);
  g_free (train);
  g_free (test);
}

int
main (int   argc,
      char *argv[])
{
  g_test_init (&argc, &argv, NULL);
  g_test_add_func ("/engine/reward/gradient/linear", test_gradient_linear);
  g_test_add_func ("/engine/reward/gradient/mlp-tanh", test_gradient_mlp_tanh);
  g_test_add_func ("/engine/reward/gradient/mlp-gelu", test_gradient_mlp_gelu);
  g_test_add_func ("/engine/reward/taste/linear", test_linear_taste);
  g_test_add_func ("/engine/reward/taste/nonlinear", test_nonlinear_taste);
  return g_test_run ();
}
