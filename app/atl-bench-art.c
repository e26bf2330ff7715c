/* atl-bench-art.c: the art bench (see atl-bench-art.h).
 *
 * Features are standardized by the corpus's mean and spread (features that never vary in
 * the corpus are left out, since they cannot tell anything apart); the family centroids
 * are corpus means in that space, with the corpus drawn family by family in turn so every
 * family has the same weight. The same standardization measures diversity, for the base
 * samples and for the corpus alike, so the ratio compares like with like.
 *
 * Dimension legend: N works, F features (ATL_ART_N_FEATURES), K families.
 */
#include "atl-bench-art.h"

#include <cblas.h>
#include <gio/gio.h>
#include <glib/gstdio.h>
#include <json-glib/json-glib.h>
#include <math.h>
#include <string.h>

#include "atl-art-codec.h"
#include "atl-art-corpus.h"
#include "atl-art-export.h"
#include "atl-art-features.h"
#include "atl-art-render.h"
#include "atl-base-models.h"
#include "atl-bench-util.h"
#include "atl-engine-autoptr.h"
#include "atl-error.h"
#include "atl-generator.h"
#include "atl-model.h"

#define F               ATL_ART_N_FEATURES
#define K               ATL_ART_N_FAMILIES
#define N_SPEED_WORKS   12
#define SAMPLE_BATCH    100
#define THUMB           256
#define BIG             4096
#define DIVERSITY_CAP   2000   /* works per pairwise mean: 2 M pairs is plenty */

typedef struct
{
  double mean[F];
  double scale[F];              /* 1 / standard deviation; 0 for constant features */
  double centroid[K][F];        /* standardized */
} ArtSpace;

void
atl_bench_art_options_init (AtlBenchArtOptions *options)
{
  *options = (AtlBenchArtOptions) { .model_path = NULL, .n_samples = 1000,
                                    .n_per_family = 40, .n_corpus = 4500,
                                    .speed_runs = 7, .threads = 2 };
}

void
atl_bench_art_result_clear (AtlBenchArtResult *result)
{
  g_clear_pointer (&result->model_path, g_free);
}

static void
standardize (const ArtSpace *space,
             const float    *x,      /* (F) */
             double         *z)      /* (F) */
{
  for (int f = 0; f < F; f++)
    z[f] = (x[f] - space->mean[f]) * space->scale[f];
}

static int
nearest_family (const ArtSpace *space,
                const float    *x)
{
  double z[F], best = G_MAXDOUBLE;
  int family = -1;

  standardize (space, x, z);
  for (int k = 0; k < K; k++)
    {
      double d = 0.0;

      for (int f = 0; f < F; f++)
        d += (z[f] - space->centroid[k][f]) * (z[f] - space->centroid[k][f]);
      if (d < best)
        best = d, family = k;
    }
  return family;
}

/* Mean Euclidean distance over all pairs of the first min(n, DIVERSITY_CAP) works. */
static double
mean_pairwise (const ArtSpace *space,
               const float    *x,   /* (N, F) */
               int             n)
{
  g_autofree double *z = NULL;
  double sum = 0.0;
  gint64 pairs = 0;

  n = MIN (n, DIVERSITY_CAP);
  if (n < 2)
    return NAN;
  z = g_new (double, (gsize) n * F);
  for (int i = 0; i < n; i++)
    standardize (space, x + (gsize) i * F, z + (gsize) i * F);
  for (int i = 0; i < n; i++)
    for (int j = i + 1; j < n; j++)
      {
        double d = 0.0;

        for (int f = 0; f < F; f++)
          {
            double e = z[(gsize) i * F + f] - z[(gsize) j * F + f];

            d += e * e;
          }
        sum += sqrt (d);
        pairs++;
      }
  return sum / pairs;
}

static gboolean
engine_error (GError      **error,
              const char   *what,
              const AtlMsg *msg)
{
  g_set_error (error, G_IO_ERROR, G_IO_ERROR_FAILED, "bench art: %s: %s", what, msg->text);
  return FALSE;
}

/* The corpus: features of n works (families in turn), the standardization and centroids,
 * and how well nearest-centroid recovers the corpus's own families. */
static gboolean
build_space (int                n,
             ArtSpace          *space,
             float            **out_x,
             AtlBenchArtResult *r,
             GError           **error)
{
  g_autofree float *x = g_new (float, (gsize) n * F);
  g_autofree int *family = g_new (int, n);
  int count[K] = { 0 }, right = 0;
  AtlArtwork art;
  AtlRng rng;
  AtlMsg msg;

  memset (space, 0, sizeof *space);
  atl_rng_seed (&rng, 20240607);
  for (int i = 0; i < n; i++)
    {
      family[i] = i % K;
      atl_art_corpus_sample (&rng, (AtlArtFamily) family[i], &art);
      if (atl_art_features (&art, x + (gsize) i * F, &msg) != ATL_OK)
        return engine_error (error, "corpus features", &msg);
      for (int f = 0; f < F; f++)
        space->mean[f] += x[(gsize) i * F + f];
    }
  for (int f = 0; f < F; f++)
    {
      double var = 0.0;

      space->mean[f] /= n;
      for (int i = 0; i < n; i++)
        var += (x[(gsize) i * F + f] - space->mean[f]) * (x[(gsize) i * F + f] - space->mean[f]);
      var /= MAX (1, n - 1);
      space->scale[f] = var > 1e-12 ? 1.0 / sqrt (var) : 0.0;
    }
  for (int i = 0; i < n; i++)
    {
      double z[F];

      standardize (space, x + (gsize) i * F, z);
      for (int f = 0; f < F; f++)
        space->centroid[family[i]][f] += z[f];
      count[family[i]]++;
    }
  for (int k = 0; k < K; k++)
    for (int f = 0; f < F; f++)
      space->centroid[k][f] /= MAX (1, count[k]);
  for (int i = 0; i < n; i++)
    right += nearest_family (space, x + (gsize) i * F) == family[i];
  r->corpus_accuracy = (double) right / n;
  *out_x = g_steal_pointer (&x);
  return TRUE;
}

/* Decodes and renders (via the 64² feature render) one sequence; FALSE if it fails. */
static gboolean
measure_work (const AtlCodec *codec,
              const int      *tokens,
              guint           len,
              AtlArtwork     *art,
              float          *x)
{
  return codec->validate (codec, tokens, (int) len, NULL) == ATL_OK
         && atl_art_decode (tokens, (int) len, art, NULL) == ATL_OK
         && atl_artwork_check (art, NULL) == ATL_OK
         && atl_art_features (art, x, NULL) == ATL_OK;
}

/* Draws n works (seeds 1 … n) under style; x (n, F) gets the features of the valid ones
 * (packed), arts (nullable, n) the artworks; returns how many were valid, −1 on error. */
static int
draw (AtlGenerator         *gen,
      const AtlCodec       *codec,
      const AtlStylePrefix *style,
      int                   n,
      float                *x,
      AtlArtwork           *arts,
      GError              **error)
{
  AtlArtwork art;
  int valid = 0;

  for (int start = 0; start < n; start += SAMPLE_BATCH)
    {
      int count = MIN (SAMPLE_BATCH, n - start);
      g_autoptr(AtlTokenSet) works = atl_token_set_new ();
      guint64 seeds[SAMPLE_BATCH];

      for (int i = 0; i < count; i++)
        seeds[i] = (guint64) (start + i + 1);
      if (!atl_generator_sample (gen, style, NULL, 0, count, seeds, 1.0f, 1.0f, works, NULL,
                                 error))
        return -1;
      for (guint i = 0; i < atl_token_set_get_size (works); i++)
        {
          guint len;
          const int *tokens = atl_token_set_get (works, i, &len);

          if (measure_work (codec, tokens, len, &art, x + (gsize) valid * F))
            {
              if (arts != NULL)
                arts[valid] = art;
              valid++;
            }
        }
    }
  return valid;
}

static gboolean
bench_conditioning (AtlGenerator      *gen,
                    const AtlCodec    *codec,
                    const ArtSpace    *space,
                    int                n,
                    AtlBenchArtResult *r,
                    GError           **error)
{
  g_autofree float *x = g_new (float, (gsize) n * F);
  int right_all = 0;

  r->n_per_family = n;
  for (int k = 0; k < K; k++)
    {
      g_autofree char *choice = g_strdup_printf ("family=%s",
                                                 atl_art_family_name ((AtlArtFamily) k));
      const char *style_text[] = { choice, NULL };
      AtlStylePrefix style;
      int valid, right = 0;

      if (!atl_style_prefix_parse (codec, style_text, &style, error))
        return FALSE;
      valid = draw (gen, codec, &style, n, x, NULL, error);
      if (valid < 0)
        return FALSE;
      /* An invalid work counts as a miss. */
      for (int i = 0; i < valid; i++)
        right += nearest_family (space, x + (gsize) i * F) == k;
      r->family_accuracy[k] = (double) right / n;
      right_all += right;
    }
  r->accuracy_overall = (double) right_all / (n * K);
  return TRUE;
}

static gboolean
bench_speed (AtlGenerator      *gen,
             const AtlCodec    *codec,
             const AtlArtwork  *arts,    /* (N_SPEED_WORKS) valid base samples */
             int                runs,
             AtlBenchArtResult *r,
             GError           **error)
{
  const char *full[] = { "complexity=5", NULL };
  g_autofree double *times = g_new (double, runs);
  int png_runs = MIN (runs, 3);
  cairo_surface_t *thumbs[N_SPEED_WORKS];
  g_autofree char *dir = NULL;
  g_autofree char *png = NULL;
  guint64 seeds[N_SPEED_WORKS];
  AtlStylePrefix style;
  AtlMsg msg;

  if (!atl_style_prefix_parse (codec, full, &style, error))
    return FALSE;
  for (int i = 0; i < N_SPEED_WORKS; i++)
    seeds[i] = (guint64) (i + 1);
  for (int run = -1; run < runs; run++)
    {
      g_autoptr(AtlTokenSet) works = atl_token_set_new ();
      gint64 t0 = g_get_monotonic_time ();

      if (!atl_generator_sample (gen, &style, NULL, 0, N_SPEED_WORKS, seeds, 1.0f, 1.0f,
                                 works, NULL, error))
        return FALSE;
      if (run >= 0)
        {
          times[run] = (g_get_monotonic_time () - t0) * 1e-3;
          continue;
        }
      r->mean_elements_full = 0.0;
      for (guint i = 0; i < atl_token_set_get_size (works); i++)
        {
          guint len;

          atl_token_set_get (works, i, &len);
          r->mean_elements_full += (len - 2.0 - ATL_ART_PREFIX_LEN)
                                   / ATL_ART_TOKENS_PER_ELEMENT / N_SPEED_WORKS;
        }
    }
  r->sample_ms = atl_bench_median (times, runs);

  for (int i = 0; i < N_SPEED_WORKS; i++)
    thumbs[i] = cairo_image_surface_create (CAIRO_FORMAT_RGB24, THUMB, THUMB);
  for (int run = -1; run < runs; run++)
    {
      gint64 t0 = g_get_monotonic_time ();

      for (int i = 0; i < N_SPEED_WORKS; i++)
        if (atl_art_render_into (&arts[i], thumbs[i], &msg) != ATL_OK)
          {
            for (int j = 0; j < N_SPEED_WORKS; j++)
              cairo_surface_destroy (thumbs[j]);
            return engine_error (error, "thumbnail", &msg);
          }
      if (run >= 0)
        times[run] = (g_get_monotonic_time () - t0) * 1e-3;
    }
  for (int i = 0; i < N_SPEED_WORKS; i++)
    cairo_surface_destroy (thumbs[i]);
  r->thumbs_ms = atl_bench_median (times, runs);

  dir = g_dir_make_tmp ("atl-bench-art-XXXXXX", error);
  if (dir == NULL)
    return FALSE;
  png = g_build_filename (dir, "big.png", NULL);
  for (int run = 0; run < png_runs; run++)
    {
      const char *text[] = { "Seed", "1", NULL };
      gint64 t0 = g_get_monotonic_time ();

      if (!atl_art_export_png (&arts[run % N_SPEED_WORKS], BIG, text, png, error))
        {
          g_unlink (png);
          g_rmdir (dir);
          return FALSE;
        }
      times[run] = (g_get_monotonic_time () - t0) * 1e-3;
    }
  g_unlink (png);
  g_rmdir (dir);
  r->png4096_ms = atl_bench_median (times, png_runs);
  return TRUE;
}

gboolean
atl_bench_art_run (const AtlBenchArtOptions *options,
                   AtlBenchArtResult        *r,
                   GError                  **error)
{
  const AtlCodec *codec = atl_art_codec ();
  g_autoptr(AtlPolicy) policy = NULL;
  g_autoptr(AtlGenerator) gen = NULL;
  g_autofree float *corpus_x = NULL;
  g_autofree float *base_x = NULL;
  g_autofree AtlArtwork *arts = NULL;
  g_autofree ArtSpace *space = g_new0 (ArtSpace, 1);
  AtlStylePrefix style;
  int n = options->n_samples;

  memset (r, 0, sizeof *r);
  if (n < N_SPEED_WORKS || options->n_per_family < 1 || options->n_corpus < 2 * K
      || options->speed_runs < 1)
    {
      g_set_error (error, ATL_CLI_ERROR, ATL_CLI_ERROR_USAGE,
                   "bench art: at least %d samples, %d corpus works, one per family and "
                   "one speed run", N_SPEED_WORKS, 2 * K);
      return FALSE;
    }
  r->model_path = options->model_path != NULL ? g_strdup (options->model_path)
                                              : atl_base_model_path (ATL_DOMAIN_ART, error);
  if (r->model_path == NULL)
    return FALSE;
  openblas_set_num_threads (MAX (1, options->threads));
  policy = atl_model_load (r->model_path, NULL, codec, error);
  if (policy == NULL)
    return FALSE;
  gen = atl_generator_new (policy, codec, error);
  if (gen == NULL || !atl_style_prefix_parse (codec, NULL, &style, error))
    return FALSE;

  if (!options->speed_only && !build_space (options->n_corpus, space, &corpus_x, r, error))
    return FALSE;

  base_x = g_new (float, (gsize) n * F);
  arts = g_new (AtlArtwork, n);
  r->n_samples = n;
  r->n_valid = draw (gen, codec, &style, n, base_x, arts, error);
  if (r->n_valid < 0)
    return FALSE;
  r->valid_fraction = (double) r->n_valid / n;
  if (r->n_valid < N_SPEED_WORKS)
    {
      g_set_error (error, G_IO_ERROR, G_IO_ERROR_FAILED,
                   "bench art: only %d of %d base samples are valid", r->n_valid, n);
      return FALSE;
    }
  if (options->speed_only)
    return bench_speed (gen, codec, arts, options->speed_runs, r, error);
  r->diversity_base = mean_pairwise (space, base_x, r->n_valid);
  r->diversity_corpus = mean_pairwise (space, corpus_x, options->n_corpus);
  r->diversity_ratio = r->diversity_base / r->diversity_corpus;

  return bench_conditioning (gen, codec, space, options->n_per_family, r, error)
         && bench_speed (gen, codec, arts, options->speed_runs, r, error);
}

static void
add_number (JsonBuilder *builder,
            const char  *key,
            double       value)
{
  json_builder_set_member_name (builder, key);
  if (isfinite (value))
    json_builder_add_double_value (builder, value);
  else
    json_builder_add_null_value (builder);
}

static char *
format_json (const AtlBenchArtResult *r)
{
  g_autoptr(JsonBuilder) builder = json_builder_new ();
  g_autoptr(JsonGenerator) generator = json_generator_new ();
  g_autoptr(JsonNode) root = NULL;

  json_builder_begin_object (builder);
  json_builder_set_member_name (builder, "model");
  json_builder_add_string_value (builder, r->model_path);
  json_builder_set_member_name (builder, "n_samples");
  json_builder_add_int_value (builder, r->n_samples);
  add_number (builder, "valid_fraction", r->valid_fraction);
  json_builder_set_member_name (builder, "family_accuracy");
  json_builder_begin_object (builder);
  for (int k = 0; k < K; k++)
    add_number (builder, atl_art_family_name ((AtlArtFamily) k), r->family_accuracy[k]);
  add_number (builder, "overall", r->accuracy_overall);
  json_builder_end_object (builder);
  add_number (builder, "corpus_accuracy", r->corpus_accuracy);
  add_number (builder, "diversity_ratio", r->diversity_ratio);
  add_number (builder, "diversity_base", r->diversity_base);
  add_number (builder, "diversity_corpus", r->diversity_corpus);
  add_number (builder, "sample_ms", r->sample_ms);
  add_number (builder, "thumbs_ms", r->thumbs_ms);
  add_number (builder, "png4096_ms", r->png4096_ms);
  json_builder_end_object (builder);
  root = json_builder_get_root (builder);
  json_generator_set_root (generator, root);
  return json_generator_to_data (generator, NULL);
}

static const char *
verdict (gboolean ok)
{
  return ok ? "pass" : "short";
}

char *
atl_bench_art_format (const AtlBenchArtResult *r,
                      gboolean                 json)
{
  GString *s;

  if (json)
    return format_json (r);
  s = g_string_new (NULL);
  g_string_append_printf (s, "art bench: %s\n\n", r->model_path);
  g_string_append_printf (s, "validity: %d of %d base samples (seeds 1…%d, temperature 1, "
                          "no style) decode and render: %.1f%%  %s\n\n", r->n_valid,
                          r->n_samples, r->n_samples, 100.0 * r->valid_fraction,
                          verdict (r->n_valid == r->n_samples));
  g_string_append_printf (s, "conditioning: %d samples per family=<f>, nearest corpus "
                          "centroid on standardized features (target ≥ 80%% each)\n",
                          r->n_per_family);
  for (int k = 0; k < K; k++)
    g_string_append_printf (s, "  %-16s %6.1f%%  %s\n", atl_art_family_name ((AtlArtFamily) k),
                            100.0 * r->family_accuracy[k],
                            verdict (r->family_accuracy[k] >= 0.8));
  g_string_append_printf (s, "  %-16s %6.1f%%  %s\n  (the classifier on the corpus itself: "
                          "%.1f%%)\n\n", "overall", 100.0 * r->accuracy_overall,
                          verdict (r->accuracy_overall >= 0.8), 100.0 * r->corpus_accuracy);
  g_string_append_printf (s, "diversity: mean pairwise standardized feature distance %.3f "
                          "(base) / %.3f (corpus) = %.3f, target ≥ 0.8  %s\n\n",
                          r->diversity_base, r->diversity_corpus, r->diversity_ratio,
                          verdict (r->diversity_ratio >= 0.8));
  g_string_append_printf (s, "speed (medians):\n"
                          "  sample 12 full-length works (complexity 5, %.1f elements): "
                          "%7.2f ms  target ≤ 150 ms  %s\n"
                          "  render 12 thumbnails 256²:  %7.2f ms  target ≤ 20 ms   %s\n"
                          "  export one 4096² PNG:       %7.1f ms  target ≤ 1000 ms %s\n",
                          r->mean_elements_full, r->sample_ms, verdict (r->sample_ms <= 150.0),
                          r->thumbs_ms, verdict (r->thumbs_ms <= 20.0), r->png4096_ms,
                          verdict (r->png4096_ms <= 1000.0));
  return g_string_free (s, FALSE);
}
