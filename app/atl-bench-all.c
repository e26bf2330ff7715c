/* atl-bench-all.c: one table of every DESIGN.md §6 figure (see atl-bench-all.h).
 *
 * The in-process benches (nn, music, art, loop) repeat their timed sections themselves and
 * report medians; the subprocess benches (synth, reward, studio, demo) are run `repeats`
 * times and the median of their figures is taken here. Subprocess benches are found in the
 * build tree beside the atelier binary ($ATL_BUILD_DIR/tests/bench), as meson builds them.
 */
#include "atl-bench-all.h"

#include <glib/gstdio.h>
#include <json-glib/json-glib.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>

#include "atl-bench-art.h"
#include "atl-bench-loop.h"
#include "atl-bench-music.h"
#include "atl-bench-nn.h"
#include "atl-bench-spawn.h"
#include "atl-bench-util.h"
#include "atl-art-codec.h"
#include "atl-cli-generate.h"
#include "atl-domain.h"
#include "atl-error.h"
#include "atl-model.h"

void
atl_bench_all_options_init (AtlBenchAllOptions *options)
{
  *options = (AtlBenchAllOptions) { .quick = FALSE, .pytorch = TRUE, .studio = TRUE,
                                    .repeats = 0 };
}

static void
row_free (gpointer data)
{
  AtlBenchRow *row = data;

  g_free (row->name);
  g_free (row->unit);
  g_free (row->peer_name);
  g_free (row->note);
  g_free (row);
}

void
atl_bench_all_result_clear (AtlBenchAllResult *result)
{
  g_clear_pointer (&result->rows, g_ptr_array_unref);
}

static AtlBenchRow *
add_row (AtlBenchAllResult *result,
         const char        *name,
         double             median,
         const char        *unit,
         AtlBenchGoal       goal,
         double             target,
         int                runs)
{
  AtlBenchRow *row = g_new0 (AtlBenchRow, 1);

  row->name = g_strdup (name);
  row->median = median;
  row->unit = g_strdup (unit);
  row->goal = goal;
  row->target = target;
  row->peer = NAN;
  row->ratio = NAN;
  row->runs = runs;
  g_ptr_array_add (result->rows, row);
  return row;
}

static void
set_peer (AtlBenchRow *row,
          const char  *peer_name,
          double       peer,
          double       ratio)
{
  g_free (row->peer_name);
  row->peer_name = g_strdup (peer_name);
  row->peer = peer;
  row->ratio = ratio;
}

static void
set_note (AtlBenchRow *row,
          const char  *format,
          ...) G_GNUC_PRINTF (2, 3);

static void
set_note (AtlBenchRow *row,
          const char  *format,
          ...)
{
  va_list args;

  g_free (row->note);
  va_start (args, format);
  row->note = g_strdup_vprintf (format, args);
  va_end (args);
}

gboolean
atl_bench_row_ok (const AtlBenchRow *row)
{
  switch (row->goal)
    {
    case ATL_BENCH_AT_MOST:
      return row->median <= row->target;
    case ATL_BENCH_AT_LEAST:
      return row->median >= row->target;
    case ATL_BENCH_RATIO:
      return row->ratio >= row->target;
    case ATL_BENCH_NO_TARGET:
    default:
      return FALSE;
    }
}

/* The median of the finite values, NaN if there are none. */
static double
median_of (GArray *values)
{
  g_autoptr(GArray) finite = g_array_new (FALSE, FALSE, sizeof (double));
  guint n;

  for (guint i = 0; i < values->len; i++)
    if (isfinite (g_array_index (values, double, i)))
      g_array_append_val (finite, g_array_index (values, double, i));
  n = finite->len;
  if (n == 0)
    return NAN;
  g_array_sort (finite, atl_bench_compare_doubles);
  return n % 2 ? g_array_index (finite, double, n / 2)
               : 0.5 * (g_array_index (finite, double, n / 2 - 1)
                        + g_array_index (finite, double, n / 2));
}

/* The largest number the pattern's first group captures in text, NaN if none. */
static double
grab_max (const char *text,
          const char *pattern)
{
  g_autoptr(GRegex) regex = g_regex_new (pattern, G_REGEX_MULTILINE, 0, NULL);
  g_autoptr(GMatchInfo) match = NULL;
  double best = NAN;

  g_return_val_if_fail (regex != NULL, NAN);
  g_regex_match (regex, text, 0, &match);
  while (g_match_info_matches (match))
    {
      g_autofree char *number = g_match_info_fetch (match, 1);
      double v = g_ascii_strtod (number, NULL);

      if (isfinite (v) && !(v <= best))
        best = v;
      g_match_info_next (match, NULL);
    }
  return best;
}

static void
push (GArray *values,
      double  v)
{
  g_array_append_val (values, v);
}

static char *
build_dir (void)
{
  g_autofree char *exe = NULL;

  if (g_getenv ("ATL_BUILD_DIR") != NULL)
    return g_strdup (g_getenv ("ATL_BUILD_DIR"));
  exe = g_file_read_link ("/proc/self/exe", NULL);
  return exe != NULL ? g_path_get_dirname (exe) : g_strdup (".");
}

static char *
bench_program (const char *name)
{
  g_autofree char *dir = build_dir ();
  char *path = g_build_filename (dir, "tests", "bench", name, NULL);

  if (g_file_test (path, G_FILE_TEST_IS_EXECUTABLE))
    return path;
  g_free (path);
  return NULL;
}

static double
load_average (void)
{
  double load[1];

  return getloadavg (load, 1) == 1 ? load[0] : NAN;
}

/* ---- in-process benches ---- */

static void
run_nn (const AtlBenchAllOptions *o,
        AtlBenchAllResult        *result)
{
  AtlBenchNnOptions options;
  AtlBenchNnResult r;
  g_autoptr(GError) error = NULL;
  AtlBenchRow *row;
  gboolean ok;

  atl_bench_nn_options_init (&options);
  options.pytorch = o->pytorch;
  if (o->quick)
    {
      options.train_steps = 5;
      options.sample_runs = 3;
    }
  ok = atl_bench_nn_run (&options, &r, &error);
  if (!ok && o->pytorch)
    {
      /* The peer failing is no reason to lose the engine's own figures. */
      g_message ("bench all: PyTorch peer: %s", error->message);
      g_clear_error (&error);
      options.pytorch = FALSE;
      ok = atl_bench_nn_run (&options, &r, &error);
    }
  if (!ok)
    {
      g_message ("bench all: nn: %s", error->message);
      r = (AtlBenchNnResult) { NAN, NAN, NAN, NAN, NAN, NAN, NAN, NAN, NAN, NAN, NAN };
    }
  row = add_row (result, "training step throughput (B 32 × T 128)", r.train_tokens_per_s,
                 "tokens/s", ATL_BENCH_RATIO, 2.0, options.train_steps);
  set_peer (row, "PyTorch", r.train_tokens_per_s_pytorch, r.train_ratio);
  set_note (row, "atelier %.1f ms per step", r.train_step_ms);
  row = add_row (result, "training step matmul throughput", r.train_gflops, "GFLOP/s",
                 ATL_BENCH_RATIO, 0.40, options.train_steps);
  set_peer (row, "sgemm peak", r.sgemm_peak_gflops, r.train_peak_fraction);
  set_note (row, "ratio = fraction of this run's 1536³ sgemm peak");
  row = add_row (result, "KV-cached sampling (16 × 128 tokens)", r.sample_tokens_per_s,
                 "tokens/s", ATL_BENCH_RATIO, 3.0, options.sample_runs);
  set_peer (row, "PyTorch", r.sample_tokens_per_s_pytorch, r.sample_ratio);
  set_note (row, "atelier %.1f ms per run", r.sample_ms);
}

static void
run_music (const AtlBenchAllOptions *o,
           AtlBenchAllResult        *result,
           AtlBenchRow             **synth_row)
{
  AtlBenchMusicOptions options;
  AtlBenchMusicResult r = { 0 };
  g_autoptr(GError) error = NULL;
  AtlBenchRow *sample, *synth;
  gboolean ok;

  atl_bench_music_options_init (&options);
  options.speed_only = TRUE;
  options.speed_runs = o->quick ? 3 : 9;
  ok = atl_bench_music_run (&options, &r, &error);
  sample = add_row (result, "sample 12 melodies of 8 bars", ok ? r.sample_ms : NAN, "ms",
                    ATL_BENCH_AT_MOST, 50.0, options.speed_runs);
  synth = add_row (result, "synthesize 30 s of 48 kHz stereo (slowest timbre)",
                   ok ? r.synth_ms_worst : NAN, "ms", ATL_BENCH_AT_MOST, 30.0,
                   options.speed_runs);
  if (!ok)
    {
      set_note (sample, "not measured: %s", error->message);
      set_note (synth, "not measured: %s", error->message);
    }
  *synth_row = synth;
  atl_bench_music_result_clear (&r);
}

/* An art policy of the default size with seeded random weights, saved to a temp file. */
static char *
untrained_art_model (GError **error)
{
  g_autofree char *dir = g_dir_make_tmp ("atl-bench-art-XXXXXX", error);
  g_autofree char *path = NULL;
  AtlPolicyConfig config;
  AtlPolicy *policy = NULL;
  AtlStatus status;
  AtlMsg msg;
  AtlRng rng;
  gboolean ok;

  if (dir == NULL)
    return NULL;
  atl_domain_default_config (ATL_DOMAIN_ART, &config);
  status = atl_policy_new (&config, &policy, &msg);
  if (status != ATL_OK)
    {
      atl_set_engine_error (error, status, &msg);
      g_rmdir (dir);
      return NULL;
    }
  atl_rng_seed (&rng, 1);
  atl_policy_init_weights (policy, &rng);
  path = g_build_filename (dir, "art-untrained.safetensors", NULL);
  ok = atl_model_save (policy, atl_art_codec (), NULL, path, NULL, error);
  atl_policy_free (policy);
  if (!ok)
    {
      g_rmdir (dir);
      return NULL;
    }
  return g_steal_pointer (&path);
}

static void
run_art (const AtlBenchAllOptions *o,
         AtlBenchAllResult        *result)
{
  AtlBenchArtOptions options;
  AtlBenchArtResult r = { 0 };
  g_autoptr(GError) error = NULL;
  g_autofree char *untrained = NULL, *note = NULL;
  AtlBenchRow *rows[3];
  gboolean ok;

  atl_bench_art_options_init (&options);
  options.speed_only = TRUE;
  options.n_samples = 24;
  options.speed_runs = o->quick ? 3 : 9;
  ok = atl_bench_art_run (&options, &r, &error);
  if (!ok)
    {
      /* No usable art base (not installed, or from an older codec): time the same model
       * size with untrained weights rather than nothing, and say so. */
      g_autofree char *why = g_strdup (error->message);

      g_clear_error (&error);
      atl_bench_art_result_clear (&r);
      untrained = untrained_art_model (&error);
      if (untrained != NULL)
        {
          options.model_path = untrained;
          ok = atl_bench_art_run (&options, &r, &error);
        }
      if (ok)
        note = g_strdup_printf ("untrained weights of the base size (%s)", why);
      else
        g_prefix_error (&error, "%s; then ", why);
    }
  rows[0] = add_row (result, "sample 12 art works (full length)", ok ? r.sample_ms : NAN,
                     "ms", ATL_BENCH_AT_MOST, 150.0, options.speed_runs);
  rows[1] = add_row (result, "render 12 art thumbnails 256²", ok ? r.thumbs_ms : NAN, "ms",
                     ATL_BENCH_AT_MOST, 20.0, options.speed_runs);
  rows[2] = add_row (result, "export one 4096² PNG", ok ? r.png4096_ms : NAN, "ms",
                     ATL_BENCH_NO_TARGET, NAN, MIN (options.speed_runs, 3));
  for (int i = 0; i < 3; i++)
    if (!ok)
      set_note (rows[i], "not measured: %s", error->message);
  if (ok)
    set_note (rows[0], "%.1f elements per work%s%s", r.mean_elements_full,
              note != NULL ? "; " : "", note != NULL ? note : "");
  atl_bench_art_result_clear (&r);
  if (untrained != NULL)
    {
      g_autofree char *dir = g_path_get_dirname (untrained);

      g_unlink (untrained);
      g_rmdir (dir);
    }
}

/* A whole round as bench loop times it, on the domain's first taste. */
static void
run_loop (const AtlBenchAllOptions *o,
          AtlDomain                 domain,
          AtlBenchAllResult        *result)
{
  AtlBenchLoopOptions options;
  AtlBenchLoopResult r = { 0 };
  g_autoptr(GError) error = NULL;
  AtlBenchRow *row;
  gboolean ok;

  atl_bench_loop_options_init (&options);
  options.domain = domain;
  options.tastes = domain == ATL_DOMAIN_MUSIC ? "contour" : "warm";
  options.methods = "rloo";
  options.rounds = 3;
  options.eval_pairs = 10;
  ok = atl_bench_loop_run (&options, &r, &error);
  row = add_row (result, domain == ATL_DOMAIN_MUSIC
                           ? "training round: refit + 20 RLOO steps × 16 (music)"
                           : "training round: refit + 20 RLOO steps × 16 (art)",
                 ok ? r.round_seconds : NAN, "s", ATL_BENCH_AT_MOST, 4.0, r.rounds_timed);
  if (ok && r.rounds_timed == 0)
    set_note (row, "not measured: the guards stopped all %d rounds early", options.rounds);
  else if (ok)
    set_note (row, "mean of the %d of %d rounds that ran all %d steps, %.2f s of process CPU "
              "time each", r.rounds_timed, options.rounds, options.steps, r.round_cpu_seconds);
  else
    set_note (row, "not measured: %s", error->message);
  atl_bench_loop_result_clear (&r);
}

/* ---- subprocess benches ---- */

static void
run_synth_peer (const AtlBenchAllOptions *o,
                int                       repeats,
                AtlBenchRow              *row)
{
  g_autofree char *program = bench_program ("bench-synth");
  g_autoptr(GArray) sox = g_array_new (FALSE, FALSE, sizeof (double));
  g_autoptr(GArray) pluck = g_array_new (FALSE, FALSE, sizeof (double));

  if (program == NULL)
    {
      set_note (row, "no sox figure: tests/bench/bench-synth is not built");
      return;
    }
  for (int i = 0; i < repeats; i++)
    {
      char *argv[] = { program, NULL };
      AtlBenchSpawnResult r;

      if (!atl_bench_spawn_run (argv, NULL, NULL, &r, NULL))
        break;
      push (sox, grab_max (r.out, "^sox +pluck +30\\.00 s of 48 kHz stereo in +([0-9.]+) ms"));
      push (pluck, grab_max (r.out, "pluck +\\S+ \\(([0-9.]+) ms per 30 s\\)"));
      atl_bench_spawn_clear (&r);
    }
  if (isfinite (median_of (sox)))
    set_peer (row, "sox (pluck, process + WAV)", median_of (sox),
              median_of (sox) / median_of (pluck));
  set_note (row, "ratio = sox / atelier's pluck from tests/bench/bench-synth");
}

static void
run_reward (const AtlBenchAllOptions *o,
            int                       repeats,
            AtlBenchAllResult        *result)
{
  g_autofree char *program = bench_program ("bench-reward");
  g_autoptr(GArray) ms = g_array_new (FALSE, FALSE, sizeof (double));
  g_autoptr(GArray) torch = g_array_new (FALSE, FALSE, sizeof (double));
  AtlBenchRow *row;

  for (int i = 0; program != NULL && i < repeats; i++)
    {
      char *argv[] = { program, o->pytorch ? NULL : "--no-pytorch", NULL };
      AtlBenchSpawnResult r;

      if (!atl_bench_spawn_run (argv, NULL, NULL, &r, NULL))
        break;
      push (ms, grab_max (r.out, "^ +2000 +([0-9.]+) +[0-9]+ "));
      push (torch, grab_max (r.out, "^ +2000 +[0-9.]+ +[0-9]+ +([0-9.]+) "));
      atl_bench_spawn_clear (&r);
    }
  row = add_row (result, "reward model refit on 2,000 comparisons", median_of (ms), "ms",
                 ATL_BENCH_AT_MOST, 100.0, ms->len);
  if (program == NULL)
    set_note (row, "not measured: tests/bench/bench-reward is not built");
  else if (isfinite (median_of (torch)))
    set_peer (row, "PyTorch LBFGS", median_of (torch), median_of (torch) / median_of (ms));
}

static char **
studio_environ (void)
{
  g_autofree char *build = build_dir ();
  g_autofree char *schemas = g_build_filename (build, "assets", NULL);
  char **env = g_get_environ ();
  const char *settings[][2] = {
    { "GDK_BACKEND", "x11" }, { "GSK_RENDERER", "cairo" }, { "NO_AT_BRIDGE", "1" },
    { "GTK_A11Y", "none" }, { "GDK_DEBUG", "gl-disable" }, { "GSETTINGS_BACKEND", "memory" },
    { "OPENBLAS_NUM_THREADS", "2" },
  };

  for (guint i = 0; i < G_N_ELEMENTS (settings); i++)
    env = g_environ_setenv (env, settings[i][0], settings[i][1], TRUE);
  env = g_environ_setenv (env, "GSETTINGS_SCHEMA_DIR", schemas, FALSE);
  return env;
}

static double
run_studio (const AtlBenchAllOptions *o,
            int                       repeats,
            AtlBenchAllResult        *result)
{
  g_autofree char *program = bench_program ("bench-studio");
  g_autofree char *xvfb = g_find_program_in_path ("xvfb-run");
  g_autofree char *dbus = g_find_program_in_path ("dbus-run-session");
  g_autoptr(GArray) cold = g_array_new (FALSE, FALSE, sizeof (double));
  g_autoptr(GArray) p99 = g_array_new (FALSE, FALSE, sizeof (double));
  g_autoptr(GArray) rss = g_array_new (FALSE, FALSE, sizeof (double));
  g_auto(GStrv) env = studio_environ ();
  const char *why = NULL;
  AtlBenchRow *rows[3];

  if (!o->studio)
    why = "not measured (--no-studio)";
  else if (program == NULL)
    why = "not measured: tests/bench/bench-studio is not built";
  else if (xvfb == NULL || dbus == NULL)
    why = "not measured (no display: xvfb-run or dbus-run-session missing)";
  for (int i = 0; why == NULL && i < repeats; i++)
    {
      char *argv[] = { dbus, "--", xvfb, "-a", "-s", "-screen 0 1600x1200x24", program, NULL };
      AtlBenchSpawnResult r;

      if (!atl_bench_spawn_run (argv, env, "bench-studio", &r, NULL))
        break;
      if (!g_spawn_check_wait_status (r.wait_status, NULL))
        g_message ("bench all: the studio bench failed:\n%s", r.err);
      push (cold, grab_max (r.out, "cold start[^:]*: ([0-9.]+) ms"));
      push (p99, grab_max (r.out, "frame work.* p99 ([0-9.]+) ms"));
      push (rss, r.peak_rss_mb);
      atl_bench_spawn_clear (&r);
    }
  rows[0] = add_row (result, "studio cold start to a filled first grid", median_of (cold),
                     "ms", ATL_BENCH_AT_MOST, 700.0, cold->len);
  rows[1] = add_row (result, "studio frame work p99 during training", median_of (p99), "ms",
                     ATL_BENCH_AT_MOST, 16.0, p99->len);
  rows[2] = add_row (result, "studio peak resident memory (VmHWM), training", median_of (rss),
                     "MB", ATL_BENCH_AT_MOST, 300.0, rss->len);
  for (int i = 0; i < 3; i++)
    if (why != NULL)
      set_note (rows[i], "%s", why);
  if (why == NULL)
    set_note (rows[2], "the bench's small test models; /proc VmHWM while it ran");
  return rows[2]->median;
}

static double
run_demo (const AtlBenchAllOptions *o,
          int                       repeats,
          AtlBenchAllResult        *result)
{
  g_autofree char *build = build_dir ();
  g_autofree char *exe = g_file_read_link ("/proc/self/exe", NULL);
  g_autoptr(GArray) rss = g_array_new (FALSE, FALSE, sizeof (double));
  const char *domains[] = { "music", "art" };
  AtlBenchRow *row;
  double worst = NAN;

  for (guint d = 0; d < G_N_ELEMENTS (domains); d++)
    {
      g_array_set_size (rss, 0);
      for (int i = 0; exe != NULL && i < repeats; i++)
        {
          g_autoptr(GError) error = NULL;
          g_autofree char *tmp = g_dir_make_tmp ("atl-bench-demo-XXXXXX", &error);
          g_autofree char *store = tmp ? g_build_filename (tmp, "store", NULL) : NULL;
          g_autofree char *out = tmp ? g_build_filename (tmp, "out", NULL) : NULL;
          char *argv[] = { exe, "--store", store, "demo", "--domain", (char *) domains[d],
                           "--rounds", o->quick ? "1" : "2", "--steps", "20", "--pairs",
                           "10", "--out", out, NULL };
          AtlBenchSpawnResult r;

          if (tmp == NULL || !atl_bench_spawn_run (argv, NULL, NULL, &r, NULL))
            break;
          if (g_spawn_check_wait_status (r.wait_status, &error))
            push (rss, r.peak_rss_mb);
          else if (i == 0)
            g_message ("bench all: demo --domain %s: %s", domains[d], r.err);
          atl_bench_spawn_clear (&r);
          {
            char *rm[] = { "rm", "-rf", tmp, NULL };

            /* The demo's store and exports are throwaway. */
            g_spawn_sync (NULL, rm, NULL, G_SPAWN_SEARCH_PATH, NULL, NULL, NULL, NULL, NULL,
                          NULL);
          }
        }
      row = add_row (result, d == 0 ? "CLI demo peak resident memory (music)"
                                    : "CLI demo peak resident memory (art)",
                     median_of (rss), "MB", ATL_BENCH_AT_MOST, 300.0, rss->len);
      if (rss->len == 0)
        set_note (row, "not measured: the %s demo did not run (base model installed?)",
                  domains[d]);
      else
        set_note (row, "wait4 ru_maxrss of `atelier demo --rounds %s --steps 20`",
                  o->quick ? "1" : "2");
      if (isfinite (row->median) && !(row->median <= worst))
        worst = row->median;
    }
  return worst;
}

static gboolean
wants (const AtlBenchAllOptions *o,
       const char               *section)
{
  g_auto(GStrv) names = NULL;

  if (o->only == NULL)
    return TRUE;
  names = g_strsplit (o->only, ",", -1);
  return g_strv_contains ((const char * const *) names, section);
}

gboolean
atl_bench_all_run (const AtlBenchAllOptions *o,
                   AtlBenchAllResult        *result,
                   GError                  **error)
{
  int repeats = o->repeats > 0 ? o->repeats : o->quick ? 1 : 3;
  gint64 t0 = g_get_monotonic_time ();
  AtlBenchRow *synth_row;
  double studio_mb = NAN, demo_mb = NAN;

  memset (result, 0, sizeof *result);
  result->rows = g_ptr_array_new_with_free_func (row_free);
  result->load_before = load_average ();
  if (wants (o, "nn"))
    {
      g_printerr ("bench all: nn (training, sgemm peak, sampling%s)…\n",
                  o->pytorch ? ", PyTorch" : "");
      run_nn (o, result);
    }
  if (wants (o, "music"))
    {
      g_printerr ("bench all: music speed, synth beside sox…\n");
      run_music (o, result, &synth_row);
      run_synth_peer (o, repeats, synth_row);
    }
  if (wants (o, "art"))
    {
      g_printerr ("bench all: art speed…\n");
      run_art (o, result);
    }
  if (wants (o, "reward"))
    {
      g_printerr ("bench all: reward refit…\n");
      run_reward (o, repeats, result);
    }
  if (wants (o, "loop"))
    {
      g_printerr ("bench all: training rounds…\n");
      run_loop (o, ATL_DOMAIN_MUSIC, result);
      run_loop (o, ATL_DOMAIN_ART, result);
    }
  if (wants (o, "studio"))
    {
      g_printerr ("bench all: studio under Xvfb…\n");
      studio_mb = run_studio (o, repeats, result);
    }
  if (wants (o, "demo"))
    {
      g_printerr ("bench all: CLI demo memory…\n");
      demo_mb = run_demo (o, o->quick ? 1 : MIN (repeats, 2), result);
    }
  result->peak_rss_mb = isfinite (studio_mb) && !(studio_mb <= demo_mb) ? studio_mb : demo_mb;
  result->load_after = load_average ();
  result->seconds = (g_get_monotonic_time () - t0) / (double) G_USEC_PER_SEC;
  return TRUE;
}

/* ---- output ---- */

static void
json_number (JsonBuilder *b,
             const char  *key,
             double       v)
{
  json_builder_set_member_name (b, key);
  if (isfinite (v))
    json_builder_add_double_value (b, v);
  else
    json_builder_add_null_value (b);
}

static const char *
goal_text (AtlBenchGoal goal)
{
  static const char *const text[] = { "median ≤", "median ≥", "ratio ≥", "" };

  return text[goal];
}

static const char *
verdict (const AtlBenchRow *row)
{
  if (row->goal == ATL_BENCH_NO_TARGET)
    return "—";
  if (!isfinite (row->median))
    return "not measured";
  return atl_bench_row_ok (row) ? "pass" : "SHORT";
}

static char *
format_json (const AtlBenchAllResult *r)
{
  g_autoptr(JsonBuilder) b = json_builder_new ();
  g_autoptr(JsonGenerator) generator = json_generator_new ();
  g_autoptr(JsonNode) root = NULL;

  json_builder_begin_object (b);
  json_builder_set_member_name (b, "rows");
  json_builder_begin_array (b);
  for (guint i = 0; i < r->rows->len; i++)
    {
      const AtlBenchRow *row = g_ptr_array_index (r->rows, i);

      json_builder_begin_object (b);
      json_builder_set_member_name (b, "name");
      json_builder_add_string_value (b, row->name);
      json_number (b, "median", row->median);
      json_builder_set_member_name (b, "unit");
      json_builder_add_string_value (b, row->unit);
      json_number (b, "target", row->target);
      json_builder_set_member_name (b, "target_applies_to");
      json_builder_add_string_value (b, row->goal == ATL_BENCH_RATIO ? "ratio" : "median");
      json_builder_set_member_name (b, "ok");
      if (row->goal == ATL_BENCH_NO_TARGET || !isfinite (row->median))
        json_builder_add_null_value (b);
      else
        json_builder_add_boolean_value (b, atl_bench_row_ok (row));
      json_number (b, "peer", row->peer);
      json_builder_set_member_name (b, "peer_name");
      if (row->peer_name != NULL)
        json_builder_add_string_value (b, row->peer_name);
      else
        json_builder_add_null_value (b);
      json_number (b, "ratio", row->ratio);
      json_builder_set_member_name (b, "runs");
      json_builder_add_int_value (b, row->runs);
      json_builder_set_member_name (b, "note");
      if (row->note != NULL)
        json_builder_add_string_value (b, row->note);
      else
        json_builder_add_null_value (b);
      json_builder_end_object (b);
    }
  json_builder_end_array (b);
  json_number (b, "peak_rss_mb", r->peak_rss_mb);
  json_number (b, "load_before", r->load_before);
  json_number (b, "load_after", r->load_after);
  json_number (b, "seconds", r->seconds);
  json_builder_end_object (b);
  root = json_builder_get_root (b);
  json_generator_set_root (generator, root);
  json_generator_set_pretty (generator, TRUE);
  return json_generator_to_data (generator, NULL);
}

char *
atl_bench_all_format (const AtlBenchAllResult *r,
                      gboolean                 json)
{
  GString *s;

  if (json)
    return format_json (r);
  s = g_string_new (NULL);
  g_string_append_printf (s, "%-52s %12s %-9s %-16s %-12s %12s %8s\n", "figure (DESIGN §6)",
                          "median", "unit", "target", "verdict", "peer", "ratio");
  for (guint i = 0; i < r->rows->len; i++)
    {
      const AtlBenchRow *row = g_ptr_array_index (r->rows, i);
      g_autofree char *target = row->goal == ATL_BENCH_NO_TARGET
                                  ? g_strdup ("")
                                  : g_strdup_printf ("%s %g", goal_text (row->goal),
                                                     row->target);

      g_string_append_printf (s, "%-52s %12.4g %-9s %-16s %-12s %12.4g %7.2f×\n", row->name,
                              row->median, row->unit, target, verdict (row), row->peer,
                              row->ratio);
      g_string_append_printf (s, "    %s%s%s%s%s(median of %d run%s)\n",
                              row->peer_name != NULL ? "peer: " : "",
                              row->peer_name != NULL ? row->peer_name : "",
                              row->peer_name != NULL ? "; " : "",
                              row->note != NULL ? row->note : "",
                              row->note != NULL ? " " : "", row->runs,
                              row->runs == 1 ? "" : "s");
    }
  g_string_append_printf (s, "peak resident memory: %.0f MB (target ≤ 300 MB)\n"
                          "load average: %.2f before, %.2f after, on %d cores; %.0f s in all\n",
                          r->peak_rss_mb, r->load_before, r->load_after,
                          g_get_num_processors (), r->seconds);
  return g_string_free (s, FALSE);
}

gboolean
atl_cli_bench_all_cb (int      argc,
                      char   **argv,
                      GError **error)
{
  g_autofree char *text = NULL, *only = NULL;
  gboolean json = FALSE, no_pytorch = FALSE, no_studio = FALSE;
  AtlBenchAllOptions options;
  AtlBenchAllResult result;

  atl_bench_all_options_init (&options);
  {
    GOptionEntry entries[] = {
      { "json", 0, 0, G_OPTION_ARG_NONE, &json, "Print one JSON object", NULL },
      { "quick", 0, 0, G_OPTION_ARG_NONE, &options.quick, "Fewer repetitions", NULL },
      { "repeats", 0, 0, G_OPTION_ARG_INT, &options.repeats,
        "Runs of each subprocess bench (3; 1 with --quick)", "N" },
      { "no-pytorch", 0, 0, G_OPTION_ARG_NONE, &no_pytorch, "Skip the PyTorch peers", NULL },
      { "no-studio", 0, 0, G_OPTION_ARG_NONE, &no_studio, "Skip the studio under Xvfb",
        NULL },
      { "only", 0, 0, G_OPTION_ARG_STRING, &only,
        "Only these sections: nn,music,art,reward,loop,studio,demo", "LIST" },
      { NULL }
    };

    if (!atl_cli_parse_options ("bench all", "Every performance target of DESIGN.md §6",
                                entries, argc, argv, error))
      return FALSE;
  }
  options.pytorch = !no_pytorch;
  options.studio = !no_studio;
  options.only = only;
  if (!atl_bench_all_run (&options, &result, error))
    return FALSE;
  text = atl_bench_all_format (&result, json);
  printf ("%s\n", text);
  atl_bench_all_result_clear (&result);
  return TRUE;
}
