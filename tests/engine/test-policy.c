/* test-policy.c: the whole policy under the finite-difference check (test-grad.h), its
 * tensor table, pooling, the loss normalisation, and AdamW against a double-precision
 * transcription of torch.optim.AdamW.
 */
#include <glib.h>
#include <math.h>
#include <string.h>

#include "atl-adamw.h"
#include "atl-nn.h"
#include "atl-policy.h"
#include "atl-policy-lanes.h"
#include "atl-rng.h"
#include "test-grad.h"

enum { B = 2, T = 7 };

typedef struct
{
  AtlPolicy *policy;
  int tokens[B * T];
  int targets[B * T];
  float mask[B * T];
  float weight[B];
} PolicyCase;

static AtlPolicy *
tiny_policy (guint64 seed,
             float   spread)
{
  AtlPolicyConfig config = { .vocab = 11, .ctx = 8, .d_model = 16, .n_layer = 2, .n_head = 2 };
  AtlPolicy *policy = NULL;
  AtlMsg msg;
  AtlRng rng;
  float *params;

  g_assert_cmpint (atl_policy_new (&config, &policy, &msg), ==, ATL_OK);
  atl_rng_seed (&rng, seed);
  atl_policy_init_weights (policy, &rng);
  /* Larger than GPT-2's 0.02 so every nonlinearity is exercised, and LayerNorm affine
   * parameters away from 1 and 0. */
  params = atl_policy_get_params (policy);
  for (size_t i = 0; i < atl_policy_get_n_params (policy); i++)
    params[i] += spread * atl_rng_normal (&rng);
  return policy;
}

static void
fill_case (PolicyCase *c,
           guint64     seed)
{
  AtlRng rng;

  atl_rng_seed (&rng, seed);
  for (int i = 0; i < B * T; i++)
    {
      c->tokens[i] = atl_rng_below (&rng, 11);
      c->targets[i] = atl_rng_below (&rng, 11);
      c->mask[i] = atl_rng_uniform (&rng) < 0.25f ? 0.0f : 1.0f;
    }
  c->targets[3] = -1;
  c->weight[0] = 0.7f;
  c->weight[1] = -0.4f;
}

/* J = Σ_b w[b] Σ_t m[b,t]·(−logp[b,t]), as atl_policy_backward defines it. */
static double
policy_loss (gpointer data)
{
  PolicyCase *c = data;
  float logp[B * T];
  double j = 0.0;

  g_assert_cmpint (atl_policy_forward (c->policy, c->tokens, c->targets, c->mask, B, T,
                                       NULL, logp, NULL), ==, ATL_OK);
  for (int b = 0; b < B; b++)
    for (int t = 0; t < T; t++)
      j -= (double) c->weight[b] * c->mask[b * T + t] * logp[b * T + t];
  return j;
}

static void
test_policy_backward (void)
{
  PolicyCase c;
  const AtlPolicyTensor *tensors;
  int n_tensors;
  GradParam *params;
  GradTol tol = { 3e-3f, 1e-2, 1e-3, 24 };
  AtlMsg msg;

  c.policy = tiny_policy (10, 0.3f);
  fill_case (&c, 11);
  atl_policy_zero_grads (c.policy);
  policy_loss (&c);
  g_assert_cmpint (atl_policy_backward (c.policy, c.weight, &msg), ==, ATL_OK);

  tensors = atl_policy_get_tensors (c.policy, &n_tensors);
  params = g_new (GradParam, n_tensors);
  for (int i = 0; i < n_tensors; i++)
    params[i] = (GradParam) { tensors[i].name,
                              atl_policy_get_params (c.policy) + tensors[i].offset,
                              atl_policy_get_grads (c.policy) + tensors[i].offset,
                              tensors[i].numel };
  check_grads (policy_loss, &c, params, n_tensors, &tol);
  g_free (params);
  atl_policy_free (c.policy);
}

static void
test_policy_mean_loss (void)
{
  /* backward (NULL) is the gradient of the returned mean loss, i.e. w = 1/Σm. */
  PolicyCase c;
  float loss, sum_mask = 0.0f;
  size_t n;
  g_autofree float *g_null = NULL;
  AtlMsg msg;

  c.policy = tiny_policy (12, 0.1f);
  fill_case (&c, 13);
  n = atl_policy_get_n_params (c.policy);
  for (int i = 0; i < B * T; i++)
    sum_mask += c.targets[i] < 0 ? 0.0f : c.mask[i];
  c.weight[0] = c.weight[1] = 1.0f / sum_mask;

  atl_policy_zero_grads (c.policy);
  g_assert_cmpint (atl_policy_forward (c.policy, c.tokens, c.targets, c.mask, B, T, &loss,
                                       NULL, &msg), ==, ATL_OK);
  g_assert_cmpfloat_with_epsilon (loss, policy_loss (&c), 1e-5);
  g_assert_cmpint (atl_policy_backward (c.policy, NULL, &msg), ==, ATL_OK);
  g_null = g_memdup2 (atl_policy_get_grads (c.policy), n * sizeof (float));
  atl_policy_zero_grads (c.policy);
  policy_loss (&c);
  g_assert_cmpint (atl_policy_backward (c.policy, c.weight, &msg), ==, ATL_OK);
  for (size_t i = 0; i < n; i++)
    g_assert_cmpfloat_with_epsilon (g_null[i], atl_policy_get_grads (c.policy)[i], 1e-6);
  atl_policy_free (c.policy);
}

static void
test_policy_tensors (void)
{
  AtlPolicy *policy = tiny_policy (1, 0.0f);
  const AtlPolicyTensor *t;
  int n;
  size_t offset = 0;

  t = atl_policy_get_tensors (policy, &n);
  g_assert_cmpint (n, ==, 2 + 12 * 2 + 2);
  /* Contiguous, in order, covering the buffer exactly. */
  for (int i = 0; i < n; i++)
    {
      g_assert_cmpuint (t[i].offset, ==, offset);
      g_assert_cmpuint (t[i].numel, ==, (size_t) t[i].shape[0] * t[i].shape[1]);
      offset += t[i].numel;
    }
  g_assert_cmpuint (offset, ==, atl_policy_get_n_params (policy));
  g_assert_cmpstr (t[0].name, ==, "wte");
  g_assert_cmpstr (t[2].name, ==, "h.0.ln1.w");
  g_assert_cmpstr (t[n - 1].name, ==, "lnf.b");
  t = atl_policy_find_tensor (policy, "h.1.mlp.proj.w");
  g_assert_nonnull (t);
  g_assert_cmpint (t->shape[0], ==, 16);
  g_assert_cmpint (t->shape[1], ==, 64);
  g_assert_true (t->decay);
  g_assert_false (atl_policy_find_tensor (policy, "h.1.ln2.b")->decay);
  g_assert_null (atl_policy_find_tensor (policy, "h.2.ln1.w"));
  atl_policy_free (policy);
}

static void
test_policy_errors (void)
{
  AtlPolicyConfig bad = { .vocab = 11, .ctx = 8, .d_model = 15, .n_layer = 2, .n_head = 2 };
  AtlPolicy *policy = NULL;
  AtlMsg msg;
  int tokens[9] = { 0 };

  g_assert_cmpint (atl_policy_new (&bad, &policy, &msg), ==, ATL_ERR_INVALID);
  g_assert_null (policy);
  policy = tiny_policy (1, 0.0f);
  g_assert_cmpint (atl_policy_forward (policy, tokens, NULL, NULL, 1, 9, NULL, NULL, &msg),
                   ==, ATL_ERR_RANGE);
  tokens[2] = 11;
  g_assert_cmpint (atl_policy_forward (policy, tokens, NULL, NULL, 1, 8, NULL, NULL, &msg),
                   ==, ATL_ERR_RANGE);
  tokens[2] = 0;
  g_assert_cmpint (atl_policy_forward (policy, tokens, NULL, NULL, 1, 8, NULL, NULL, &msg),
                   ==, ATL_OK);
  g_assert_cmpint (atl_policy_backward (policy, NULL, &msg), ==, ATL_ERR_INVALID);
  atl_policy_free (policy);
}

static void
test_policy_pool (void)
{
  PolicyCase c;
  float pooled[B * 16], pooled_all[B * 16];
  AtlMsg msg;

  c.policy = tiny_policy (14, 0.1f);
  fill_case (&c, 15);
  g_assert_cmpint (atl_policy_forward (c.policy, c.tokens, NULL, NULL, B, T, NULL, NULL,
                                       &msg), ==, ATL_OK);
  g_assert_cmpint (atl_policy_pool (c.policy, c.mask, pooled, &msg), ==, ATL_OK);
  g_assert_cmpint (atl_policy_pool (c.policy, NULL, pooled_all, &msg), ==, ATL_OK);
  /* A final-LayerNorm state with unit weights has mean lnf.b = 0… so compare with a
   * direct average instead: pool over a one-hot mask is that position's state. */
  for (int b = 0; b < B; b++)
    {
      float one[B * T] = { 0 };
      float single[B * 16];

      one[b * T + 2] = 1.0f;
      g_assert_cmpint (atl_policy_pool (c.policy, one, single, &msg), ==, ATL_OK);
      for (int i = 0; i < 16; i++)
        g_assert_true (isfinite (pooled[b * 16 + i]) && isfinite (pooled_all[b * 16 + i]));
      /* The other sequence has no position in this mask: zeros. */
      for (int i = 0; i < 16; i++)
        g_assert_cmpfloat (single[(1 - b) * 16 + i], ==, 0.0f);
    }
  atl_policy_free (c.policy);
}

/* The frozen forward runs rows in chunks through shared buffers; its log-probabilities,
 * loss, logits and pooled states are the training forward's, and backward refuses after
 * it. 40 rows of 60 positions make three chunks of ATL_POLICY_FROZEN_TOKENS. */
static void
test_policy_frozen (void)
{
  enum { FB = 40, FT = 60, FC = 16, FV = 11 };
  AtlPolicyConfig config = { .vocab = FV, .ctx = 64, .d_model = FC, .n_layer = 2,
                             .n_head = 2 };
  AtlPolicy *policy = NULL;
  g_autofree int *tokens = g_new (int, FB * FT), *targets = g_new (int, FB * FT);
  g_autofree float *mask = g_new (float, FB * FT);
  g_autofree float *logp = g_new (float, FB * FT), *logp_f = g_new (float, FB * FT);
  g_autofree float *logits = g_new (float, FB * FT * FV);
  float pooled[FB * FC], pooled_f[FB * FC], loss, loss_f, worst = 0.0f;
  const float *z;
  AtlMsg msg;
  AtlRng rng;

  g_assert_cmpint (FB * FT, >, 2 * ATL_POLICY_FROZEN_TOKENS);
  g_assert_cmpint (atl_policy_new (&config, &policy, &msg), ==, ATL_OK);
  atl_rng_seed (&rng, 16);
  atl_policy_init_weights (policy, &rng);
  for (size_t i = 0; i < atl_policy_get_n_params (policy); i++)
    atl_policy_get_params (policy)[i] += 0.2f * atl_rng_normal (&rng);
  for (int i = 0; i < FB * FT; i++)
    {
      tokens[i] = atl_rng_below (&rng, FV);
      targets[i] = i % 17 == 5 ? -1 : (int) atl_rng_below (&rng, FV);
      mask[i] = atl_rng_uniform (&rng) < 0.2f ? 0.0f : 1.0f;
    }

  g_assert_cmpint (atl_policy_forward (policy, tokens, targets, mask, FB, FT, &loss, logp,
                                       &msg), ==, ATL_OK);
  memcpy (logits, atl_policy_get_logits (policy), sizeof (float) * FB * FT * FV);
  g_assert_cmpint (atl_policy_pool (policy, mask, pooled, &msg), ==, ATL_OK);

  g_assert_cmpint (atl_policy_forward_frozen (policy, tokens, targets, mask, FB, FT, &loss_f,
                                              logp_f, &msg), ==, ATL_OK);
  g_assert_cmpint (atl_policy_pool (policy, mask, pooled_f, &msg), ==, ATL_OK);
  z = atl_policy_get_logits (policy);
  for (int i = 0; i < FB * FT; i++)
    worst = fmaxf (worst, fabsf (logp[i] - logp_f[i]));
  for (int i = 0; i < FB * FT * FV; i++)
    worst = fmaxf (worst, fabsf (logits[i] - z[i]));
  for (int i = 0; i < FB * FC; i++)
    worst = fmaxf (worst, fabsf (pooled[i] - pooled_f[i]));
  g_test_message ("largest difference from the training forward %.3g", worst);
  g_assert_cmpfloat (worst, <=, 1e-5f);
  g_assert_cmpfloat_with_epsilon (loss, loss_f, 1e-6f);
  g_assert_cmpint (atl_policy_backward (policy, NULL, &msg), ==, ATL_ERR_INVALID);
  g_assert_nonnull (strstr (msg.text, "frozen"));

  /* A training forward after it lays its buffers out again; so does one after a release. */
  g_assert_cmpint (atl_policy_forward (policy, tokens, targets, mask, 3, FT, NULL, logp_f,
                                       &msg), ==, ATL_OK);
  g_assert_cmpint (atl_policy_backward (policy, NULL, &msg), ==, ATL_OK);
  atl_policy_release_acts (policy);
  g_assert_cmpint (atl_policy_pool (policy, NULL, pooled_f, &msg), ==, ATL_ERR_INVALID);
  g_assert_cmpint (atl_policy_forward_frozen (policy, tokens, targets, mask, FB, FT, NULL,
                                              logp_f, &msg), ==, ATL_OK);
  for (int i = 0; i < FB * FT; i++)
    g_assert_cmpfloat (fabsf (logp[i] - logp_f[i]), <=, 1e-5f);
  atl_policy_free (policy);
}

static void
test_adamw_step (void)
{
  /* Three steps against torch.optim.AdamW's update written out in double. */
  enum { N = 37 };
  AtlAdamWConfig config = { .lr = 1e-2f, .beta1 = 0.9f, .beta2 = 0.95f, .eps = 1e-8f,
                            .weight_decay = 0.1f, .clip_norm = 1.0f };
  AtlAdamW *opt = NULL;
  AtlRng rng;
  float params[N], grads[N], norm;
  double p[N], m[N] = { 0 }, v[N] = { 0 };
  AtlMsg msg;

  atl_rng_seed (&rng, 16);
  for (int i = 0; i < N; i++)
    p[i] = params[i] = atl_rng_normal (&rng);
  g_assert_cmpint (atl_adamw_new (N, &opt, &msg), ==, ATL_OK);
  atl_adamw_set_decay (opt, 30, 100, 0);
  for (int step = 1; step <= 3; step++)
    {
      double sq = 0.0, scale;

      for (int i = 0; i < N; i++)
        {
          grads[i] = 0.5f * atl_rng_normal (&rng);
          sq += (double) grads[i] * grads[i];
        }
      scale = fmin (1.0, 1.0 / (sqrt (sq) + 1e-6));
      g_assert_cmpint (atl_adamw_step (opt, &config, params, grads, &norm, &msg), ==, ATL_OK);
      g_assert_cmpfloat_with_epsilon (norm, sqrt (sq), 1e-5);
      for (int i = 0; i < N; i++)
        {
          double g = grads[i] * scale;

          p[i] *= 1.0 - (i < 30 ? 1e-2 * 0.1 : 0.0);
          m[i] = 0.9 * m[i] + 0.1 * g;
          v[i] = 0.95 * v[i] + 0.05 * g * g;
          p[i] -= 1e-2 / (1.0 - pow (0.9, step)) * m[i]
                  / (sqrt (v[i]) / sqrt (1.0 - pow (0.95, step)) + 1e-8);
          g_assert_cmpfloat_with_epsilon (params[i], p[i], 1e-5);
        }
    }
  g_assert_cmpint (atl_adamw_get_step (opt), ==, 3);
  grads[0] = NAN;
  g_assert_cmpint (atl_adamw_step (opt, &config, params, grads, &norm, &msg),
                   ==, ATL_ERR_NUMERIC);
  g_assert_cmpint (atl_adamw_get_step (opt), ==, 3);
  atl_adamw_free (opt);
}

/* A step split between lanes gives the loss and gradients of one forward and backward over
 * the whole batch, whatever the rows' share of targets (here the masked ones all fall in
 * the second lane, and with one row the second lane is empty), and the very same numbers
 * on one thread as on two. */
static void
test_policy_lanes (void)
{
  enum { LB = 5, LT = 8 };
  int threads = atl_nn_get_threads ();

  for (int rows = 1; rows <= LB; rows += LB - 1)
    {
      AtlPolicy *whole = tiny_policy (31, 0.3f), *split = tiny_policy (31, 0.3f);
      size_t n = atl_policy_get_n_params (whole);
      int tokens[LB * LT], targets[LB * LT];
      float loss_whole, loss_split, loss_one;
      g_autofree float *grads_two = g_new (float, n);
      AtlPolicyLanes *lanes = NULL;
      double worst = 0.0, scale = 0.0;
      AtlMsg msg;
      AtlRng rng;

      atl_rng_seed (&rng, 32);
      for (int i = 0; i < LB * LT; i++)
        {
          tokens[i] = atl_rng_below (&rng, 11);
          targets[i] = i >= 3 * LT && i % 3 == 0 ? -1 : (int) atl_rng_below (&rng, 11);
        }
      atl_policy_zero_grads (whole);
      g_assert_cmpint (atl_policy_forward (whole, tokens, targets, NULL, rows, LT, &loss_whole,
                                           NULL, &msg), ==, ATL_OK);
      g_assert_cmpint (atl_policy_backward (whole, NULL, &msg), ==, ATL_OK);

      g_assert_cmpint (atl_policy_lanes_new (split, &lanes, &msg), ==, ATL_OK);
      atl_nn_set_threads (2);
      atl_policy_zero_grads (split);
      g_assert_cmpint (atl_policy_lanes_step (lanes, tokens, targets, rows, LT, &loss_split,
                                              &msg), ==, ATL_OK);
      memcpy (grads_two, atl_policy_get_grads (split), n * sizeof (float));
      g_assert_cmpfloat_with_epsilon (loss_split, loss_whole, 1e-5 * fabsf (loss_whole));
      for (size_t i = 0; i < n; i++)
        {
          double d = fabs (grads_two[i] - atl_policy_get_grads (whole)[i]);

          worst = d > worst ? d : worst;
          scale = fmax (scale, fabs (atl_policy_get_grads (whole)[i]));
        }
      g_assert_cmpfloat (scale, >, 0.0);
      g_assert_cmpfloat (worst, <=, 1e-4 * scale);

      atl_nn_set_threads (1);
      atl_policy_zero_grads (split);
      g_assert_cmpint (atl_policy_lanes_step (lanes, tokens, targets, rows, LT, &loss_one,
                                              &msg), ==, ATL_OK);
      g_assert_cmpfloat (loss_one, ==, loss_split);
      g_assert_cmpmem (atl_policy_get_grads (split), n * sizeof (float), grads_two,
                       n * sizeof (float));

      /* Nothing to learn from is an error, not a NaN. */
      for (int i = 0; i < LB * LT; i++)
        targets[i] = -1;
      g_assert_cmpint (atl_policy_lanes_step (lanes, tokens, targets, rows, LT, &loss_one,
                                              &msg), ==, ATL_ERR_INVALID);
      atl_policy_lanes_free (lanes);
      atl_policy_free (whole);
      atl_policy_free (split);
    }
  atl_nn_set_threads (threads);
}

int
main (int    argc,
      char **argv)
{
  g_test_init (&argc, &argv, NULL);
  atl_nn_set_threads (1);

  g_test_add_func ("/engine/policy/backward", test_policy_backward);
  g_test_add_func ("/engine/policy/mean-loss", test_policy_mean_loss);
  g_test_add_func ("/engine/policy/tensors", test_policy_tensors);
  g_test_add_func ("/engine/policy/errors", test_policy_errors);
  g_test_add_func ("/engine/policy/pool", test_policy_pool);
  g_test_add_func ("/engine/policy/frozen", test_policy_frozen);
  g_test_add_func ("/engine/policy/lanes", test_policy_lanes);
  g_test_add_func ("/engine/adamw/step", test_adamw_step);
  return g_test_run ();
}
