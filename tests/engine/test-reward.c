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

/* Bootstrap heads differ, and they disagree more far from the data than on it. */
static void
test_bootstrap_spread (void)
{
  enum { N = 200, D = 10, P = 400, FAR = 50 };
  AtlRng rng;
  Synth s;
  AtlRewardPair pairs[P];
  AtlRewardConfig cfg;
  AtlReward *model;
  float *mean = g_new (float, N), *spread = g_new (float, N);
  float *far = g_new (float, FAR * D), far_mean[FAR], far_spread[FAR];
  const float *h0, *h1;
  double near_avg = 0.0, far_avg = 0.0, diff = 0.0;

  atl_rng_seed (&rng, 3);
  synth_init (&s, N, D, SYNTH_LINEAR, NULL, &rng);
  synth_pairs (&s, P, 2.0f, &rng, pairs, NULL);
  atl_reward_config_init (&cfg, D, 0);
  model = new_model (&cfg);
  fit_ok (model, &s, pairs, P, NULL, 4, NULL);

  h0 = atl_reward_get_params (model) + atl_reward_find_tensor (model, "head.0.w")->offset;
  h1 = atl_reward_get_params (model) + atl_reward_find_tensor (model, "head.1.w")->offset;
  for (int c = 0; c < D; c++)
    diff += fabs (h0[c] - h1[c]);
  g_assert_cmpfloat (diff, >, 1e-3);

  g_assert_cmpint (atl_reward_predict (model, s.works, N, mean, spread, NULL, NULL), ==, ATL_OK);
  for (int i = 0; i < N; i++)
    near_avg += spread[i] / N;
  /* Far: 6 standard deviations out along random directions, in raw units. */
  for (int i = 0; i < FAR; i++)
    for (int c = 0; c < D; c++)
      {
        float offset = (float) (c % 7) - 3.0f, scale = 0.01f + (float) (c % 5);

        far[i * D + c] = offset + scale * 6.0f * atl_rng_normal (&rng);
      }
  g_assert_cmpint (atl_reward_predict (model, far, FAR, far_mean, far_spread, NULL, NULL),
                   ==, ATL_OK);
  for (int i = 0; i < FAR; i++)
    far_avg += far_spread[i] / FAR;
  g_test_message ("spread near the data %.3f, far from it %.3f", near_avg, far_avg);
  g_assert_cmpfloat (near_avg, >, 0.0);
  g_assert_cmpfloat (far_avg, >, 2.0 * near_avg);

  /* Without bootstrap, linear heads solve the same convex problem: no spread. */
  cfg.bootstrap = 0;
  atl_reward_free (model);
  model = new_model (&cfg);
  fit_ok (model, &s, pairs, P, NULL, 4, NULL);
  g_assert_cmpint (atl_reward_predict (model, s.works, N, mean, spread, NULL, NULL), ==, ATL_OK);
  for (int i = 0; i < N; i++)
    g_assert_cmpfloat (spread[i], <, 1e-3);

  atl_reward_free (model);
  synth_clear (&s);
  g_free (mean);
  g_free (spread);
  g_free (far);
}

/* Perfectly separable comparisons: without L2 the BT optimum is at infinity; with the
 * default L2 the weights stay finite and the optimiser converges. */
static void
test_separable (void)
{
  enum { N = 60, D = 5, P = 300 };
  AtlRng rng;
  Synth s;
  AtlRewardPair pairs[P];
  AtlRewardConfig cfg;
  AtlRewardFitReport rep;
  AtlReward *model;
  const float *params;
  double norm = 0.0;

  atl_rng_seed (&rng, 5);
  synth_init (&s, N, D, SYNTH_LINEAR, NULL, &rng);
  synth_pairs (&s, P, 0.0f, &rng, pairs, NULL);
  atl_reward_config_init (&cfg, D, 0);
  model = new_model (&cfg);
  fit_ok (model, &s, pairs, P, NULL, 6, &rep);
  g_assert_cmpint (rep.n_converged, ==, cfg.n_heads);
  g_assert_cmpfloat (rep.train_acc, >=, 0.9);
  params = atl_reward_get_params (model);
  for (size_t k = 0; k < atl_reward_get_n_params (model); k++)
    g_assert_true (isfinite (params[k]));
  for (int h = 0; h < cfg.n_heads; h++)
    {
      char name[32];
      const float *w;

      g_snprintf (name, sizeof name, "head.%d.w", h);
      w = params + atl_reward_find_tensor (model, name)->offset;
      for (int c = 0; c < D; c++)
        norm = fmax (norm, fabs (w[c]));
    }
  g_test_message ("separable data: largest weight %.2f", norm);
  /* At the optimum l2·w = −∇(mean NLL), and that gradient is at most max‖Δx‖ ≈ 10. */
  g_assert_cmpfloat (norm, <, 100.0);
  atl_reward_free (model);
  synth_clear (&s);
}

/* k-fold equals the same folds fitted and scored by hand: random pairs link every work,
 * so the works are shuffled into folds; fold f tests the pairs inside f and trains on the
 * pairs that touch no work of f. */
static void
test_kfold_manual (void)
{
  enum { N = 80, D = 6, P = 400, K = 5 };
  AtlRng rng;
  Synth s;
  AtlRewardPair pairs[P], train[P];
  AtlRewardConfig cfg;
  float acc, fold_acc[K], mean[N], ll;
  int fold[N], in_fold[K] = { 0 };
  double hit_all = 0.0, ll_all = 0.0;
  int held_all = 0;

  atl_rng_seed (&rng, 8);
  synth_init (&s, N, D, SYNTH_LINEAR, NULL, &rng);
  synth_pairs (&s, P, 2.0f, &rng, pairs, NULL);
  atl_reward_config_init (&cfg, D, 0);

  atl_rng_seed (&rng, 9);
  g_assert_cmpint (atl_reward_cross_validate (&cfg, s.works, N, pairs, P, NULL, K, &rng,
                                              &acc, fold_acc, NULL), ==, ATL_OK);

  atl_rng_seed (&rng, 9);
  g_assert_cmpint (atl_reward_assign_folds (pairs, P, N, K, &rng, fold, NULL), ==, ATL_OK);
  for (int w = 0; w < N; w++)
    if (fold[w] >= 0)
      in_fold[fold[w]]++;
  for (int f = 0; f < K; f++)   /* balanced: rank mod k */
    g_assert_cmpint (in_fold[f], >=, in_fold[0] - 1);
  for (int f = 0; f < K; f++)
    {
      AtlReward *model = new_model (&cfg);
      AtlRewardPair held[P];
      int nt = 0, nh = 0;
      double a;

      for (int p = 0; p < P; p++)
        {
          gboolean w_in = fold[pairs[p].winner] == f, l_in = fold[pairs[p].loser] == f;

          if (w_in && l_in)
            held[nh++] = pairs[p];
          else if (!w_in && !l_in)
            train[nt++] = pairs[p];
        }
      g_assert_cmpint (nh, >, 0);
      g_assert_cmpint (atl_reward_fit (model, s.works, N, train, nt, NULL, &rng, NULL, NULL),
                       ==, ATL_OK);
      a = synth_accuracy (model, &s, held, nh);
      g_assert_cmpfloat (fabs (a - fold_acc[f]), <, 1e-6);
      hit_all += a * nh;
      held_all += nh;
      g_assert_cmpint (atl_reward_predict (model, s.works, N, mean, NULL, NULL, NULL), ==,
                       ATL_OK);
      for (int p = 0; p < nh; p++)
        ll_all += log (1.0 / (1.0 + exp (-(double) (mean[held[p].winner]
                                                    - mean[held[p].loser]))));
      atl_reward_free (model);
    }
  g_test_message ("%d-fold accuracy %.3f over %d held-out pairs", K, acc, held_all);
  g_assert_cmpfloat (fabs (hit_all / held_all - acc), <, 1e-6);
  g_assert_cmpfloat (acc, >, 0.7);

  /* The log-likelihood of the same split: the same numbers by hand, and better than the
   * log ½ of a model that knows nothing. */
  atl_rng_seed (&rng, 9);
  g_assert_cmpint (atl_reward_cross_validate_log_lik (&cfg, s.works, N, pairs, P, NULL, K,
                                                      &rng, &ll, NULL), ==, ATL_OK);
  g_assert_cmpfloat (fabs (ll - ll_all / held_all), <, 1e-4);
  g_assert_cmpfloat (ll, >, log (0.5) + 0.1);
  synth_clear (&s);
}

/* Grids are held out whole; a single grid has nothing honest to test; one linked graph of
 * grids is split by works. */
static void
test_folds_by_grid (void)
{
  enum { GRIDS = 13, G = 6, P = GRIDS * (G - 1), K = 5, N = GRIDS * G };
  AtlRewardPair pairs[P], bad = { 0, GRIDS * G };   /* names a work past the end */
  int fold[N], count[K] = { 0 };
  AtlRng rng;
  AtlRewardConfig cfg;
  Synth s;
  float acc;

  atl_rng_seed (&rng, 21);
  for (int g = 0, p = 0; g < GRIDS; g++)
    for (int i = 1; i < G; i++, p++)
      pairs[p] = (AtlRewardPair) { g * G, g * G + i };   /* the first is the favourite */
  g_assert_cmpint (atl_reward_assign_folds (pairs, P, N, K, &rng, fold, NULL), ==, ATL_OK);
  for (int g = 0; g < GRIDS; g++)
    {
      g_assert_cmpint (fold[g * G], >=, 0);
      g_assert_cmpint (fold[g * G], <, K);
      for (int i = 1; i < G; i++)   /* a grid is one fold */
        g_assert_cmpint (fold[g * G + i], ==, fold[g * G]);
      count[fold[g * G]] += G - 1;
    }
  for (int f = 0; f < K; f++)   /* 13 grids in 5 folds: 2 or 3 grids each */
    g_assert_cmpint (count[f], >=, 2 * (G - 1));

  /* Three grids, five folds: each grid is a fold of its own, two folds stay empty; works
   * no pair names are in no fold. */
  g_assert_cmpint (atl_reward_assign_folds (pairs, 3 * (G - 1), N, K, &rng, fold, NULL), ==,
                   ATL_OK);
  memset (count, 0, sizeof count);
  for (int g = 0; g < 3; g++)
    count[fold[g * G]]++;
  for (int f = 0; f < K; f++)
    g_assert_cmpint (count[f], <=, 1);
  g_assert_cmpint (fold[3 * G], ==, -1);

  /* One grid: every pair has the favourite, so no fold can hold a pair out without also
   * training on its favourite — no accuracy rather than a leaky 1.00. */
  atl_rng_seed (&rng, 22);
  synth_init (&s, N, 4, SYNTH_LINEAR, NULL, &rng);
  atl_reward_config_init (&cfg, 4, 0);
  g_assert_cmpint (atl_reward_cross_validate (&cfg, s.works, N, pairs, G - 1, NULL, K, &rng,
                                              &acc, NULL, NULL), ==, ATL_OK);
  g_assert_true (isnan (acc));
  g_assert_cmpint (atl_reward_cross_validate_log_lik (&cfg, s.works, N, pairs, G - 1, NULL, K,
                                                      &rng, &acc, NULL), ==, ATL_OK);
  g_assert_true (isnan (acc));
  synth_clear (&s);

  /* Chain the grids into one component: works, not grids, are split, every fold gets
   * some. */
  for (int g = 1; g < GRIDS; g++)
    pairs[g * (G - 1)].loser = 0;
  g_assert_cmpint (atl_reward_assign_folds (pairs, P, N, K, &rng, fold, NULL), ==, ATL_OK);
  memset (count, 0, sizeof count);
  {
    int used = 0;

    for (int w = 0; w < N; w++)
      if (fold[w] >= 0)
        {
          count[fold[w]]++;
          used++;
        }
    for (int f = 0; f < K; f++)   /* rank mod k: within one of each other */
      g_assert_cmpint (count[f], >=, used / K);
  }
  pairs[P - 1] = bad;
  g_assert_cmpint (atl_reward_assign_folds (pairs, P, N, K, &rng, fold, NULL), ==,
                   ATL_ERR_RANGE);
}

/* The same seed gives the same bits; another seed, other bootstrap heads. */
static void
test_deterministic (void)
{
  enum { N = 50, D = 6, E = 4, P = 150 };
  static const AtlRewardHeadKind kinds[] = { ATL_REWARD_HEAD_LINEAR, ATL_REWARD_HEAD_MLP };
  AtlRng rng;
  Synth s;
  AtlRewardPair pairs[P];

  atl_rng_seed (&rng, 11);
  synth_init (&s, N, D + E, SYNTH_LINEAR, NULL, &rng);
  synth_pairs (&s, P, 2.0f, &rng, pairs, NULL);
  for (guint k = 0; k < G_N_ELEMENTS (kinds); k++)
    {
      AtlRewardConfig cfg;
      AtlReward *a, *b, *c;
      size_t n;

      atl_reward_config_init (&cfg, D, E);
      cfg.head = kinds[k];
      a = new_model (&cfg);
      b = new_model (&cfg);
      c = new_model (&cfg);
      fit_ok (a, &s, pairs, P, NULL, 42, NULL);
      fit_ok (b, &s, pairs, P, NULL, 42, NULL);
      fit_ok (c, &s, pairs, P, NULL, 43, NULL);
      n = atl_reward_get_n_params (a);
      g_assert_cmpmem (atl_reward_get_params (a), n * sizeof (float),
                       atl_reward_get_params (b), n * sizeof (float));
      g_assert_true (memcmp (atl_reward_get_params (a), atl_reward_get_params (c),
                             n * sizeof (float)) != 0);
      atl_reward_free (a);
      atl_reward_free (b);
      atl_reward_free (c);
    }
  synth_clear (&s);
}

/* A weight of 2 is the same objective as the pair twice (no bootstrap to differ). */
static void
test_weights (void)
{
  enum { N = 40, D = 5, P = 100 };
  AtlRng rng;
  Synth s;
  AtlRewardPair pairs[P + 10];
  float weights[P];
  AtlRewardConfig cfg;
  AtlReward *a, *b;
  const float *wa, *wb;

  atl_rng_seed (&rng, 12);
  synth_init (&s, N, D, SYNTH_LINEAR, NULL, &rng);
  synth_pairs (&s, P, 2.0f, &rng, pairs, NULL);
  for (int p = 0; p < P; p++)
    weights[p] = p < 10 ? 2.0f : 1.0f;
  memcpy (pairs + P, pairs, 10 * sizeof (AtlRewardPair));
  atl_reward_config_init (&cfg, D, 0);
  cfg.bootstrap = 0;
  cfg.n_heads = 1;
  cfg.grad_tol = 1e-6f;
  a = new_model (&cfg);
  b = new_model (&cfg);
  fit_ok (a, &s, pairs, P, weights, 1, NULL);
  fit_ok (b, &s, pairs, P + 10, NULL, 1, NULL);
  wa = atl_reward_get_params (a) + atl_reward_find_tensor (a, "head.0.w")->offset;
  wb = atl_reward_get_params (b) + atl_reward_find_tensor (b, "head.0.w")->offset;
  for (int c = 0; c < D; c++)
    g_assert_cmpfloat (fabs (wa[c] - wb[c]), <, 1e-3);
  atl_reward_free (a);
  atl_reward_free (b);
  synth_clear (&s);
}

static void
expect_fail (AtlStatus   status,
             AtlStatus   expected,
             const AtlMsg *msg,
             const char *needle)
{
  g_test_message ("%s: %s", atl_status_name (status), msg->text);
  g_assert_cmpint (status, ==, expected);
  g_assert_nonnull (strstr (msg->text, needle));
}

static void
test_degenerate (void)
{
  enum { N = 30, D = 4, P = 60 };
  AtlRng rng;
  Synth s;
  AtlRewardPair pairs[P];
  AtlRewardConfig cfg;
  AtlReward *model = NULL;
  AtlMsg msg;
  float mean[N], weights[P], one[D] = { 0 };
  const float *attr;

  atl_rng_seed (&rng, 13);
  synth_init (&s, N, D, SYNTH_LINEAR, NULL, &rng);
  synth_pairs (&s, P, 2.0f, &rng, pairs, NULL);

  atl_reward_config_init (&cfg, 0, 0);
  expect_fail (atl_reward_new (&cfg, &model, &msg), ATL_ERR_RANGE, &msg, "features");
  g_assert_null (model);
  atl_reward_config_init (&cfg, D, 0);
  cfg.l2 = NAN;
  expect_fail (atl_reward_new (&cfg, &model, &msg), ATL_ERR_INVALID, &msg, "l2");
  atl_reward_config_init (&cfg, D, 0);
  model = new_model (&cfg);

  expect_fail (atl_reward_predict (model, one, 1, mean, NULL, NULL, &msg), ATL_ERR_INVALID,
               &msg, "before any fit");
  expect_fail (atl_reward_fit (model, s.works, N, pairs, 0, NULL, &rng, NULL, &msg),
               ATL_ERR_INVALID, &msg, "no comparisons");
  expect_fail (atl_reward_fit (model, s.works, 1, pairs, P, NULL, &rng, NULL, &msg),
               ATL_ERR_INVALID, &msg, "at least 2 works");
  expect_fail (atl_reward_fit (model, s.works, N,
                               (AtlRewardPair[]) { { 0, 1 }, { 3, 3 } }, 2, NULL, &rng, NULL,
                               &msg), ATL_ERR_INVALID, &msg, "work 3 with itself");
  expect_fail (atl_reward_fit (model, s.works, N, (AtlRewardPair[]) { { 0, N } }, 1, NULL,
                               &rng, NULL, &msg), ATL_ERR_RANGE, &msg, "comparison 0");
  for (int p = 0; p < P; p++)
    weights[p] = p == 7 ? -1.0f : 1.0f;
  expect_fail (atl_reward_fit (model, s.works, N, pairs, P, weights, &rng, NULL, &msg),
               ATL_ERR_INVALID, &msg, "comparison 7");
  for (int p = 0; p < P; p++)
    weights[p] = 0.0f;
  expect_fail (atl_reward_fit (model, s.works, N, pairs, P, weights, &rng, NULL, &msg),
               ATL_ERR_INVALID, &msg, "sum to 0");
  g_assert_false (atl_reward_is_fitted (model));

  /* A NaN in a compared work is an error naming it; in an uncompared work it is unused. */
  {
    int w = pairs[0].winner;
    float saved = s.works[w * D + 2];

    s.works[w * D + 2] = NAN;
    g_snprintf (msg.text, sizeof msg.text, "work %d, column 2", w);
    {
      char needle[64];

      g_strlcpy (needle, msg.text, sizeof needle);
      expect_fail (atl_reward_fit (model, s.works, N, pairs, P, NULL, &rng, NULL, &msg),
                   ATL_ERR_NUMERIC, &msg, needle);
    }
    s.works[w * D + 2] = saved;
  }
  {
    AtlRewardPair few[] = { { 0, 1 }, { 1, 2 }, { 2, 0 }, { 0, 2 } };
    float saved = s.works[5 * D];

    s.works[5 * D] = INFINITY;
    g_assert_cmpint (atl_reward_fit (model, s.works, N, few, 4, NULL, &rng, NULL, &msg), ==,
                     ATL_OK);
    expect_fail (atl_reward_predict (model, s.works, N, mean, NULL, NULL, &msg),
                 ATL_ERR_NUMERIC, &msg, "work 5, column 0");
    s.works[5 * D] = saved;
  }

  /* A constant column: standardised to 0 with the floored std, so it learns nothing. */
  for (int i = 0; i < N; i++)
    s.works[i * D + 1] = 4.25f;
  g_assert_cmpint (atl_reward_fit (model, s.works, N, pairs, P, NULL, &rng, NULL, &msg), ==,
                   ATL_OK);
  attr = atl_reward_get_attribution (model);
  g_assert_cmpfloat (attr[1], ==, 0.0f);
  g_assert_cmpfloat (atl_reward_get_params (model)[atl_reward_find_tensor (model, "std")->offset
                                                    + 1], ==, cfg.std_floor);
  g_assert_cmpint (atl_reward_predict (model, s.works, N, mean, NULL, NULL, &msg), ==, ATL_OK);
  for (int i = 0; i < N; i++)
    g_assert_true (isfinite (mean[i]));

  /* Two works, one comparison: a valid, tiny fit. */
  g_assert_cmpint (atl_reward_fit (model, s.works, 2, (AtlRewardPair[]) { { 1, 0 } }, 1, NULL,
                                   &rng, NULL, &msg), ==, ATL_OK);
  g_assert_cmpint (atl_reward_predict (model, s.works, 2, mean, NULL, NULL, &msg), ==, ATL_OK);
  g_assert_cmpfloat (mean[1], >, mean[0]);

  /* k-fold needs at least k pairs. */
  expect_fail (atl_reward_cross_validate (&cfg, s.works, N, pairs, 3, NULL, 5, &rng, mean,
                                          NULL, &msg), ATL_ERR_INVALID, &msg, "5-fold");
  atl_reward_free (model);
  synth_clear (&s);
}

/* "What it learned": the planted features, with their signs, on top. */
static void
test_top_features (void)
{
  enum { F = 12, E = 16, N = 300, P = 1500 };
  static const char *names[F + E] = {
    "contour", "warm hues", "symmetry", "density", "syncopation", "range",
    "in key", "leaps", "motif", "repeats", "coverage", "edges",
  };
  float beta[F + E] = { 0 };
  AtlRng rng;
  Synth s;
  AtlRewardPair *pairs = g_new (AtlRewardPair, P);
  AtlRewardConfig cfg;
  AtlRewardFeature top[3];
  char text[128];
  static const AtlRewardHeadKind kinds[] = { ATL_REWARD_HEAD_LINEAR, ATL_REWARD_HEAD_MLP };

  beta[1] = 2.0f;   /* warm hues ↑ */
  beta[2] = -1.5f;  /* symmetry ↓ */
  beta[7] = 1.0f;   /* leaps ↑ */
  atl_rng_seed (&rng, 14);
  synth_init (&s, N, F + E, SYNTH_LINEAR, beta, &rng);
  synth_pairs (&s, P, 2.0f, &rng, pairs, NULL);

  for (guint k = 0; k < G_N_ELEMENTS (kinds); k++)
    {
      AtlReward *model;

      atl_reward_config_init (&cfg, F, E);
      cfg.head = kinds[k];
      model = new_model (&cfg);
      fit_ok (model, &s, pairs, P, NULL, 15, NULL);
      g_assert_cmpint (atl_reward_top_features (model, names, 1, 3, top), ==, 3);
      g_assert_cmpint (top[0].index, ==, 1);
      g_assert_cmpint (top[1].index, ==, 2);
      g_assert_cmpint (top[2].index, ==, 7);
      g_assert_cmpfloat (top[0].weight, >, 0.0f);
      g_assert_cmpfloat (top[1].weight, <, 0.0f);
      g_assert_cmpfloat (top[2].weight, >, 0.0f);
      g_assert_cmpstr (top[1].name, ==, "symmetry");
      atl_reward_format_top (model, names, 2, text, sizeof text);
      g_test_message ("%s heads learned: %s", k ? "MLP" : "linear", text);
      g_assert_cmpstr (text, ==, "warm hues \u2191, symmetry \u2193");
      /* Unnamed columns, and a buffer too small for a whole entry. */
      atl_reward_format_top (model, NULL, 1, text, sizeof text);
      g_assert_cmpstr (text, ==, "feature 1 \u2191");
      atl_reward_format_top (model, names, 2, text, 16);
      g_assert_cmpstr (text, ==, "warm hues \u2191");
      atl_reward_free (model);
    }
  synth_clear (&s);
  g_free (pairs);
}

/* The parameter table round-trips a fitted model into a fresh one. */
static void
test_tensors (void)
{
  enum { F = 5, E = 3, N = 40, P = 100 };
  static const AtlRewardHeadKind kinds[] = { ATL_REWARD_HEAD_LINEAR, ATL_REWARD_HEAD_MLP };
  AtlRng rng;
  Synth s;
  AtlRewardPair pairs[P];

  atl_rng_seed (&rng, 16);
  synth_init (&s, N, F + E, SYNTH_LINEAR, NULL, &rng);
  synth_pairs (&s, P, 2.0f, &rng, pairs, NULL);
  for (guint k = 0; k < G_N_ELEMENTS (kinds); k++)
    {
      AtlRewardConfig cfg;
      AtlReward *a, *b;
      const AtlRewardTensor *t;
      int nt;
      size_t total = 0;
      float ma[N], sa[N], mb[N], sb[N];
      AtlMsg msg;

      atl_reward_config_init (&cfg, F, E);
      cfg.head = kinds[k];
      a = new_model (&cfg);
      b = new_model (&cfg);
      fit_ok (a, &s, pairs, P, NULL, 17, NULL);
      t = atl_reward_get_tensors (a, &nt);
      g_assert_cmpint (nt, ==, 4 + cfg.n_heads * (k ? 3 : 1));
      for (int i = 0; i < nt; i++)
        {
          const AtlRewardTensor *tb = atl_reward_find_tensor (b, t[i].name);

          g_assert_nonnull (tb);
          g_assert_cmpuint (t[i].offset, ==, total);
          g_assert_cmpuint (t[i].numel, ==, (size_t) t[i].shape[0] * t[i].shape[1]);
          total += t[i].numel;
          memcpy (atl_reward_get_params (b) + tb->offset,
                  atl_reward_get_params (a) + t[i].offset, t[i].numel * sizeof (float));
        }
      g_assert_cmpuint (total, ==, atl_reward_get_n_params (a));
      if (k)
        {
          t = atl_reward_find_tensor (a, "head.4.fc.w");
          g_assert_cmpint (t->ndim, ==, 2);
          g_assert_cmpint (t->shape[0], ==, cfg.hidden);
          g_assert_cmpint (t->shape[1], ==, F + E);
        }
      g_assert_null (atl_reward_find_tensor (a, "nope"));
      g_assert_cmpint (atl_reward_set_fitted (b, NULL), ==, ATL_OK);
      g_assert_cmpint (atl_reward_predict (a, s.works, N, ma, sa, NULL, NULL), ==, ATL_OK);
      g_assert_cmpint (atl_reward_predict (b, s.works, N, mb, sb, NULL, NULL), ==, ATL_OK);
      g_assert_cmpmem (ma, sizeof ma, mb, sizeof mb);
      g_assert_cmpmem (sa, sizeof sa, sb, sizeof sb);

      /* A loaded NaN or a zero std is refused. */
      atl_reward_get_params (b)[atl_reward_find_tensor (b, "head.2.w") ?
                                atl_reward_find_tensor (b, "head.2.w")->offset :
                                atl_reward_find_tensor (b, "head.2.out.w")->offset] = NAN;
      expect_fail (atl_reward_set_fitted (b, &msg), ATL_ERR_NUMERIC, &msg, "head.2");
      memcpy (atl_reward_get_params (b), atl_reward_get_params (a),
              atl_reward_get_n_params (a) * sizeof (float));
      atl_reward_get_params (b)[atl_reward_find_tensor (b, "std")->offset] = 0.0f;
      expect_fail (atl_reward_set_fitted (b, &msg), ATL_ERR_INVALID, &msg, "std[0]");
      atl_reward_free (a);
      atl_reward_free (b);
    }
  synth_clear (&s);
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
  g_test_add_func ("/engine/reward/bootstrap-spread", test_bootstrap_spread);
  g_test_add_func ("/engine/reward/separable", test_separable);
  g_test_add_func ("/engine/reward/kfold-manual", test_kfold_manual);
  g_test_add_func ("/engine/reward/folds-by-grid", test_folds_by_grid);
  g_test_add_func ("/engine/reward/deterministic", test_deterministic);
  g_test_add_func ("/engine/reward/weights", test_weights);
  g_test_add_func ("/engine/reward/degenerate", test_degenerate);
  g_test_add_func ("/engine/reward/top-features", test_top_features);
  g_test_add_func ("/engine/reward/tensors", test_tensors);
  return g_test_run ();
}
