/* test-reference.c: the policy and AdamW against PyTorch.
 *
 * tests/reference/make_fixtures.py builds the same tiny model in PyTorch (float64) and
 * writes tests/fixtures/nn/reference.bin; this test loads the weights into an AtlPolicy and
 * compares. The norms:
 *   logits, log-probs, pooled embedding: max |c − r| ≤ 1e-5 · max |r|   (per tensor)
 *   loss:                               |c − r| ≤ 1e-5 · |r|
 *   gradients, per named tensor:        ‖c − r‖₂ ≤ 1e-4 · ‖r‖₂, and max |c − r| ≤ 1e-3 · max |r|
 *   parameters after 3 AdamW steps:     the update c − p₀ within 1e-3 · max |r − p₀| of
 *     r − p₀, per tensor. Adam divides by √v, so an element whose gradient is 1e-3 of its
 *     tensor's largest carries the gradients' ~1e-6 float error into its step as ~1e-3;
 *     with lr 1e-2 that bounds |c − r| by 3e-5, also checked. Over the elements whose true gradient is not zero. Adam's step m/√v is scale-free, so an
 *     element with a zero gradient (the attention key bias: softmax ignores a shift shared
 *     by all scores) moves by about ±lr on rounding noise alone, in PyTorch too; those
 *     elements (|g| ≤ 1e-6 · max |g| of their tensor) only have to stay within 3·lr.
 */
#include <glib.h>
#include <math.h>
#include <string.h>

#include "atl-adamw.h"
#include "atl-nn.h"
#include "atl-policy.h"

typedef struct
{
  int     dtype;  /* 0 f32, 1 i32 */
  guint32 count;
  gpointer data;
} Record;

static GHashTable *
load_fixture (void)
{
  g_autofree char *path = g_build_filename (ATL_FIXTURE_DIR, "reference.bin", NULL);
  g_autofree char *bytes = NULL;
  g_autoptr(GError) error = NULL;
  gsize length, pos = 0;
  GHashTable *table = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, g_free);

  g_file_get_contents (path, &bytes, &length, &error);
  g_assert_no_error (error);
  while (pos < length)
    {
      guint32 name_len, header[2];
      Record *r = g_new0 (Record, 1);
      char *name;

      g_assert_cmpuint (pos + 4, <=, length);
      memcpy (&name_len, bytes + pos, 4);
      g_assert_cmpuint (pos + 4 + name_len + 8, <=, length);
      name = g_strndup (bytes + pos + 4, name_len);
      memcpy (header, bytes + pos + 4 + name_len, 8);
      pos += 4 + name_len + 8;
      r->dtype = header[0];
      r->count = header[1];
      g_assert_cmpuint (pos + 4 * (gsize) r->count, <=, length);
      /* Allocated beside the record so one g_free releases both. */
      r = g_realloc (r, sizeof *r + 4 * (gsize) r->count);
      r->data = (char *) r + sizeof *r;
      memcpy (r->data, bytes + pos, 4 * (gsize) r->count);
      pos += 4 * (gsize) r->count;
      g_hash_table_insert (table, name, r);
    }
  return table;
}

static gpointer
get (GHashTable *table,
     const char *name,
     guint32     count)
{
  Record *r = g_hash_table_lookup (table, name);

  g_assert_nonnull (r);
  g_assert_cmpuint (r->count, ==, count);
  return r->data;
}

/* max |c − r| / max |r| */
static double
max_rel (const float *c,
         const float *r,
         size_t       n)
{
  double diff = 0.0, scale = 0.0;

  for (size_t i = 0; i < n; i++)
    {
      diff = fmax (diff, fabs ((double) c[i] - r[i]));
      scale = fmax (scale, fabs (r[i]));
    }
  return diff / fmax (scale, 1e-30);
}

/* ‖c − r‖₂ / ‖r‖₂ */
static double
l2_rel (const float *c,
        const float *r,
        size_t       n)
{
  double diff = 0.0, scale = 0.0;

  for (size_t i = 0; i < n; i++)
    {
      diff += ((double) c[i] - r[i]) * ((double) c[i] - r[i]);
      scale += (double) r[i] * r[i];
    }
  return sqrt (diff) / fmax (sqrt (scale), 1e-30);
}

typedef struct
{
  GHashTable *fx;
  AtlPolicy  *policy;
  int         B, T, V, C;
  const int  *tokens, *targets;
  const float *mask, *weight;
} Fixture;

static void
fixture_setup (Fixture       *f,
               gconstpointer  data)
{
  const int *config;
  AtlPolicyConfig pc;
  AtlMsg msg;

  f->fx = load_fixture ();
  config = get (f->fx, "config", 7);
  pc = (AtlPolicyConfig) { config[0], config[1], config[2], config[3], config[4] };
  f->V = config[0];
  f->C = config[2];
  f->B = config[5];
  f->T = config[6];
  g_assert_cmpint (atl_policy_new (&pc, &f->policy, &msg), ==, ATL_OK);
  memcpy (atl_policy_get_params (f->policy),
          get (f->fx, "params", atl_policy_get_n_params (f->policy)),
          atl_policy_get_n_params (f->policy) * sizeof (float));
  f->tokens = get (f->fx, "tokens", f->B * f->T);
  f->targets = get (f->fx, "targets", f->B * f->T);
  f->mask = get (f->fx, "mask", f->B * f->T);
  f->weight = get (f->fx, "weight", f->B);
}

static void
fixture_teardown (Fixture       *f,
                  gconstpointer  data)
{
  atl_policy_free (f->policy);
  g_hash_table_unref (f->fx);
}

static void
test_forward (Fixture       *f,
              gconstpointer  data)
{
  int N = f->B * f->T;
  g_autofree float *logp = g_new (float, N);
  g_autofree float *pooled = g_new (float, f->B * f->C);
  const float *ref_loss = get (f->fx, "loss", 1);
  float loss;
  double e_logits, e_logp, e_pool;
  AtlMsg msg;

  g_assert_cmpint (atl_policy_forward (f->policy, f->tokens, f->targets, f->mask, f->B, f->T,
                                       &loss, logp, &msg), ==, ATL_OK);
  g_assert_cmpint (atl_policy_pool (f->policy, f->mask, pooled, &msg), ==, ATL_OK);
  e_logits = max_rel (atl_policy_get_logits (f->policy),
                      get (f->fx, "logits", N * f->V), (size_t) N * f->V);
  e_logp = max_rel (logp, get (f->fx, "logp", N), N);
  e_pool = max_rel (pooled, get (f->fx, "pooled", f->B * f->C), (size_t) f->B * f->C);
  g_test_message ("logits %.2e, logp %.2e, pooled %.2e, loss %.7f vs %.7f",
                  e_logits, e_logp, e_pool, loss, ref_loss[0]);
  g_assert_cmpfloat (e_logits, <=, 1e-5);
  g_assert_cmpfloat (e_logp, <=, 1e-5);
  g_assert_cmpfloat (e_pool, <=, 1e-5);
  g_assert_cmpfloat (fabs (loss - ref_loss[0]), <=, 1e-5 * fabs (ref_loss[0]));
}

static void
test_backward (Fixture       *f,
               gconstpointer  data)
{
  const AtlPolicyTensor *tensors;
  const float *ref;
  const float *grads = atl_policy_get_grads (f->policy);
  int n_tensors;
  AtlMsg msg;

  atl_policy_zero_grads (f->policy);
  g_assert_cmpint (atl_policy_forward (f->policy, f->tokens, f->targets, f->mask, f->B, f->T,
                                       NULL, NULL, &msg), ==, ATL_OK);
  g_assert_cmpint (atl_policy_backward (f->policy, f->weight, &msg), ==, ATL_OK);
  ref = get (f->fx, "grads", atl_policy_get_n_params (f->policy));
  tensors = atl_policy_get_tensors (f->policy, &n_tensors);
  for (int i = 0; i < n_tensors; i++)
    {
      const AtlPolicyTensor *t = &tensors[i];
      double l2 = l2_rel (grads + t->offset, ref + t->offset, t->numel);
      double mx = max_rel (grads + t->offset, ref + t->offset, t->numel);

      g_test_message ("d%s: l2 %.2e, max %.2e", t->name, l2, mx);
      g_assert_cmpfloat (l2, <=, 1e-4);
      g_assert_cmpfloat (mx, <=, 1e-3);
    }
}

static void
test_adamw (Fixture       *f,
            gconstpointer  data)
{
  const float *a = get (f->fx, "adamw", 6);
  const float *norms = get (f->fx, "grad_norms", 3);
  AtlAdamWConfig config = { a[0], a[1], a[2], a[3], a[4], a[5] };
  AtlAdamW *opt = NULL;
  const AtlPolicyTensor *tensors;
  const float *ref, *ref_grads, *ref_params;
  float *params = atl_policy_get_params (f->policy);
  int n_tensors;
  AtlMsg msg;

  tensors = atl_policy_get_tensors (f->policy, &n_tensors);
  g_assert_cmpint (atl_adamw_new (atl_policy_get_n_params (f->policy), &opt, &msg), ==, ATL_OK);
  for (int i = 0; i < n_tensors; i++)
    atl_adamw_set_decay (opt, tensors[i].offset, tensors[i].numel, tensors[i].decay);
  for (int step = 0; step < 3; step++)
    {
      float norm;

      atl_policy_zero_grads (f->policy);
      g_assert_cmpint (atl_policy_forward (f->policy, f->tokens, f->targets, f->mask,
                                           f->B, f->T, NULL, NULL, &msg), ==, ATL_OK);
      g_assert_cmpint (atl_policy_backward (f->policy, f->weight, &msg), ==, ATL_OK);
      g_assert_cmpint (atl_adamw_step (opt, &config, params, atl_policy_get_grads (f->policy),
                                       &norm, &msg), ==, ATL_OK);
      g_test_message ("step %d: grad norm %.6f vs %.6f", step + 1, norm, norms[step]);
      g_assert_cmpfloat (fabs (norm - norms[step]), <=, 1e-4 * norms[step]);
    }
  ref = get (f->fx, "params_adamw3", atl_policy_get_n_params (f->policy));
  ref_grads = get (f->fx, "grads", atl_policy_get_n_params (f->policy));
  ref_params = get (f->fx, "params", atl_policy_get_n_params (f->policy));
  for (int i = 0; i < n_tensors; i++)
    {
      const AtlPolicyTensor *t = &tensors[i];
      double gmax = 0.0, pmax = 0.0, umax = 0.0, diff = 0.0;
      int flat = 0;

      for (size_t j = t->offset; j < t->offset + t->numel; j++)
        gmax = fmax (gmax, fabs (ref_grads[j]));
      for (size_t j = t->offset; j < t->offset + t->numel; j++)
        {
          pmax = fmax (pmax, fabs (ref[j]));
          umax = fmax (umax, fabs ((double) ref[j] - ref_params[j]));
          if (fabs (ref_grads[j]) > 1e-6 * gmax)
            diff = fmax (diff, fabs ((double) params[j] - ref[j]));
          else
            {
              flat++;
              g_assert_cmpfloat (fabs ((double) params[j] - ref_params[j]), <=, 3 * a[0] + 1e-6);
            }
        }
      g_test_message ("%s after 3 steps: max %.2e (%.2e of max |r|, %.2e of the update; "
                      "%d zero-gradient elements)", t->name, diff, diff / pmax, diff / umax, flat);
      g_assert_cmpfloat (diff, <=, 3e-5);
      g_assert_cmpfloat (diff / umax, <=, 1e-3);
    }
  atl_adamw_free (opt);
}

int
main (int    argc,
      char **argv)
{
  g_test_init (&argc, &argv, NULL);
  atl_nn_set_threads (1);

  g_test_add ("/engine/reference/forward", Fixture, NULL,
              fixture_setup, test_forward, fixture_teardown);
  g_test_add ("/engine/reference/backward", Fixture, NULL,
              fixture_setup, test_backward, fixture_teardown);
  g_test_add ("/engine/reference/adamw", Fixture, NULL,
              fixture_setup, test_adamw, fixture_teardown);
  return g_test_run ();
}
