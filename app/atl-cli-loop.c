/* atl-cli-loop.c: picks, training rounds, preference files and the headless demo on the
 * store, for scripts and for `./run` without a display.
 *
 * `demo` is a whole session played by a simulated artist (atl-taste.h): draw a grid from
 * the current version, pick 1–2 favourites with Bradley–Terry noise, train a round, repeat;
 * then blind pairs of tuned vs base judged by the same taste, and the favourites exported
 * as files.
 */
#include "atl-cli-loop.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <json-glib/json-glib.h>

#include "atl-base-models.h"
#include "atl-cli-generate.h"
#include "atl-engine-autoptr.h"
#include "atl-error.h"
#include "atl-explore.h"
#include "atl-feature-label.h"
#include "atl-generator.h"
#include "atl-model.h"
#include "atl-prefs-io.h"
#include "atl-round.h"
#include "atl-taste.h"
#include "atl-trainer.h"
#include "atl-work-export.h"

/* IDs after a flag, up to the next "--" option. */
static gboolean
take_ids (char    **argv,
          int       argc,
          int      *i,
          GArray   *out,
          GError  **error)
{
  const char *flag = argv[*i];

  while (*i + 1 < argc && !g_str_has_prefix (argv[*i + 1], "--"))
    {
      char *end = NULL;
      gint64 id = g_ascii_strtoll (argv[++*i], &end, 10);

      if (end == NULL || *end != '\0' || id <= 0)
        {
          g_set_error (error, ATL_CLI_ERROR, ATL_CLI_ERROR_USAGE,
                       "%s expects work ids, not “%s”", flag, argv[*i]);
          return FALSE;
        }
      g_array_append_val (out, id);
    }
  return TRUE;
}

static void
print_ids (const char *label,
           GArray     *ids)
{
  printf ("%s", label);
  for (guint i = 0; i < ids->len; i++)
    printf ("%s%" G_GINT64_FORMAT, i ? ", " : " ", g_array_index (ids, gint64, i));
  if (ids->len == 0)
    printf (" none");
}

gboolean
atl_cli_pick_cb (int      argc,
                 char   **argv,
                 GError **error)
{
  g_autoptr(GArray) favs = g_array_new (FALSE, FALSE, sizeof (gint64));
  g_autoptr(GArray) rejects = g_array_new (FALSE, FALSE, sizeof (gint64));
  g_autoptr(AtlStore) store = NULL;
  g_autoptr(AtlGrid) grid = NULL;
  AtlComparisonCounts counts;
  gint64 grid_id = 0, batch = 0;

  for (int i = 0; i < argc; i++)
    {
      if (g_str_equal (argv[i], "--grid") && i + 1 < argc)
        grid_id = g_ascii_strtoll (argv[++i], NULL, 10);
      else if (g_str_equal (argv[i], "--favorite") || g_str_equal (argv[i], "--favourite"))
        {
          if (!take_ids (argv, argc, &i, favs, error))
            return FALSE;
        }
      else if (g_str_equal (argv[i], "--reject"))
        {
          if (!take_ids (argv, argc, &i, rejects, error))
            return FALSE;
        }
      else
        {
          g_set_error (error, ATL_CLI_ERROR, ATL_CLI_ERROR_USAGE,
                       "usage: atelier pick --grid G --favorite ID… [--reject ID…] "
                       "(unexpected “%s”)", argv[i]);
          return FALSE;
        }
    }
  if (grid_id <= 0 || favs->len + rejects->len == 0)
    {
      g_set_error (error, ATL_CLI_ERROR, ATL_CLI_ERROR_USAGE,
                   "usage: atelier pick --grid G --favorite ID… [--reject ID…]");
      return FALSE;
    }
  store = atl_store_open_default (error);
  if (store == NULL || (grid = atl_store_get_grid (store, grid_id, error)) == NULL)
    return FALSE;
  if (!atl_store_commit_picks (store, grid_id, (gint64 *) favs->data, favs->len,
                               (gint64 *) rejects->data, rejects->len, &batch, error)
      || !atl_store_count_comparisons (store, grid->session_id, &counts, error))
    return FALSE;
  printf ("Grid %" G_GINT64_FORMAT " (round %u):", grid_id, grid->round);
  print_ids (" favourites", favs);
  print_ids ("; rejects", rejects);
  printf ("\nRecorded as pick batch %" G_GINT64_FORMAT "; the session now has %u active "
          "comparisons (%u from grids)\n", batch, counts.active,
          counts.by_kind[ATL_COMPARISON_GRID]);
  return TRUE;
}

/* --- training ------------------------------------------------------------------------ */

typedef struct
{
  GMainLoop    *loop;
  GAsyncResult *result;
  AtlTrainer   *trainer;
  int           steps;
  const char   *label;
  gboolean      quiet;
  gboolean      tty;
} TrainRun;

static void
trainer_notify_cb (GObject    *object,
                   GParamSpec *pspec,
                   gpointer    user_data)
{
  TrainRun *run = user_data;
  AtlTrainer *t = run->trainer;
  g_autofree char *accuracy = NULL;

  /* One update per coalesced batch (progress moves with every step and phase); a
   * terminal gets a live line, a log only the finished one. */
  if (run->quiet || !g_str_equal (pspec->name, "progress") || !run->tty)
    return;
  accuracy = atl_trainer_get_accuracy (t) >= 0
             ? g_strdup_printf ("%.2f", atl_trainer_get_accuracy (t)) : g_strdup ("—");
  printf ("\r%s%-7s %3d%%  step %2d/%d  reward %+.2f  KL %.2f  held-out accuracy %s   ",
          run->label, atl_trainer_phase_to_string (atl_trainer_get_phase (t)),
          (int) lround (100 * atl_trainer_get_progress (t)), atl_trainer_get_step (t),
          run->steps, atl_trainer_get_reward_mean (t), atl_trainer_get_kl (t), accuracy);
  fflush (stdout);
}

static void
trainer_done_cb (GObject      *object,
                 GAsyncResult *result,
                 gpointer      user_data)
{
  TrainRun *run = user_data;

  run->result = g_object_ref (result);
  g_main_loop_quit (run->loop);
}

/* One round through AtlTrainer, as the studio runs it; returns the new version id. */
static gint64
train_round (AtlStore          *store,
             gint64             session_id,
             int                steps,
             AtlLearnerMethod   method,
             const char        *label,
             gboolean           quiet,
             char             **out_metrics,
             GError           **error)
{
  g_autoptr(AtlTrainer) trainer = atl_trainer_new (store, session_id);
  g_autoptr(GMainLoop) loop = g_main_loop_new (NULL, FALSE);
  TrainRun run = { loop, NULL, trainer, steps, label, quiet, isatty (fileno (stdout)) };
  gint64 id;

  atl_trainer_set_steps (trainer, steps);
  atl_trainer_set_method (trainer, method);
  atl_trainer_set_threads (trainer, 2);
  g_signal_connect (trainer, "notify", G_CALLBACK (trainer_notify_cb), &run);
  atl_trainer_run_async (trainer, NULL, trainer_done_cb, &run);
  g_main_loop_run (loop);
  id = atl_trainer_run_finish (trainer, run.result, error);
  /* The last coalesced update, so the line ends on "done". */
  while (g_main_context_iteration (NULL, FALSE))
    ;
  g_clear_object (&run.result);
  if (!quiet && id != 0)
    {
      run.tty = TRUE;
      trainer_notify_cb (G_OBJECT (trainer), g_object_class_find_property (
                           G_OBJECT_GET_CLASS (trainer), "progress"), &run);
      printf ("\n");
    }
  else if (!quiet && isatty (fileno (stdout)))
    printf ("\n");
  if (id != 0 && out_metrics != NULL)
    *out_metrics = g_strdup (atl_trainer_get_metrics (trainer));
  return id;
}

static AtlSession *
session_by_name (AtlStore    *store,
                 const char  *name,
                 const char  *domain_name,
                 GError     **error)
{
  AtlDomain domain;

  if (name == NULL)
    {
      if (domain_name == NULL)
        {
          g_set_error (error, ATL_CLI_ERROR, ATL_CLI_ERROR_USAGE,
                       "Name a --session or a --domain (art or music)");
          return NULL;
        }
      if (!atl_domain_parse (domain_name, &domain, error))
        return NULL;
      name = atl_domain_default_session_name (domain);
    }
  return atl_store_lookup_session (store, name, error);
}

gboolean
atl_cli_train_cb (int      argc,
                  char   **argv,
                  GError **error)
{
  g_autofree char *session_name = NULL, *domain_name = NULL, *method_name = NULL;
  int rounds = 1, steps = 20;
  GOptionEntry entries[] = {
    { "session", 0, 0, G_OPTION_ARG_STRING, &session_name, "Session", "NAME" },
    { "domain", 0, 0, G_OPTION_ARG_STRING, &domain_name,
      "Without --session: the domain's sketchbook", "D" },
    { "rounds", 0, 0, G_OPTION_ARG_INT, &rounds, "Training rounds, each a new version (1)",
      "N" },
    { "steps", 0, 0, G_OPTION_ARG_INT, &steps, "Tuner steps per round (20)", "N" },
    { "method", 0, 0, G_OPTION_ARG_STRING, &method_name, "rloo (default) or dpo", "M" },
    { NULL }
  };
  g_autoptr(AtlStore) store = NULL;
  g_autoptr(AtlSession) session = NULL;
  AtlLearnerMethod method = ATL_LEARNER_RLOO;

  if (!atl_cli_parse_options ("train", "Fit the taste and fine-tune the session's model.",
                              entries, argc, argv, error))
    return FALSE;
  if (method_name != NULL && g_str_equal (method_name, "dpo"))
    method = ATL_LEARNER_DPO;
  else if (method_name != NULL && !g_str_equal (method_name, "rloo"))
    {
      g_set_error (error, ATL_CLI_ERROR, ATL_CLI_ERROR_USAGE,
                   "train: --method is rloo or dpo, not “%s”", method_name);
      return FALSE;
    }
  if (rounds < 1 || rounds > 1000 || steps < 1 || steps > 100000)
    {
      g_set_error (error, ATL_CLI_ERROR, ATL_CLI_ERROR_USAGE,
                   "train: --rounds 1 … 1000, --steps 1 … 100000");
      return FALSE;
    }
  store = atl_store_open_default (error);
  if (store == NULL
      || (session = session_by_name (store, session_name, domain_name, error)) == NULL)
    return FALSE;
  for (int r = 1; r <= rounds; r++)
    {
      g_autofree char *label = g_strdup_printf ("round %d/%d: ", r, rounds);
      g_autofree char *metrics = NULL;
      g_autoptr(AtlModelVersion) v = NULL;
      gint64 id = train_round (store, session->id, steps, method, label, FALSE, &metrics,
                               error);

      if (id == 0 || (v = atl_store_get_version (store, id, error)) == NULL)
        return FALSE;
      printf ("“%s” is now at v%u (%s)\n  %s\n", session->name, v->number, v->path, metrics);
    }
  return TRUE;
}

gboolean
atl_cli_export_prefs_cb (int      argc,
                         char   **argv,
                         GError **error)
{
  g_autofree char *session_name = NULL, *out = NULL;
  GOptionEntry entries[] = {
    { "session", 0, 0, G_OPTION_ARG_STRING, &session_name, "Session (default: all)", "NAME" },
    { "out", 0, 0, G_OPTION_ARG_FILENAME, &out, "JSONL file to write", "FILE" },
    { NULL }
  };
  g_autoptr(AtlStore) store = NULL;
  g_autoptr(AtlSession) session = NULL;
  guint n = 0;

  if (!atl_cli_parse_options ("export-prefs", "Write the preferences as JSONL.", entries,
                              argc, argv, error))
    return FALSE;
  if (out == NULL)
    {
      g_set_error (error, ATL_CLI_ERROR, ATL_CLI_ERROR_USAGE, "export-prefs: --out FILE");
      return FALSE;
    }
  store = atl_store_open_default (error);
  if (store == NULL)
    return FALSE;
  if (session_name != NULL
      && (session = atl_store_lookup_session (store, session_name, error)) == NULL)
    return FALSE;
  if (!atl_prefs_export_file (store, session ? session->id : 0, out, &n, error))
    return FALSE;
  printf ("Wrote %u preference%s to %s\n", n, n == 1 ? "" : "s", out);
  return TRUE;
}

gboolean
atl_cli_import_prefs_cb (int      argc,
                         char   **argv,
                         GError **error)
{
  g_autofree char *session_name = NULL;
  g_auto(GStrv) files = NULL;
  GOptionEntry entries[] = {
    { "session", 0, 0, G_OPTION_ARG_STRING, &session_name, "Session to import into", "NAME" },
    { G_OPTION_REMAINING, 0, 0, G_OPTION_ARG_FILENAME_ARRAY, &files, NULL, "FILE" },
    { NULL }
  };
  g_autoptr(AtlStore) store = NULL;
  AtlPrefsImportStats stats;

  if (!atl_cli_parse_options ("import-prefs", "Read preferences from JSONL.", entries, argc,
                              argv, error))
    return FALSE;
  if (files == NULL || files[0] == NULL || files[1] != NULL || session_name == NULL)
    {
      g_set_error (error, ATL_CLI_ERROR, ATL_CLI_ERROR_USAGE,
                   "usage: atelier import-prefs FILE --session NAME");
      return FALSE;
    }
  store = atl_store_open_default (error);
  if (store == NULL || !atl_prefs_import_file (store, files[0], session_name, &stats, error))
    return FALSE;
  printf ("Imported %u preference%s (%u new works) into %s“%s”\n", stats.n_lines,
          stats.n_lines == 1 ? "" : "s", stats.n_works,
          stats.created ? "the new session " : "", session_name);
  return TRUE;
}

/* --- demo ------------------------------------------------------------------------------ */

/* Utilities of n works (tokens as the store keeps them). */
static gboolean
demo_utilities (const AtlCodec *codec,
                int             taste,
                GPtrArray      *works,
                float          *out,
                GError        **error)
{
  for (guint i = 0; i < works->len; i++)
    {
      AtlWork *w = works->pdata[i];
      AtlMsg msg = { { 0 } };
      AtlStatus status = atl_taste_utility (codec, taste, (const int *) w->tokens,
                                            (int) w->n_tokens, &out[i], &msg);

      if (status != ATL_OK)
        return atl_set_engine_error (error, status, &msg);
    }
  return TRUE;
}

/* n samples of policy's, their utilities into out (n). */
static gboolean
sample_utilities (AtlPolicy      *policy,
                  const AtlCodec *codec,
                  int             taste,
                  int             n,
                  guint64         seed,
                  float          *out,
                  GError        **error)
{
  g_autoptr(AtlGenerator) gen = atl_generator_new (policy, codec, error);
  g_autoptr(AtlTokenSet) set = atl_token_set_new ();
  g_autofree guint64 *seeds = g_new (guint64, n);
  AtlStylePrefix open;

  if (gen == NULL)
    return FALSE;
  for (gsize i = 0; i < G_N_ELEMENTS (open.forced); i++)
    open.forced[i] = -1;
  for (int i = 0; i < n; i++)
    seeds[i] = seed + (guint64) i;
  if (!atl_generator_sample (gen, &open, NULL, 0, n, seeds, 1.0f, 1.0f, set, NULL, error))
    return FALSE;
  for (int i = 0; i < n; i++)
    {
      guint len;
      const int *seq = atl_token_set_get (set, (guint) i, &len);
      AtlMsg msg = { { 0 } };
      AtlStatus status = atl_taste_utility (codec, taste, seq, (int) len, &out[i], &msg);

      if (status != ATL_OK)
        return atl_set_engine_error (error, status, &msg);
    }
  return TRUE;
}

/* A member of the version's metrics JSON, as text ("" when missing). */
static char *
metric (const char *json,
        const char *key)
{
  g_autoptr(JsonParser) parser = json_parser_new ();
  JsonObject *obj;
  JsonNode *node;

  if (json == NULL || !json_parser_load_from_data (parser, json, -1, NULL)
      || !JSON_NODE_HOLDS_OBJECT (json_parser_get_root (parser)))
    return g_strdup ("");
  obj = json_node_get_object (json_parser_get_root (parser));
  node = json_object_get_member (obj, key);
  if (node == NULL || !JSON_NODE_HOLDS_VALUE (node))
    return g_strdup ("");
  if (json_node_get_value_type (node) == G_TYPE_STRING)
    return g_strdup (json_node_get_string (node));
  return g_strdup_printf ("%.2f", json_node_get_double (node));
}

gboolean
atl_cli_demo_cb (int      argc,
                 char   **argv,
                 GError **error)
{
  g_autofree char *domain_name = NULL, *taste_name = NULL, *out = NULL, *metrics = NULL;
  int rounds = 4, steps = 20, grid_n = 12, pairs = 200;
  gint64 seed = 1;
  GOptionEntry entries[] = {
    { "domain", 0, 0, G_OPTION_ARG_STRING, &domain_name, "music (default) or art", "D" },
    { "taste", 0, 0, G_OPTION_ARG_STRING, &taste_name,
      "The simulated artist (music: contour, syncopation, register, consonance; art: warm, "
      "symmetry, density, curvy)", "NAME" },
    { "rounds", 0, 0, G_OPTION_ARG_INT, &rounds, "Rounds (4)", "N" },
    { "steps", 0, 0, G_OPTION_ARG_INT, &steps, "Tuner steps per round (20)", "N" },
    { "grid", 0, 0, G_OPTION_ARG_INT, &grid_n, "Candidates per round (12)", "N" },
    { "pairs", 0, 0, G_OPTION_ARG_INT, &pairs, "Blind pairs for the taste check (200)", "N" },
    { "seed", 0, 0, G_OPTION_ARG_INT64, &seed, "Seed (1)", "S" },
    { "out", 0, 0, G_OPTION_ARG_FILENAME, &out,
      "Where the favourites go (default: demo-<session> in the store folder)", "DIR" },
    { NULL }
  };
  g_autoptr(AtlStore) store = NULL;
  g_autoptr(AtlSession) session = NULL;
  g_autoptr(AtlPolicy) base = NULL, tuned = NULL;
  g_autoptr(AtlModelVersion) version = NULL;
  g_autoptr(GPtrArray) all = NULL;
  g_autofree float *ub = NULL, *ut = NULL;
  g_autofree char *name = NULL, *base_path = NULL;
  AtlDomain domain = ATL_DOMAIN_MUSIC;
  const AtlCodec *codec;
  AtlWorkExportOptions options;
  AtlRng rng;
  double mean = 0.0, m2 = 0.0, wins = 0.0;
  float tau;
  int taste = 0, exported = 0;
  gint64 session_id;
  gint64 started = g_get_monotonic_time ();

  if (!atl_cli_parse_options ("demo", "A whole session with a simulated artist, headless.",
                              entries, argc, argv, error))
    return FALSE;
  if (domain_name != NULL && !atl_domain_parse (domain_name, &domain, error))
    return FALSE;
  codec = atl_domain_get_codec (domain);
  if (taste_name != NULL && (taste = atl_taste_lookup (codec, taste_name)) < 0)
    {
      g_set_error (error, ATL_CLI_ERROR, ATL_CLI_ERROR_USAGE,
                   "demo: the %s domain has no taste “%s”", codec->name, taste_name);
      return FALSE;
    }
  if (rounds < 1 || rounds > 100 || steps < 1 || grid_n < 3 || grid_n > 64 || pairs < 10)
    {
      g_set_error (error, ATL_CLI_ERROR, ATL_CLI_ERROR_USAGE,
                   "demo: --rounds 1 … 100, --steps ≥ 1, --grid 3 … 64, --pairs ≥ 10");
      return FALSE;
    }
  base_path = atl_base_model_path (domain, error);
  if (base_path == NULL || (base = atl_model_load (base_path, NULL, codec, error)) == NULL)
    return FALSE;
  store = atl_store_open_default (error);
  if (store == NULL)
    return FALSE;

  /* A fresh session, so the demo never mixes with the artist's own picks. */
  for (int n = 1;; n++)
    {
      AtlSession *existing;

      g_free (name);
      name = n == 1 ? g_strdup_printf ("Demo (%s)", atl_taste_name (codec, taste))
                    : g_strdup_printf ("Demo (%s) %d", atl_taste_name (codec, taste), n);
      existing = atl_store_lookup_session (store, name, NULL);
      if (existing == NULL)
        break;
      atl_session_free (existing);
    }
  session_id = atl_store_create_session (store, name, domain, NULL, NULL, NULL, error);
  if (session_id == 0)
    return FALSE;
  printf ("Demo session “%s” in %s: a simulated artist with a taste for %s picks 1–2 "
          "favourites from %d candidates, %d rounds, training after each\n\n", name,
          atl_store_get_path (store), atl_taste_name (codec, taste), grid_n, rounds);

  /* The artist's noise: τ is half the spread of the taste over the base's own works. */
  ub = g_new (float, MAX (pairs, 64));
  if (!sample_utilities (base, codec, taste, 64, (guint64) seed * 7 + 3, ub, error))
    return FALSE;
  for (int i = 0; i < 64; i++)
    {
      mean += ub[i] / 64.0;
      m2 += (double) ub[i] * ub[i] / 64.0;
    }
  tau = (float) (0.5 * sqrt (MAX (m2 - mean * mean, 1e-12)));
  atl_rng_seed (&rng, (guint64) seed);

  for (int r = 1; r <= rounds; r++)
    {
      g_autoptr(AtlSession) s = atl_store_get_session (store, session_id, error);
      g_autoptr(AtlModelVersion) v = NULL;
      g_autoptr(AtlPolicy) policy = NULL;
      g_autoptr(AtlLearner) ranker = NULL;
      g_autoptr(GArray) ids = g_array_new (FALSE, FALSE, sizeof (gint64));
      g_autoptr(GPtrArray) works = NULL;
      g_autofree float *u = g_new (float, grid_n);
      const char *label = "  training  ";
      gint64 fav_ids[2];
      int fav[2], n_fav = 1 + (int) atl_rng_below (&rng, 2);
      AtlRoundSpec spec;
      gint64 grid;

      if (s == NULL || (policy = atl_session_load_policy (store, s, &v, NULL, error)) == NULL)
        return FALSE;
      /* As in the studio: from the second round on, the grid comes from a pool. */
      if (r > 1)
        {
          g_autoptr(GError) local = NULL;

          ranker = atl_explore_ranker_new (store, s, base, &local);
          if (local != NULL)
            {
              g_propagate_error (error, g_steal_pointer (&local));
              return FALSE;
            }
        }
      atl_round_spec_init (&spec);
      spec.count = grid_n;
      spec.ranker = ranker;
      spec.exploration = s->exploration;
      spec.seed = (guint64) seed * 100000 + (guint64) r * 100;
      grid = atl_round_draw (store, s, policy, v->id, &spec, ids, error);
      if (grid == 0 || (works = atl_store_list_grid_works (store, grid, error)) == NULL
          || !demo_utilities (codec, taste, works, u, error))
        return FALSE;
      atl_taste_pick (u, grid_n, tau, n_fav, &rng, fav);
      for (int f = 0; f < n_fav; f++)
        fav_ids[f] = ((AtlWork *) works->pdata[fav[f]])->id;
      if (!atl_store_commit_picks (store, grid, fav_ids, (guint) n_fav, NULL, 0, NULL, error))
        return FALSE;
      for (int f = 0; f < n_fav; f++)
        atl_store_set_in_collection (store, fav_ids[f], TRUE, NULL);
      printf ("Round %d: %d works from v%u; favourite%s", r, grid_n, v->number,
              n_fav > 1 ? "s" : "");
      for (int f = 0; f < n_fav; f++)
        printf (" #%" G_GINT64_FORMAT " (taste %+.2f)", fav_ids[f], u[fav[f]]);
      printf ("\n");
      g_clear_pointer (&metrics, g_free);
      if (train_round (store, session_id, steps, ATL_LEARNER_RLOO, label, FALSE, &metrics,
                       error) == 0)
        return FALSE;
    }

  /* The taste check: tuned vs base in blind pairs, judged by the same taste. */
  session = atl_store_get_session (store, session_id, error);
  if (session == NULL
      || (tuned = atl_session_load_policy (store, session, &version, NULL, error)) == NULL)
    return FALSE;
  ut = g_new (float, pairs);
  g_free (ub);
  ub = g_new (float, pairs);
  if (!sample_utilities (base, codec, taste, pairs, (guint64) seed * 31 + 11, ub, error)
      || !sample_utilities (tuned, codec, taste, pairs, (guint64) seed * 31 + 11, ut, error))
    return FALSE;
  for (int i = 0; i < pairs; i++)
    wins += ut[i] > ub[i] ? 1.0 : ut[i] == ub[i] ? 0.5 : 0.0;

  /* The favourites, as files. */
  if (out == NULL)
    {
      g_autofree char *dir = g_path_get_dirname (atl_store_get_path (store));

      out = g_strdup_printf ("%s/demo-%" G_GINT64_FORMAT, dir, session_id);
    }
  if (g_mkdir_with_parents (out, 0755) != 0)
    {
      g_set_error (error, G_FILE_ERROR, G_FILE_ERROR_FAILED, "Cannot create “%s”", out);
      return FALSE;
    }
  atl_work_export_options_init (&options);
  options.session_name = name;
  options.version = version->number;
  all = atl_store_list_collection (store, session_id, error);
  if (all == NULL)
    return FALSE;
  for (guint i = 0; i < all->len; i++)
    {
      AtlWork *w = all->pdata[i];
      const char *format = atl_work_export_formats (domain)[0];
      g_autofree char *file = g_strdup_printf ("%s/%s-%" G_GINT64_FORMAT "-seed%"
                                               G_GUINT64_FORMAT ".%s", out, codec->name,
                                               w->id, w->seed, format);

      if (!atl_work_export (w, format, &options, file, error))
        return FALSE;
      exported++;
    }

  {
    g_autofree char *kl = metric (metrics, "kl"), *acc = metric (metrics, "accuracy");

    if (*acc == '\0')   /* a single round's picks leave nothing to hold out */
      {
        g_free (acc);
        acc = g_strdup ("not measurable yet (one round of picks)");
      }
    g_autofree char *raw_top = metric (metrics, "top_features");
    g_autofree char *top = atl_feature_label_format_top (raw_top);

    printf ("\nSummary after %d round%s (%.0f s):\n"
            "  taste check: the artist prefers v%u over the base in %.0f%% of %d blind pairs\n"
            "  KL to base %s nats per work; reward-model held-out accuracy %s\n"
            "  what it learned: %s\n"
            "  %d favourite%s exported to %s\n", rounds, rounds == 1 ? "" : "s",
            (g_get_monotonic_time () - started) / 1e6, version->number, 100.0 * wins / pairs,
            pairs, kl, acc, top, exported, exported == 1 ? "" : "s", out);
  }
  return TRUE;
}
