/* test-pretrainer.c: supervised training learns a toy language, and a model survives the
 * trip through a checkpoint file bit-exactly while refusing files made for another codec.
 *
 * The toy codec: after BOS a symbol s0 ∈ 0…7 is free, then each next symbol is the
 * previous plus one (mod 8), six symbols, then EOS. Only the first symbol is uncertain,
 * so a model that learns the rule has a mean NLL near log(8)/7 ≈ 0.30 nats per token.
 */
#include <glib.h>
#include <glib/gstdio.h>
#include <math.h>
#include <string.h>

#include "atl-engine-autoptr.h"
#include "atl-model.h"
#include "atl-pretrainer.h"

#define TOY_FIRST 3
#define TOY_SYMBOLS 8
#define TOY_LEN 6

static const char *
toy_token_name (const AtlCodec *codec, int token)
{
  static char names[TOY_FIRST + TOY_SYMBOLS][8] = { "PAD", "BOS", "EOS" };

  if (token >= TOY_FIRST && names[token][0] == '\0')
    g_snprintf (names[token], sizeof names[token], "S%d", token - TOY_FIRST);
  return names[token];
}

static AtlCodec toy_codec = {
  .name = "toy", .version = 3, .vocab_size = TOY_FIRST + TOY_SYMBOLS,
  .max_len = TOY_LEN + 2, .token_name = toy_token_name,
};

static AtlTokenSet *
make_toy_set (int n, guint64 seed)
{
  AtlTokenSet *set = atl_token_set_new ();
  AtlRng rng;

  atl_rng_seed (&rng, seed);
  for (int i = 0; i < n; i++)
    {
      int seq[TOY_LEN + 2] = { ATL_TOKEN_BOS };
      int s = (int) atl_rng_below (&rng, TOY_SYMBOLS);

      for (int t = 0; t < TOY_LEN; t++)
        seq[1 + t] = TOY_FIRST + (s + t) % TOY_SYMBOLS;
      seq[TOY_LEN + 1] = ATL_TOKEN_EOS;
      atl_token_set_add (set, seq, TOY_LEN + 2);
    }
  return set;
}

static AtlPolicy *
make_policy (void)
{
  AtlPolicyConfig config = { .vocab = toy_codec.vocab_size, .ctx = 16, .d_model = 32,
                             .n_layer = 2, .n_head = 2 };
  AtlPolicy *policy = NULL;
  AtlRng rng;

  g_assert_cmpint (atl_policy_new (&config, &policy, NULL), ==, ATL_OK);
  atl_rng_seed (&rng, 7);
  atl_policy_init_weights (policy, &rng);
  return policy;
}

static void
count_progress_cb (const AtlPretrainReport *report, gpointer user_data)
{
  int *evaluations = user_data;

  if (!isnan (report->val_nll))
    (*evaluations)++;
}

static void
test_pretrain_learns (void)
{
  g_autoptr(AtlPolicy) policy = make_policy ();
  g_autoptr(AtlTokenSet) train = make_toy_set (512, 1);
  g_autoptr(AtlTokenSet) val = make_toy_set (64, 2);
  g_autoptr(GError) error = NULL;
  AtlPretrainConfig config;
  AtlPretrainReport report;
  double before, after;
  int evaluations = 0;

  g_assert_cmpuint (atl_token_set_get_n_tokens (train), ==, 512 * (TOY_LEN + 2));
  g_assert_cmpuint (atl_token_set_get_max_len (train), ==, TOY_LEN + 2);

  g_assert_true (atl_pretrain_eval (policy, val, 16, &before, &error));
  g_assert_no_error (error);
  /* An untrained model is close to uniform over the vocabulary. */
  g_assert_cmpfloat (fabs (before - log (toy_codec.vocab_size)), <, 0.5);

  atl_pretrain_config_init (&config);
  config.steps = 300;
  config.batch = 16;
  config.warmup = 20;
  config.lr = 3e-3f;
  config.eval_every = 100;
  g_assert_true (atl_pretrain_run (policy, train, val, &config, count_progress_cb,
                                   &evaluations, NULL, &report, &error));
  g_assert_no_error (error);
  g_assert_cmpint (report.steps_done, ==, 300);
  g_assert_cmpint (evaluations, ==, 3);

  g_assert_true (atl_pretrain_eval (policy, val, 16, &after, &error));
  g_assert_cmpfloat (after, ==, report.val_nll);
  g_test_message ("NLL per token: %.3f before, %.3f after (ideal %.3f)", before, after,
                  log (TOY_SYMBOLS) / (TOY_LEN + 1));
  g_assert_cmpfloat (after, <, 0.45);
}

static void
test_pretrain_cancel (void)
{
  g_autoptr(AtlPolicy) policy = make_policy ();
  g_autoptr(AtlTokenSet) train = make_toy_set (32, 1);
  g_autoptr(GCancellable) cancellable = g_cancellable_new ();
  g_autoptr(GError) error = NULL;
  AtlPretrainConfig config;

  atl_pretrain_config_init (&config);
  g_cancellable_cancel (cancellable);
  g_assert_false (atl_pretrain_run (policy, train, NULL, &config, NULL, NULL, cancellable,
                                    NULL, &error));
  g_assert_error (error, G_IO_ERROR, G_IO_ERROR_CANCELLED);
}

static void
test_model_round_trip (void)
{
  g_autoptr(AtlPolicy) policy = make_policy ();
  g_autoptr(AtlPolicy) loaded = NULL;
  g_autoptr(GError) error = NULL;
  g_autoptr(GHashTable) provenance = g_hash_table_new (g_str_hash, g_str_equal);
  g_autofree char *dir = g_dir_make_tmp ("atl-model-XXXXXX", NULL);
  g_autofree char *path = g_build_filename (dir, "toy.safetensors", NULL);
  g_autofree char *sha = NULL;
  AtlCodec other = toy_codec;
  int tokens[4] = { ATL_TOKEN_BOS, 3, 4, 5 };
  size_t n = atl_policy_get_n_params (policy);

  g_hash_table_insert (provenance, "corpus", "toy");
  g_assert_true (atl_model_save (policy, &toy_codec, provenance, path, &sha, &error));
  g_assert_no_error (error);
  g_assert_cmpuint (strlen (sha), ==, 64);

  loaded = atl_model_load (path, sha, &toy_codec, &error);
  g_assert_no_error (error);
  g_assert_nonnull (loaded);
  g_assert_cmpmem (atl_policy_get_params (policy), n * sizeof (float),
                   atl_policy_get_params (loaded), n * sizeof (float));
  g_assert_cmpint (atl_policy_forward (loaded, tokens, NULL, NULL, 1, 4, NULL, NULL, NULL),
                   ==, ATL_OK);

  /* The same file under another codec version, or another codec, is refused. */
  other.version = 4;
  g_assert_null (atl_model_load (path, NULL, &other, &error));
  g_assert_error (error, ATL_CHECKPOINT_ERROR, ATL_CHECKPOINT_ERROR_MISMATCH);
  g_assert_nonnull (strstr (error->message, "version"));
  g_clear_error (&error);
  other = toy_codec;
  other.name = "music";
  g_assert_null (atl_model_load (path, NULL, &other, &error));
  g_assert_error (error, ATL_CHECKPOINT_ERROR, ATL_CHECKPOINT_ERROR_MISMATCH);
  g_clear_error (&error);

  /* A wrong sha256 is refused before anything is trusted. */
  g_assert_null (atl_model_load (path, "00", &toy_codec, &error));
  g_assert_error (error, ATL_CHECKPOINT_ERROR, ATL_CHECKPOINT_ERROR_MISMATCH);

  g_remove (path);
  g_rmdir (dir);
}

int
main (int argc, char **argv)
{
  g_test_init (&argc, &argv, NULL);
  g_test_add_func ("/app/pretrainer/learns", test_pretrain_learns);
  g_test_add_func ("/app/pretrainer/cancel", test_pretrain_cancel);
  g_test_add_func ("/app/model/round-trip", test_model_round_trip);
  return g_test_run ();
}
