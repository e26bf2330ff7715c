/* test-nn.c: finite-difference gradient checks for every nn op (the method is in
 * test-grad.h), plus direct checks of the forwards that have a simple closed form and of
 * the fast exp/tanh. test-policy.c checks the whole model the same way.
 */
#include <glib.h>
#include <math.h>
#include <string.h>

#include "atl-nn-private.h"
#include "atl-nn-small.h"
#include "atl-nn.h"
#include "atl-rng.h"
#include "test-grad.h"

/* ---- embedding ---------------------------------------------------------------------- */

typedef struct
{
  int B, T, C, V;
  int *tokens;
  float *wte, *wpe, *out, *r;
} EmbCase;

static double
emb_loss (gpointer data)
{
  EmbCase *c = data;

  atl_nn_embedding_forward (c->out, c->tokens, c->wte, c->wpe, c->B, c->T, c->C);
  return dot_double (c->out, c->r, (size_t) c->B * c->T * c->C);
}

static void
test_embedding_backward (void)
{
  EmbCase c = { .B = 2, .T = 5, .C = 6, .V = 7 };
  AtlRng rng;
  size_t n = (size_t) c.B * c.T * c.C;
  g_autofree float *dwte = g_new0 (float, c.V * c.C);
  g_autofree float *dwpe = g_new0 (float, c.T * c.C);
  GradTol tol = { 1e-2f, 1e-4, 1e-4, 1000 };

  atl_rng_seed (&rng, 1);
  c.tokens = g_new (int, c.B * c.T);
  for (int i = 0; i < c.B * c.T; i++)
    c.tokens[i] = atl_rng_below (&rng, c.V);
  c.tokens[3] = c.tokens[7];  /* a repeated token accumulates twice */
  c.wte = randn (&rng, c.V * c.C, 1.0f);
  c.wpe = randn (&rng, c.T * c.C, 1.0f);
  c.out = g_new (float, n);
  c.r = randn (&rng, n, 1.0f);
  atl_nn_embedding_backward (dwte, dwpe, c.r, c.tokens, c.B, c.T, c.C);
  check_grads (emb_loss, &c,
               (GradParam[]) { { "wte", c.wte, dwte, c.V * c.C },
                               { "wpe", c.wpe, dwpe, c.T * c.C } }, 2, &tol);
  g_free (c.tokens); g_free (c.wte); g_free (c.wpe); g_free (c.out); g_free (c.r);
}

/* ---- layernorm ---------------------------------------------------------------------- */

typedef struct
{
  int N, C;
  float *inp, *w, *b, *out, *mean, *rstd, *r;
} LnCase;

static double
ln_loss (gpointer data)
{
  LnCase *c = data;

  atl_nn_layernorm_forward (c->out, c->mean, c->rstd, c->inp, c->w, c->b, c->N, c->C);
  return dot_double (c->out, c->r, (size_t) c->N * c->C);
}

static void
test_layernorm_backward (void)
{
  LnCase c = { .N = 6, .C = 16 };
  AtlRng rng;
  size_t n = (size_t) c.N * c.C;
  g_autofree float *dinp = g_new0 (float, n);
  g_autofree float *dw = g_new0 (float, c.C);
  g_autofree float *db = g_new0 (float, c.C);
  GradTol tol = { 1e-2f, 2e-3, 2e-3, 1000 };

  atl_rng_seed (&rng, 2);
  c.inp = randn (&rng, n, 1.0f);
  c.w = randn (&rng, c.C, 1.0f);
  c.b = randn (&rng, c.C, 1.0f);
  c.out = g_new (float, n);
  c.mean = g_new (float, c.N);
  c.rstd = g_new (float, c.N);
  c.r = randn (&rng, n, 1.0f);
  ln_loss (&c);
  atl_nn_layernorm_backward (dinp, dw, db, c.r, c.inp, c.w, c.mean, c.rstd, c.N, c.C);
  check_grads (ln_loss, &c,
               (GradParam[]) { { "inp", c.inp, dinp, n }, { "weight", c.w, dw, c.C },
                               { "bias", c.b, db, c.C } }, 3, &tol);
  g_free (c.inp); g_free (c.w); g_free (c.b); g_free (c.out); g_free (c.mean);
  g_free (c.rstd); g_free (c.r);
}

/* ---- linear ------------------------------------------------------------------------- */

typedef struct
{
  int N, C, OC;
  float *inp, *w, *b, *out, *r;
} LinCase;

static double
lin_loss (gpointer data)
{
  LinCase *c = data;

  atl_nn_linear_forward (c->out, c->inp, c->w, c->b, c->N, c->C, c->OC, 0);
  return dot_double (c->out, c->r, (size_t) c->N * c->OC);
}

static void
test_linear_backward (void)
{
  LinCase c = { .N = 7, .C = 9, .OC = 5 };
  AtlRng rng;
  g_autofree float *dinp = g_new0 (float, c.N * c.C);
  g_autofree float *dw = g_new0 (float, c.OC * c.C);
  g_autofree float *db = g_new0 (float, c.OC);
  GradTol tol = { 1e-2f, 1e-3, 1e-3, 1000 };

  atl_rng_seed (&rng, 3);
  c.inp = randn (&rng, c.N * c.C, 1.0f);
  c.w = randn (&rng, c.OC * c.C, 1.0f);
  c.b = randn (&rng, c.OC, 1.0f);
  c.out = g_new (float, c.N * c.OC);
  c.r = randn (&rng, c.N * c.OC, 1.0f);
  atl_nn_linear_backward (dinp, dw, db, c.r, c.inp, c.w, c.N, c.C, c.OC);
  check_grads (lin_loss, &c,
               (GradParam[]) { { "inp", c.inp, dinp, c.N * c.C },
                               { "weight", c.w, dw, c.OC * c.C },
                               { "bias", c.b, db, c.OC } }, 3, &tol);
  g_free (c.inp); g_free (c.w); g_free (c.b); g_free (c.out); g_free (c.r);
}

static void
test_linear_accumulate (void)
{
  /* With accumulate the product and bias land on top of what out holds. */
  float inp[2 * 3] = { 1, 2, 3, 4, 5, 6 };
  float w[2 * 3] = { 1, 0, -1, 0.5f, 0.5f, 0.5f };
  float b[2] = { 10, 20 };
  float out[2 * 2] = { 1, 1, 1, 1 };

  atl_nn_linear_forward (out, inp, w, b, 2, 3, 2, 1);
  g_assert_cmpfloat_with_epsilon (out[0], 1 + 10 - 2, 1e-6);
  g_assert_cmpfloat_with_epsilon (out[1], 1 + 20 + 3, 1e-6);
  g_assert_cmpfloat_with_epsilon (out[2], 1 + 10 - 2, 1e-6);
  g_assert_cmpfloat_with_epsilon (out[3], 1 + 20 + 7.5, 1e-6);
}

static void
test_small_linear (void)
{
  /* Every block shape of the small-N kernel (four rows; three, two or one left over;
   * strips of 64, 32 and 16 outputs and a ragged tail) against the sgemm path, and each
   * row bit for bit the same as that row alone: the sampler's lanes regroup rows as they
   * finish, and a row's numbers must not depend on its neighbours. The weights sit one
   * float past a cache line, as no caller puts them, so unaligned loads are covered too. */
  static const int shapes[][2] = { { 128, 384 }, { 512, 128 }, { 128, 261 }, { 40, 5 },
                                   { 24, 48 } };
  AtlRng rng;

  atl_rng_seed (&rng, 11);
  for (guint s = 0; s < G_N_ELEMENTS (shapes); s++)
    for (int N = 1; N <= 9; N++)
      for (int accumulate = 0; accumulate <= 1; accumulate++)
        {
          int C = shapes[s][0], OC = shapes[s][1];
          float *inp = g_new (float, N * C), *w = g_new (float, OC * C);
          float *wt_mem = g_new (float, C * OC + 16), *wt = wt_mem + 1;
          float *b = g_new (float, OC), *init = g_new (float, N * OC);
          float *ref = g_new (float, N * OC), *out = g_new (float, N * OC);
          float *alone = g_new (float, OC);

          for (int i = 0; i < N * C; i++)
            inp[i] = atl_rng_normal (&rng);
          for (int i = 0; i < OC * C; i++)
            w[i] = 0.1f * atl_rng_normal (&rng);
          for (int i = 0; i < OC; i++)
            b[i] = atl_rng_normal (&rng);
          for (int i = 0; i < N * OC; i++)
            init[i] = atl_rng_normal (&rng);
          memcpy (ref, init, N * OC * sizeof (float));
          memcpy (out, init, N * OC * sizeof (float));
          atl_nn_linear_forward (ref, inp, w, b, N, C, OC, accumulate);
          atl_nn_small_transpose (wt, w, OC, C);
          atl_nn_small_linear_forward (out, inp, wt, b, N, C, OC, accumulate);
          for (int i = 0; i < N * OC; i++)
            g_assert_cmpfloat_with_epsilon (out[i], ref[i], 1e-4f * (1.0f + fabsf (ref[i])));
          for (int r = 0; r < N; r++)
            {
              memcpy (alone, init + (size_t) r * OC, OC * sizeof (float));
              atl_nn_small_linear_forward (alone, inp + (size_t) r * C, wt, b, 1, C, OC,
                                           accumulate);
              g_assert_cmpmem (alone, OC * sizeof (float), out + (size_t) r * OC,
                               OC * sizeof (float));
            }
          g_free (inp); g_free (w); g_free (wt_mem); g_free (b); g_free (init);
          g_free (ref); g_free (out); g_free (alone);
        }
}

/* ---- gelu --------------------------------------------------------------------------- */

typedef struct
{
  size_t n;
  float *inp, *out, *r;
} GeluCase;

static double
gelu_loss (gpointer data)
{
  GeluCase *c = data;

  atl_nn_gelu_forward (c->out, NULL, c->inp, c->n);
  return dot_double (c->out, c->r, c->n);
}

static void
test_gelu_backward (void)
{
  GeluCase c = { .n = 200 };
  AtlRng rng;
  g_autofree float *dinp = g_new0 (float, c.n);
  g_autofree float *th = g_new (float, c.n);
  g_autofree float *dinp2 = NULL;
  GradTol tol = { 1e-2f, 1e-3, 1e-3, 1000 };

  atl_rng_seed (&rng, 4);
  c.inp = randn (&rng, c.n, 2.0f);
  c.out = g_new (float, c.n);
  c.r = randn (&rng, c.n, 1.0f);
  atl_nn_gelu_forward (c.out, th, c.inp, c.n);
  atl_nn_gelu_backward (dinp, c.inp, NULL, c.r, c.n);
  check_grads (gelu_loss, &c, (GradParam[]) { { "inp", c.inp, dinp, c.n } }, 1, &tol);
  /* The saved tanh and the in-place form give the same gradient. */
  dinp2 = g_memdup2 (c.r, c.n * sizeof (float));
  atl_nn_gelu_backward (dinp2, c.inp, th, dinp2, c.n);
  for (size_t i = 0; i < c.n; i++)
    g_assert_cmpfloat_with_epsilon (dinp2[i], dinp[i], 1e-6);
  g_free (c.inp); g_free (c.out); g_free (c.r);
}

static void
test_gelu_forward (void)
{
  for (float x = -12.0f; x <= 12.0f; x += 0.01f)
    {
      double xd = x;
      double ref = 0.5 * xd * (1.0 + tanh (sqrt (2.0 / M_PI) * (xd + 0.044715 * xd * xd * xd)));
      float out;

      atl_nn_gelu_forward (&out, NULL, &x, 1);
      g_assert_cmpfloat (fabs (out - ref), <=, 1e-6 * fmax (1.0, fabs (ref)));
    }
}

static void
test_fast_math (void)
{
  double worst_exp = 0.0, worst_tanh = 0.0;

  for (float x = -80.0f; x < 80.0f; x += 0.0137f)
    worst_exp = fmax (worst_exp, fabs (atl_fast_expf (x) - exp (x)) / exp (x));
  for (float x = -10.0f; x < 10.0f; x += 0.000731f)
    worst_tanh = fmax (worst_tanh, fabs (atl_fast_tanhf (x) - tanh (x))
                                   / fmax (fabs (tanh (x)), 1e-3));
  g_test_message ("worst relative error: exp %.3g, tanh %.3g", worst_exp, worst_tanh);
  g_assert_cmpfloat (worst_exp, <, 3e-7);
  g_assert_cmpfloat (worst_tanh, <, 1e-6);
}

/* ---- attention ---------------------------------------------------------------------- */

typedef struct
{
  int B, T, C, NH;
  float *qkv, *out, *att, *r;
} AttCase;

static double
att_loss (gpointer data)
{
  AttCase *c = data;

  atl_nn_attention_forward (c->out, c->att, c->qkv, c->B, c->T, c->C, c->NH);
  return dot_double (c->out, c->r, (size_t) c->B * c->T * c->C);
}

static void
test_attention_forward (void)
{
  /* Against a direct double-precision evaluation of causal softmax attention; T spans
   * three blocks of query rows, the last one short. */
  int B = 2, T = 70, C = 8, NH = 2, hs = C / NH;
  AtlRng rng;
  g_autofree float *qkv = NULL;
  g_autofree float *out = g_new (float, B * T * C);
  g_autofree float *att = g_new (float, B * NH * T * T);

  atl_rng_seed (&rng, 5);
  qkv = randn (&rng, B * T * 3 * C, 1.0f);
  atl_nn_attention_forward (out, att, qkv, B, T, C, NH);
  for (int b = 0; b < B; b++)
    for (int h = 0; h < NH; h++)
      for (int t = 0; t < T; t++)
        {
          double s[70], max = -INFINITY, sum = 0.0;

          for (int j = 0; j <= t; j++)
            {
              s[j] = 0.0;
              for (int i = 0; i < hs; i++)
                s[j] += (double) qkv[(b * T + t) * 3 * C + h * hs + i]
                        * qkv[(b * T + j) * 3 * C + C + h * hs + i];
              s[j] /= sqrt (hs);
              max = fmax (max, s[j]);
            }
          for (int j = 0; j <= t; j++)
            sum += (s[j] = exp (s[j] - max));
          for (int i = 0; i < hs; i++)
            {
              double y = 0.0;

              for (int j = 0; j <= t; j++)
                y += s[j] / sum * qkv[(b * T + j) * 3 * C + 2 * C + h * hs + i];
              g_assert_cmpfloat_with_epsilon (out[(b * T + t) * C + h * hs + i], y, 1e-5);
            }
          for (int j = t + 1; j < T; j++)
            g_assert_cmpfloat (att[((b * NH + h) * T + t) * T + j], ==, 0.0f);
        }
}

static void
test_attention_backward (void)
{
  /* Two blocks of query rows (32 and 9): a key gets gradient from both. */
  AttCase c = { .B = 2, .T = 41, .C = 8, .NH = 2 };
  AtlRng rng;
  size_t n = (size_t) c.B * c.T * 3 * c.C;
  g_autofree float *dqkv = g_new0 (float, n);
  g_autofree float *scratch = g_new (float, c.T * c.T);
  GradTol tol = { 1e-2f, 2e-3, 2e-3, 1000 };

  atl_rng_seed (&rng, 6);
  c.qkv = randn (&rng, n, 1.0f);
  c.out = g_new (float, c.B * c.T * c.C);
  c.att = g_new (float, c.B * c.NH * c.T * c.T);
  c.r = randn (&rng, c.B * c.T * c.C, 1.0f);
  att_loss (&c);
  atl_nn_attention_backward (dqkv, scratch, c.r, c.qkv, c.att, c.B, c.T, c.C, c.NH);
  check_grads (att_loss, &c, (GradParam[]) { { "qkv", c.qkv, dqkv, n } }, 1, &tol);
  g_free (c.qkv); g_free (c.out); g_free (c.att); g_free (c.r);
}

/* ---- log-prob gather and cross-entropy ---------------------------------------------- */

typedef struct
{
  int N, V;
  int *targets;
  float *logits, *probs, *logp, *mask, *r;
} LpCase;

static double
logprob_loss (gpointer data)
{
  LpCase *c = data;

  atl_nn_logprob_forward (c->logp, c->probs, c->logits, c->targets, c->N, c->V);
  return dot_double (c->logp, c->r, c->N);
}

static double
ce_loss (gpointer data)
{
  LpCase *c = data;

  return atl_nn_crossentropy_forward (c->logp, c->mask, c->N);
}

static void
test_logprob_backward (void)
{
  LpCase c = { .N = 6, .V = 11 };
  AtlRng rng;
  g_autofree float *dlogits = g_new0 (float, c.N * c.V);
  GradTol tol = { 1e-2f, 1e-3, 1e-3, 1000 };

  atl_rng_seed (&rng, 7);
  c.targets = g_new (int, c.N);
  for (int i = 0; i < c.N; i++)
    c.targets[i] = atl_rng_below (&rng, c.V);
  c.targets[2] = -1;  /* no target: no gradient */
  c.logits = randn (&rng, c.N * c.V, 2.0f);
  c.probs = g_new (float, c.N * c.V);
  c.logp = g_new (float, c.N);
  c.r = randn (&rng, c.N, 1.0f);
  logprob_loss (&c);
  g_assert_cmpfloat (c.logp[2], ==, 0.0f);
  atl_nn_logprob_backward (dlogits, c.r, c.probs, c.targets, c.N, c.V);
  check_grads (logprob_loss, &c, (GradParam[]) { { "logits", c.logits, dlogits, c.N * c.V } },
               1, &tol);
  g_free (c.targets); g_free (c.logits); g_free (c.probs); g_free (c.logp); g_free (c.r);
}

static void
test_crossentropy_backward (void)
{
  LpCase c = { .N = 8 };
  AtlRng rng;
  g_autofree float *dlogp = g_new0 (float, c.N);
  GradTol tol = { 1e-2f, 1e-4, 1e-5, 1000 };

  atl_rng_seed (&rng, 8);
  c.logp = randn (&rng, c.N, 1.0f);
  c.mask = g_new (float, c.N);
  for (int i = 0; i < c.N; i++)
    c.mask[i] = i % 3 == 0 ? 0.0f : 1.0f;
  atl_nn_crossentropy_backward (dlogp, c.mask, 1.0f, c.N);
  check_grads (ce_loss, &c, (GradParam[]) { { "logp", c.logp, dlogp, c.N } }, 1, &tol);
  g_assert_cmpfloat (dlogp[0], ==, 0.0f);
  g_free (c.logp); g_free (c.mask);
}

#ifndef NDEBUG
/* The finiteness check behind the forward's asserts: NaN and both infinities anywhere,
 * in the vectorized body or the tail, and nothing else (the largest and the subnormal
 * floats are finite). */
static void
test_all_finite (void)
{
  float x[37];

  for (int i = 0; i < 37; i++)
    x[i] = (float) i - 18.0f;
  x[3] = 3.4028235e38f;
  x[4] = -1e-45f;
  g_assert_true (atl_nn_all_finite (x, 37));
  for (int at = 0; at < 37; at += 12)
    {
      float bad[3] = { NAN, INFINITY, -INFINITY };

      for (int k = 0; k < 3; k++)
        {
          float keep = x[at];

          x[at] = bad[k];
          g_assert_false (atl_nn_all_finite (x, 37));
          g_assert_true (at == 36 || atl_nn_all_finite (x + at + 1, 36 - at));
          x[at] = keep;
        }
    }
}
#endif

int
main (int    argc,
      char **argv)
{
  g_test_init (&argc, &argv, NULL);
  atl_nn_set_threads (1);

  g_test_add_func ("/engine/fast-math/accuracy", test_fast_math);
#ifndef NDEBUG
  g_test_add_func ("/engine/all-finite", test_all_finite);
#endif
  g_test_add_func ("/engine/embedding/backward", test_embedding_backward);
  g_test_add_func ("/engine/layernorm/backward", test_layernorm_backward);
  g_test_add_func ("/engine/linear/backward", test_linear_backward);
  g_test_add_func ("/engine/linear/accumulate", test_linear_accumulate);
  g_test_add_func ("/engine/linear/small", test_small_linear);
  g_test_add_func ("/engine/gelu/forward", test_gelu_forward);
  g_test_add_func ("/engine/gelu/backward", test_gelu_backward);
  g_test_add_func ("/engine/attention/forward", test_attention_forward);
  g_test_add_func ("/engine/attention/backward", test_attention_backward);
  g_test_add_func ("/engine/logprob/backward", test_logprob_backward);
  g_test_add_func ("/engine/crossentropy/backward", test_crossentropy_backward);
  return g_test_run ();
}
