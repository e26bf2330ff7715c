/* test-bench.c: the music and art benches and the contact sheet, run end to end on tiny
 * random models and a tiny corpus, so every code path of `atelier bench music|art` runs
 * in CI in seconds: the JSON has every key the issues name, fractions lie in [0, 1], the
 * tables print, a missing corpus is a clear error, and the contact sheet is a PNG of the
 * right size. (The figures of a random model mean nothing; only their shape is tested.)
 */
#include <cairo.h>
#include <glib.h>
#include <glib/gstdio.h>
#include <json-glib/json-glib.h>
#include <math.h>

#include "atl-art-codec.h"
#include "atl-bench-art.h"
#include "atl-bench-music.h"
#include "atl-contact-sheet.h"
#include "atl-domain.h"
#include "atl-engine-autoptr.h"
#include "atl-model.h"
#include "atl-music-corpus.h"
#include "atl-plot-draw.h"
#include "tiny-model.h"

typedef struct
{
  char *dir;
  char *music_model;
  char *art_model;
  char *corpus;
} Fixture;

/* A folder of one-tune ABC files, titled so that both splits get tunes. */
static char *
write_corpus (const char *dir)
{
  static const char body[] =
    "M:4/4\nL:1/8\nK:G\n"
    "|:GABc dedB|dedB dedB|c2ec B2dB|c2A2 A2BA|\n"
    "GABc dedB|dedB dedB|c2ec B2dB|A2F2 G4:|\n";
  char *corpus = g_build_filename (dir, "tunes", NULL);
  int held = 0, train = 0;

  g_assert_cmpint (g_mkdir (corpus, 0700), ==, 0);
  for (int i = 0; held < 2 || train < 4; i++)
    {
      g_autofree char *title = g_strdup_printf ("Reel no. %d x", i);
      g_autofree char *base = g_strdup_printf ("tune%d.abc", i);
      g_autofree char *path = g_build_filename (corpus, base, NULL);
      g_autofree char *text = g_strdup_printf ("X:1\nT:%s\n%s", title, body);
      gboolean is_held = atl_music_corpus_is_held_out (base, title);

      g_assert_cmpint (i, <, 1000);
      if (is_held ? held >= 2 : train >= 4)
        continue;
      g_assert_true (g_file_set_contents (path, text, -1, NULL));
      *(is_held ? &held : &train) += 1;
    }
  return corpus;
}

static void
fixture_setup (Fixture       *f,
               gconstpointer  data)
{
  f->dir = g_dir_make_tmp ("atl-test-bench-XXXXXX", NULL);
  g_assert_nonnull (f->dir);
  f->music_model = save_tiny_model (ATL_DOMAIN_MUSIC, 16, 5, f->dir, "music-tiny.safetensors");
  f->art_model = save_tiny_model (ATL_DOMAIN_ART, 16, 5, f->dir, "art-tiny.safetensors");
  f->corpus = write_corpus (f->dir);
}

static void
remove_tree (const char *path)
{
  GDir *dir = g_dir_open (path, 0, NULL);
  const char *name;

  if (dir != NULL)
    {
      while ((name = g_dir_read_name (dir)) != NULL)
        {
          g_autofree char *child = g_build_filename (path, name, NULL);

          remove_tree (child);
        }
      g_dir_close (dir);
      g_rmdir (path);
    }
  else
    g_unlink (path);
}

static void
fixture_teardown (Fixture       *f,
                  gconstpointer  data)
{
  remove_tree (f->dir);
  g_free (f->dir);
  g_free (f->music_model);
  g_free (f->art_model);
  g_free (f->corpus);
}

static JsonObject *
parse_object (JsonParser *parser,
              const char *text)
{
  g_autoptr(GError) error = NULL;

  g_assert_true (json_parser_load_from_data (parser, text, -1, &error));
  g_assert_no_error (error);
  g_assert_true (JSON_NODE_HOLDS_OBJECT (json_parser_get_root (parser)));
  return json_node_get_object (json_parser_get_root (parser));
}

static void
assert_fraction (double value)
{
  g_assert_true (isfinite (value));
  g_assert_cmpfloat (value, >=, 0.0);
  g_assert_cmpfloat (value, <=, 1.0);
}

static void
test_music (Fixture       *f,
            gconstpointer  data)
{
  static const char *const keys[] = { "valid_fraction", "metrics_base", "metrics_heldout",
                                      "nll_train", "nll_heldout", "sample_ms", "synth_ms" };
  g_autoptr(GError) error = NULL;
  g_autoptr(JsonParser) parser = json_parser_new ();
  g_autofree char *json = NULL, *table = NULL;
  AtlBenchMusicOptions options;
  AtlBenchMusicResult r;
  JsonObject *obj, *base, *held;

  atl_bench_music_options_init (&options);
  options.model_path = f->music_model;
  options.corpus_dir = f->corpus;
  options.n_samples = 24;
  options.n_train_nll = 8;
  options.speed_runs = 1;
  g_assert_true (atl_bench_music_run (&options, &r, &error));
  g_assert_no_error (error);

  /* The grammar alone makes every sample a melody, even from random weights. */
  g_assert_cmpint (r.n_valid, ==, 24);
  g_assert_cmpint (r.n_heldout, >, 0);
  g_assert_cmpint (r.n_train_nll, >=, 8);

  json = atl_bench_music_format (&r, TRUE);
  obj = parse_object (parser, json);
  for (gsize i = 0; i < G_N_ELEMENTS (keys); i++)
    g_assert_true (json_object_has_member (obj, keys[i]));
  assert_fraction (json_object_get_double_member (obj, "valid_fraction"));
  g_assert_cmpfloat (json_object_get_double_member (obj, "valid_fraction"), ==, 1.0);
  base = json_object_get_object_member (obj, "metrics_base");
  held = json_object_get_object_member (obj, "metrics_heldout");
  g_assert_cmpint (json_object_get_size (base), ==, ATL_BENCH_MUSIC_N_METRICS);
  g_assert_cmpint (json_object_get_size (held), ==, ATL_BENCH_MUSIC_N_METRICS);
  assert_fraction (json_object_get_double_member (base, "in_key"));
  assert_fraction (json_object_get_double_member (held, "in_key"));
  /* The held-out tunes are one tune repeated: every note in G major. */
  g_assert_cmpfloat (r.metrics_heldout[0], ==, 1.0);
  for (int m = 0; m < ATL_BENCH_MUSIC_N_METRICS; m++)
    {
      double lo = m >= 5 && m <= 7 ? -1.0 : 0.0;

      g_assert_cmpfloat (r.metrics_base[m], >=, lo);
      g_assert_cmpfloat (r.metrics_base[m], <=, 1.0);
      g_assert_cmpfloat (r.metrics_heldout[m], >=, lo);
      g_assert_cmpfloat (r.metrics_heldout[m], <=, 1.0);
    }
  g_assert_cmpfloat (json_object_get_double_member (obj, "nll_train"), >, 0.0);
  g_assert_cmpfloat (json_object_get_double_member (obj, "nll_heldout"), >, 0.0);
  g_assert_cmpfloat (json_object_get_double_member (obj, "sample_ms"), >, 0.0);
  g_assert_cmpfloat (json_object_get_double_member (obj, "synth_ms"), >, 0.0);

  table = atl_bench_music_format (&r, FALSE);
  g_assert_nonnull (strstr (table, "notes in key"));
  g_assert_nonnull (strstr (table, "starts with the tonic"));
  g_assert_nonnull (strstr (table, "NLL per token"));
  g_assert_nonnull (strstr (table, "bell"));
  g_assert_true (strstr (table, "pass") != NULL || strstr (table, "short") != NULL);
  atl_bench_music_result_clear (&r);
}

static void
test_music_tolerances (void)
{
  g_assert_true (atl_bench_music_metric_passes (0, 0.96, 0.97));
  g_assert_false (atl_bench_music_metric_passes (0, 0.94, 0.97));
  g_assert_false (atl_bench_music_metric_passes (0, 1.00, 0.97));
  /* Excessive repeats: only "above" is bounded. */
  g_assert_true (atl_bench_music_metric_passes (1, 0.00, 0.10));
  g_assert_true (atl_bench_music_metric_passes (1, 0.03, 0.01));
  g_assert_false (atl_bench_music_metric_passes (1, 0.04, 0.01));
  g_assert_false (atl_bench_music_metric_passes (5, NAN, 0.5));
}

static void
test_music_missing_corpus (Fixture       *f,
                           gconstpointer  data)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *missing = g_build_filename (f->dir, "no-such-corpus", NULL);
  AtlBenchMusicOptions options;
  AtlBenchMusicResult r;

  atl_bench_music_options_init (&options);
  options.model_path = f->music_model;
  options.corpus_dir = missing;
  g_assert_false (atl_bench_music_run (&options, &r, &error));
  g_assert_nonnull (error);
  g_assert_nonnull (strstr (error->message, missing));
  g_assert_nonnull (strstr (error->message, "--corpus"));
  atl_bench_music_result_clear (&r);
}

static void
test_art (Fixture       *f,
          gconstpointer  data)
{
  static const char *const keys[] = { "valid_fraction", "family_accuracy", "diversity_ratio",
                                      "sample_ms", "thumbs_ms", "png4096_ms" };
  g_autoptr(GError) error = NULL;
  g_autoptr(JsonParser) parser = json_parser_new ();
  g_autofree char *json = NULL, *table = NULL;
  AtlBenchArtOptions options;
  AtlBenchArtResult r;
  JsonObject *obj, *acc;

  atl_bench_art_options_init (&options);
  options.model_path = f->art_model;
  options.n_samples = 16;
  options.n_per_family = 3;
  options.n_corpus = 180;
  options.speed_runs = 1;
  g_assert_true (atl_bench_art_run (&options, &r, &error));
  g_assert_no_error (error);
  g_assert_cmpint (r.n_valid, ==, 16);
  /* The corpus families are told apart by their own centroids far better than chance. */
  g_assert_cmpfloat (r.corpus_accuracy, >, 0.5);

  json = atl_bench_art_format (&r, TRUE);
  obj = parse_object (parser, json);
  for (gsize i = 0; i < G_N_ELEMENTS (keys); i++)
    g_assert_true (json_object_has_member (obj, keys[i]));
  assert_fraction (json_object_get_double_member (obj, "valid_fraction"));
  acc = json_object_get_object_member (obj, "family_accuracy");
  g_assert_cmpint (json_object_get_size (acc), ==, ATL_ART_N_FAMILIES + 1);
  for (int k = 0; k < ATL_ART_N_FAMILIES; k++)
    assert_fraction (json_object_get_double_member (acc,
                                                    atl_art_family_name ((AtlArtFamily) k)));
  assert_fraction (json_object_get_double_member (acc, "overall"));
  g_assert_cmpfloat (json_object_get_double_member (obj, "diversity_ratio"), >, 0.0);
  g_assert_cmpfloat (json_object_get_double_member (obj, "thumbs_ms"), >, 0.0);
  g_assert_cmpfloat (json_object_get_double_member (obj, "png4096_ms"), >, 0.0);

  table = atl_bench_art_format (&r, FALSE);
  g_assert_nonnull (strstr (table, "conditioning"));
  g_assert_nonnull (strstr (table, "bauhaus"));
  g_assert_nonnull (strstr (table, "diversity"));
  g_assert_nonnull (strstr (table, "4096"));
  atl_bench_art_result_clear (&r);
}

static void
test_contact_sheet (Fixture       *f,
                    gconstpointer  data)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(AtlPolicy) policy = atl_model_load (f->art_model, NULL, atl_art_codec (), &error);
  g_autofree char *path = g_build_filename (f->dir, "sheet.png", NULL);
  cairo_surface_t *png;
  int n = 0;

  g_assert_no_error (error);
  g_assert_true (atl_contact_sheet_write (policy, 2, 64, path, &n, &error));
  g_assert_no_error (error);
  g_assert_cmpint (n, ==, 2 * ATL_ART_N_FAMILIES);
  png = cairo_image_surface_create_from_png (path);
  g_assert_cmpint (cairo_surface_status (png), ==, CAIRO_STATUS_SUCCESS);
  /* A label column, then two tiles per row; one row per family. */
  g_assert_cmpint (cairo_image_surface_get_width (png), >, 2 * 64);
  g_assert_cmpint (cairo_image_surface_get_height (png), >, ATL_ART_N_FAMILIES * 64);
  cairo_surface_destroy (png);

  /* Bad sizes are refused before anything is written. */
  g_assert_false (atl_contact_sheet_write (policy, 0, 64, path, NULL, &error));
  g_assert_nonnull (error);
}

/* The chart's range: a series of times never gets an axis below zero (it read "-1"), one
 * that goes negative keeps its padding, and a flat one is not a zero-height range. */
static void
test_plot_range (void)
{
  static const double times[] = { 1.1, 2.3, 24.0 }, signed_[] = { -1.0, 2.0 };
  static const double flat[] = { 0.0, 0.0 };
  AtlPlotLine line = { .values = times, .n = 3, .reference = NAN };

  atl_plot_line_fit_range (&line);
  g_assert_cmpfloat (line.lo, ==, 0.0);
  g_assert_cmpfloat (line.hi, >, 24.0);
  line.values = signed_;
  line.n = 2;
  atl_plot_line_fit_range (&line);
  g_assert_cmpfloat (line.lo, <, -1.0);
  line.values = flat;
  atl_plot_line_fit_range (&line);
  g_assert_cmpfloat (line.lo, ==, 0.0);
  g_assert_cmpfloat (line.hi, >, 0.0);
}

int
main (int argc, char **argv)
{
  g_test_init (&argc, &argv, NULL);
  g_test_add ("/app/bench/music", Fixture, NULL, fixture_setup, test_music, fixture_teardown);
  g_test_add_func ("/app/bench/music-tolerances", test_music_tolerances);
  g_test_add_func ("/app/bench/plot-range", test_plot_range);
  g_test_add ("/app/bench/music-missing-corpus", Fixture, NULL, fixture_setup,
              test_music_missing_corpus, fixture_teardown);
  g_test_add ("/app/bench/art", Fixture, NULL, fixture_setup, test_art, fixture_teardown);
  g_test_add ("/app/bench/contact-sheet", Fixture, NULL, fixture_setup, test_contact_sheet,
              fixture_teardown);
  return g_test_run ();
}
