/* atl-cli-train.c: pretraining and evaluating base models from the command line.
 *
 * `pretrain` writes the checkpoint with its provenance in the metadata (corpus, command,
 * steps, seed, losses, time), which is what models/README.md quotes; `eval` reports the
 * mean negative log-likelihood per token of any model on any corpus of its domain.
 */
#include "atl-cli-train.h"

#include <math.h>
#include <stdio.h>

#include "atl-cli-generate.h"
#include "atl-domain.h"
#include "atl-engine-autoptr.h"
#include "atl-error.h"
#include "atl-model.h"
#include "atl-nn.h"
#include "atl-pretrainer.h"

static gboolean
require (const char  *command,
         const char  *value,
         const char  *option,
         GError     **error)
{
  if (value != NULL)
    return TRUE;
  g_set_error (error, ATL_CLI_ERROR, ATL_CLI_ERROR_USAGE, "%s: %s is required (see --help)",
               command, option);
  return FALSE;
}

static void
print_progress_cb (const AtlPretrainReport *report,
                   gpointer                 user_data)
{
  int total = GPOINTER_TO_INT (user_data);

  if (isnan (report->val_nll))
    return;
  printf ("step %5d/%d  train %.4f  validation %.4f  %.0f tokens/s  %.0f s\n",
          report->steps_done, total, report->train_loss, report->val_nll,
          report->tokens_per_s, report->seconds);
  fflush (stdout);
}

gboolean
atl_cli_pretrain_cb (int      argc,
                     char   **argv,
                     GError **error)
{
  g_autofree char *domain_name = NULL, *corpus = NULL, *out = NULL, *init = NULL;
  int steps = 2000, batch = 32, d_model = 128, n_layer = 4, n_head = 4, threads = 2;
  int count = 40000, eval_every = 250, warmup = 100;
  double lr = 1e-3;
  gint64 seed = 1;
  GOptionEntry entries[] = {
    { "domain", 0, 0, G_OPTION_ARG_STRING, &domain_name, "art or music", "DOMAIN" },
    { "corpus", 0, 0, G_OPTION_ARG_FILENAME, &corpus,
      "Folder of ABC/MIDI (music) or “procedural” (art)", "SRC" },
    { "out", 0, 0, G_OPTION_ARG_FILENAME, &out, "Checkpoint to write", "FILE" },
    { "init", 0, 0, G_OPTION_ARG_FILENAME, &init, "Start from this checkpoint", "FILE" },
    { "steps", 0, 0, G_OPTION_ARG_INT, &steps, "Training steps (2000)", "N" },
    { "batch", 0, 0, G_OPTION_ARG_INT, &batch, "Sequences per step (32)", "N" },
    { "lr", 0, 0, G_OPTION_ARG_DOUBLE, &lr, "Peak learning rate (1e-3)", "LR" },
    { "warmup", 0, 0, G_OPTION_ARG_INT, &warmup, "Warm-up steps (100)", "N" },
    { "eval-every", 0, 0, G_OPTION_ARG_INT, &eval_every, "Validate every N steps", "N" },
    { "seed", 0, 0, G_OPTION_ARG_INT64, &seed, "Seed (1)", "S" },
    { "count", 0, 0, G_OPTION_ARG_INT, &count, "Art: compositions in the corpus", "N" },
    { "d-model", 0, 0, G_OPTION_ARG_INT, &d_model, "Model width (128)", "C" },
    { "layers", 0, 0, G_OPTION_ARG_INT, &n_layer, "Layers (4)", "L" },
    { "heads", 0, 0, G_OPTION_ARG_INT, &n_head, "Attention heads (4)", "H" },
    { "threads", 0, 0, G_OPTION_ARG_INT, &threads, "BLAS threads (2)", "N" },
    { NULL }
  };
  g_autoptr(AtlTokenSet) train = NULL, val = NULL;
  g_autoptr(AtlPolicy) policy = NULL;
  g_autoptr(GString) report_text = g_string_new (NULL);
  g_autoptr(GHashTable) provenance = NULL;
  g_autofree char *sha = NULL, *command_line = NULL;
  g_autoptr(GDateTime) now = g_date_time_new_now_utc ();
  AtlPretrainConfig config;
  AtlPretrainReport report;
  AtlPolicyConfig pconfig;
  const AtlCodec *codec;
  AtlDomain domain;
  double before = NAN;

  if (!atl_cli_parse_options ("pretrain", "Pretrain a base model on a corpus.", entries, argc, argv,
                      error)
      || !require ("pretrain", domain_name, "--domain", error)
      || !require ("pretrain", corpus, "--corpus", error)
      || !require ("pretrain", out, "--out", error)
      || !atl_domain_parse (domain_name, &domain, error))
    return FALSE;
  if (steps < 1 || batch < 1 || count < 1 || threads < 1 || warmup < 0 || !(lr > 0))
    {
      g_set_error (error, ATL_CLI_ERROR, ATL_CLI_ERROR_USAGE,
                   "pretrain: steps, batch, count and threads must be positive");
      return FALSE;
    }

  atl_nn_set_threads (threads);
  codec = atl_domain_get_codec (domain);
  if (!atl_domain_load_corpus (domain, corpus, (guint) count, (guint64) seed, &train, &val,
                               report_text, error))
    return FALSE;
  printf ("corpus: %s\ntraining: %u sequences, %" G_GUINT64_FORMAT " tokens; "
          "validation: %u sequences, %" G_GUINT64_FORMAT " tokens\n",
          report_text->str, atl_token_set_get_size (train), atl_token_set_get_n_tokens (train),
          atl_token_set_get_size (val), atl_token_set_get_n_tokens (val));

  if (init != NULL)
    {
      policy = atl_model_load (init, NULL, codec, error);
      if (policy == NULL)
        return FALSE;
    }
  else
    {
      AtlMsg msg = { { 0 } };
      AtlStatus status;
      AtlRng rng;

      atl_domain_default_config (domain, &pconfig);
      pconfig.d_model = d_model;
      pconfig.n_layer = n_layer;
      pconfig.n_head = n_head;
      status = atl_policy_new (&pconfig, &policy, &msg);
      if (status != ATL_OK)
        return atl_set_engine_error (error, status, &msg);
      atl_rng_seed (&rng, (guint64) seed);
      atl_policy_init_weights (policy, &rng);
    }
  pconfig = *atl_policy_get_config (policy);
  printf ("model: d_model %d, %d layers, %d heads, context %d, vocabulary %d, "
          "%zu parameters\n", pconfig.d_model, pconfig.n_layer, pconfig.n_head, pconfig.ctx,
          pconfig.vocab, atl_policy_get_n_params (policy));

  if (!atl_pretrain_eval (policy, val, batch, &before, error))
    return FALSE;
  printf ("validation before training: %.4f nats per token\n", before);

  atl_pretrain_config_init (&config);
  config.steps = steps;
  config.batch = batch;
  config.lr = (float) lr;
  config.warmup = warmup;
  config.eval_every = eval_every;
  config.seed = (guint64) seed;
  if (!atl_pretrain_run (policy, train, val, &config, print_progress_cb,
                         GINT_TO_POINTER (steps), NULL, &report, error))
    return FALSE;

  command_line = g_strjoinv (" ", argv);
  provenance = g_hash_table_new_full (g_str_hash, g_str_equal, NULL, g_free);
  g_hash_table_insert (provenance, "corpus", g_strdup (report_text->str));
  g_hash_table_insert (provenance, "command", g_strdup_printf ("atelier pretrain %s",
                                                               command_line));
  g_hash_table_insert (provenance, "steps", g_strdup_printf ("%d", report.steps_done));
  g_hash_table_insert (provenance, "batch", g_strdup_printf ("%d", batch));
  g_hash_table_insert (provenance, "seed", g_strdup_printf ("%" G_GINT64_FORMAT, seed));
  g_hash_table_insert (provenance, "loss", g_strdup_printf ("%.4f", report.train_loss));
  g_hash_table_insert (provenance, "train_loss", g_strdup_printf ("%.4f", report.train_loss));
  g_hash_table_insert (provenance, "val_nll", g_strdup_printf ("%.4f", report.val_nll));
  g_hash_table_insert (provenance, "train_sequences",
                       g_strdup_printf ("%u", atl_token_set_get_size (train)));
  g_hash_table_insert (provenance, "seconds", g_strdup_printf ("%.0f", report.seconds));
  g_hash_table_insert (provenance, "created", g_date_time_format_iso8601 (now));

  if (!atl_model_save (policy, codec, provenance, out, &sha, error))
    return FALSE;
  printf ("wrote %s\n  steps %d, train loss %.4f, validation %.4f nats per token, %.0f s\n"
          "  sha256 %s\n", out, report.steps_done, report.train_loss, report.val_nll,
          report.seconds, sha);
  return TRUE;
}

gboolean
atl_cli_eval_cb (int      argc,
                 char   **argv,
                 GError **error)
{
  g_autofree char *domain_name = NULL, *corpus = NULL, *model = NULL;
  int count = 4000, batch = 32;
  gint64 seed = 2;
  GOptionEntry entries[] = {
    { "domain", 0, 0, G_OPTION_ARG_STRING, &domain_name, "art or music", "DOMAIN" },
    { "model", 0, 0, G_OPTION_ARG_FILENAME, &model, "Checkpoint to measure", "FILE" },
    { "corpus", 0, 0, G_OPTION_ARG_FILENAME, &corpus,
      "Folder of ABC/MIDI (music) or “procedural” (art)", "SRC" },
    { "count", 0, 0, G_OPTION_ARG_INT, &count, "Art: compositions to draw (4000)", "N" },
    { "seed", 0, 0, G_OPTION_ARG_INT64, &seed, "Art: corpus seed (2)", "S" },
    { NULL }
  };
  g_autoptr(AtlTokenSet) train = NULL, val = NULL, all = NULL;
  g_autoptr(AtlPolicy) policy = NULL;
  g_autoptr(GString) report = g_string_new (NULL);
  AtlDomain domain;
  double nll_all, nll_val;

  if (!atl_cli_parse_options ("eval", "Mean negative log-likelihood per token of a model on a "
                      "corpus.", entries, argc, argv, error)
      || !require ("eval", domain_name, "--domain", error)
      || !require ("eval", model, "--model", error)
      || !require ("eval", corpus, "--corpus", error)
      || !atl_domain_parse (domain_name, &domain, error))
    return FALSE;

  atl_nn_set_threads (2);
  policy = atl_model_load (model, NULL, atl_domain_get_codec (domain), error);
  if (policy == NULL)
    return FALSE;
  if (!atl_domain_load_corpus (domain, corpus, (guint) MAX (count, 10), (guint64) seed,
                               &train, &val, report, error))
    return FALSE;

  /* The whole corpus, and its held-out part on its own (the part pretraining never saw
   * when the corpus is the pretraining corpus). */
  all = atl_token_set_new ();
  for (int split = 0; split < 2; split++)
    {
      AtlTokenSet *set = split ? val : train;

      for (guint i = 0; i < atl_token_set_get_size (set); i++)
        {
          guint len;
          const int *seq = atl_token_set_get (set, i, &len);

          atl_token_set_add (all, seq, len);
        }
    }
  if (!atl_pretrain_eval (policy, all, batch, &nll_all, error)
      || !atl_pretrain_eval (policy, val, batch, &nll_val, error))
    return FALSE;

  printf ("corpus: %s\n", report->str);
  printf ("mean NLL per token: %.4f nats over %u sequences (%" G_GUINT64_FORMAT " tokens)\n",
          nll_all, atl_token_set_get_size (all), atl_token_set_get_n_tokens (all));
  printf ("held-out part:      %.4f nats over %u sequences\n", nll_val,
          atl_token_set_get_size (val));
  return TRUE;
}
