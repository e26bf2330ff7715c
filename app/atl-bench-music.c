/* atl-bench-music.c: the music bench (see atl-bench-music.h).
 *
 * Every timed section is warmed up once and its result checked before timing; each speed
 * figure is the median of options->speed_runs repetitions. The held-out metrics are means
 * over every validation window of the corpus (all octave placements, as the pretrainer
 * sees them: the placements share every RL Tuner metric, so they weight tunes by length
 * and nothing else). The training NLL subset is every k-th training window, k chosen so
 * that at least n_train_nll windows are taken: fixed, so two runs compare.
 */
#include "atl-bench-music.h"

#include <cblas.h>
#include <gio/gio.h>
#include <json-glib/json-glib.h>
#include <math.h>
#include <string.h>

#include "atl-base-models.h"
#include "atl-bench-util.h"
#include "atl-config.h"
#include "atl-engine-autoptr.h"
#include "atl-error.h"
#include "atl-generator.h"
#include "atl-model.h"
#include "atl-music-codec.h"
#include "atl-music-corpus.h"
#include "atl-music-features.h"
#include "atl-pretrainer.h"

#define N_SPEED_MELODIES 12
#define SAMPLE_BATCH     100

static const char *const metric_labels[ATL_BENCH_MUSIC_N_METRICS] = {
  "notes in key", "excessive repeats", "leaps resolved", "notes in motif",
  "notes in repeated motif", "autocorrelation lag 1", "autocorrelation lag 2",
  "autocorrelation lag 3", "unique highest note", "unique lowest note",
  "starts with the tonic",
};

void
atl_bench_music_options_init (AtlBenchMusicOptions *options)
{
  *options = (AtlBenchMusicOptions) { .model_path = NULL, .corpus_dir = NULL,
                                      .n_samples = 1000, .n_train_nll = 2000,
                                      .speed_runs = 7, .threads = 2 };
}

void
atl_bench_music_result_clear (AtlBenchMusicResult *result)
{
  g_clear_pointer (&result->model_path, g_free);
  g_clear_pointer (&result->corpus_dir, g_free);
}

char *
atl_bench_music_default_corpus (void)
{
  const char *env = g_getenv ("ATL_MUSIC_CORPUS");
  const char *source = g_getenv ("ATL_SOURCE_DIR");
  g_autofree char *root = NULL;

  if (env != NULL && env[0] != '\0')
    return g_strdup (env);
  /* SOURCE_MODELS_DIR is <source>/models: its parent is the source tree. */
  root = source != NULL && source[0] != '\0' ? g_strdup (source)
                                             : g_path_get_dirname (SOURCE_MODELS_DIR);
  return g_build_filename (root, "..", "shared", "data", "nottingham", NULL);
}

/* Decodes and checks one sampled sequence; on success adds its metrics to sum. */
static gboolean
measure_sample (const AtlCodec *codec,
                const int      *tokens,
                int             len,
                AtlMelody      *melody,
                double         *sum,
                double         *bars)
{
  float features[ATL_MUSIC_N_FEATURES];

  if (codec->validate (codec, tokens, len, NULL) != ATL_OK
      || atl_music_decode (tokens, len, melody, NULL, NULL) != ATL_OK
      || atl_synth_check_melody (melody, NULL) != ATL_OK
      || codec->features (codec, tokens, len, features, NULL) != ATL_OK)
    return FALSE;
  for (int m = 0; m < ATL_BENCH_MUSIC_N_METRICS; m++)
    sum[m] += features[m];
  *bars += melody->n_bars;
  return TRUE;
}

static gboolean
bench_samples (AtlGenerator         *gen,
               const AtlCodec       *codec,
               const AtlStylePrefix *style,
               int                   n_samples,
               AtlBenchMusicResult  *r,
               GError              **error)
{
  g_autofree AtlMelody *melody = g_new (AtlMelody, 1);
  double sum[ATL_BENCH_MUSIC_N_METRICS] = { 0 }, bars = 0.0;

  for (int start = 0; start < n_samples; start += SAMPLE_BATCH)
    {
      int count = MIN (SAMPLE_BATCH, n_samples - start);
      g_autoptr(AtlTokenSet) works = atl_token_set_new ();
      guint64 seeds[SAMPLE_BATCH];

      for (int i = 0; i < count; i++)
        seeds[i] = (guint64) (start + i + 1);
      if (!atl_generator_sample (gen, style, NULL, 0, count, seeds, 1.0f, 1.0f, works, NULL,
                                 error))
        return FALSE;
      for (guint i = 0; i < atl_token_set_get_size (works); i++)
        {
          guint len;
          const int *tokens = atl_token_set_get (works, i, &len);

          if (measure_sample (codec, tokens, (int) len, melody, sum, &bars))
            r->n_valid++;
        }
    }
  r->n_samples = n_samples;
  r->valid_fraction = n_samples > 0 ? (double) r->n_valid / n_samples : 0.0;
  r->mean_bars = r->n_valid > 0 ? bars / r->n_valid : NAN;
  for (int m = 0; m < ATL_BENCH_MUSIC_N_METRICS; m++)
    r->metrics_base[m] = r->n_valid > 0 ? sum[m] / r->n_valid : NAN;
  return TRUE;
}

/* The held-out metrics and the two token sets the NLL is measured on. */
static gboolean
bench_corpus (const AtlMusicCorpus *corpus,
              const AtlCodec       *codec,
              int                   n_train_nll,
              AtlTokenSet          *train,
              AtlTokenSet          *heldout,
              AtlBenchMusicResult  *r,
              GError              **error)
{
  guint n_val = atl_music_corpus_n_sequences (corpus, TRUE);
  guint n_train = atl_music_corpus_n_sequences (corpus, FALSE);
  double sum[ATL_BENCH_MUSIC_N_METRICS] = { 0 };
  guint stride;
  int n = 0;

  if (n_val == 0 || n_train == 0)
    {
      g_set_error (error, G_FILE_ERROR, G_FILE_ERROR_INVAL,
                   "music corpus “%s” has %u training and %u held-out windows; "
                   "the bench needs both", r->corpus_dir, n_train, n_val);
      return FALSE;
    }
  for (guint i = 0; i < n_val; i++)
    {
      int len;
      const int *tokens = atl_music_corpus_sequence (corpus, TRUE, i, &len);
      float features[ATL_MUSIC_N_FEATURES];

      atl_token_set_add (heldout, tokens, (guint) len);
      if (codec->features (codec, tokens, len, features, NULL) != ATL_OK)
        continue;
      for (int m = 0; m < ATL_BENCH_MUSIC_N_METRICS; m++)
        sum[m] += features[m];
      n++;
    }
  r->n_heldout = n;
  for (int m = 0; m < ATL_BENCH_MUSIC_N_METRICS; m++)
    r->metrics_heldout[m] = n > 0 ? sum[m] / n : NAN;

  /* Every stride-th window: at least n_train_nll of them when the split has that many. */
  stride = MAX (1u, n_train / (guint) MAX (1, n_train_nll));
  for (guint i = 0; i < n_train; i += stride)
    {
      int len;
      const int *tokens = atl_music_corpus_sequence (corpus, FALSE, i, &len);

      atl_token_set_add (train, tokens, (guint) len);
    }
  r->n_train_nll = (int) atl_token_set_get_size (train);
  return TRUE;
}

static gboolean
bench_sample_speed (AtlGenerator         *gen,
                    const AtlStylePrefix *style,
                    int                   runs,
                    AtlBenchMusicResult  *r,
                    GError              **error)
{
  g_autofree double *times = g_new (double, runs);
  guint64 seeds[N_SPEED_MELODIES];

  for (int i = 0; i < N_SPEED_MELODIES; i++)
    seeds[i] = (guint64) (i + 1);
  for (int run = -1; run < runs; run++)
    {
      g_autoptr(AtlTokenSet) works = atl_token_set_new ();
      gint64 t0 = g_get_monotonic_time ();

      if (!atl_generator_sample (gen, style, NULL, 0, N_SPEED_MELODIES, seeds, 1.0f, 1.0f,
                                 works, NULL, error))
        return FALSE;
      if (run >= 0)
        times[run] = (g_get_monotonic_time () - t0) * 1e-3;
      else if (atl_token_set_get_size (works) != N_SPEED_MELODIES)
        {
          g_set_error (error, G_IO_ERROR, G_IO_ERROR_FAILED,
                       "bench: sampling returned %u melodies, not %d",
                       atl_token_set_get_size (works), N_SPEED_MELODIES);
          return FALSE;
        }
    }
  r->sample_ms = atl_bench_median (times, runs);
  return TRUE;
}

/* 15 bars of running eighths at 120 quarter notes per minute: exactly 30 s plus the last
 * tail, the melody tests/bench/bench-synth.c times. */
static void
make_30s_melody (AtlMelody *m)
{
  static const int scale[] = { 0, 2, 4, 5, 7, 9, 11, 12, 14, 12, 11, 9, 7, 5, 4, 2 };

  m->metre = ATL_METRE_4_4;
  m->mode = ATL_MODE_MAJOR;
  m->n_bars = 15;
  m->n_notes = 0;
  for (int step = 0; step < 15 * 16; step += 2)
    {
      AtlNote *n = &m->notes[m->n_notes];

      n->pitch = (int8_t) scale[m->n_notes % 16];
      n->velocity = step % 8 == 0 ? 110 : 85;
      n->start = (int16_t) step;
      n->length = 2;
      m->n_notes++;
    }
}

/* Milliseconds to pull the whole render in 512-frame blocks (as the player's feeder does),
 * scaled to 30 s of audio. */
static gboolean
time_synth (const AtlMelody       *melody,
            const AtlSynthParams  *params,
            float                 *block,
            double                *out_ms,
            GError               **error)
{
  AtlSynth *synth = NULL;
  AtlMsg msg;
  int64_t frames = 0;
  size_t got;
  gint64 t0, t1;
  float peak = 0.0f;

  if (atl_synth_new (melody, params, &synth, &msg) != ATL_OK)
    {
      g_set_error (error, G_IO_ERROR, G_IO_ERROR_FAILED, "bench: synth: %s", msg.text);
      return FALSE;
    }
  t0 = g_get_monotonic_time ();
  while ((got = atl_synth_render (synth, block, 512)) > 0)
    {
      frames += (int64_t) got;
      peak = fmaxf (peak, fabsf (block[2 * got - 1]));
    }
  t1 = g_get_monotonic_time ();
  atl_synth_free (synth);
  if (frames == 0 || !(peak <= 1.0f))
    {
      g_set_error (error, G_IO_ERROR, G_IO_ERROR_FAILED,
                   "bench: the %s timbre rendered %" G_GINT64_FORMAT " frames, peak %g",
                   atl_timbre_name (params->timbre), (gint64) frames, peak);
      return FALSE;
    }
  *out_ms = (t1 - t0) * 1e-3 * 30.0 / ((double) frames / params->sample_rate);
  return TRUE;
}

static gboolean
bench_synth_speed (int                  runs,
                   AtlBenchMusicResult *r,
                   GError             **error)
{
  g_autofree AtlMelody *melody = g_new (AtlMelody, 1);
  g_autofree float *block = g_new0 (float, 2 * 512);
  g_autofree double *times = g_new (double, runs);
  double per_timbre[ATL_N_TIMBRES];
  AtlSynthParams params;

  make_30s_melody (melody);
  atl_synth_params_init (&params);
  params.tempo = 120.0;
  params.sample_rate = 48000;
  params.channels = 2;
  for (int t = 0; t < ATL_N_TIMBRES; t++)
    {
      params.timbre = (AtlTimbre) t;
      for (int run = -1; run < runs; run++)
        if (!time_synth (melody, &params, block, run >= 0 ? &times[run] : &per_timbre[t],
                         error))
          return FALSE;
      r->synth_ms_timbre[t] = per_timbre[t] = atl_bench_median (times, runs);
    }
  r->synth_ms_worst = 0.0;
  for (int t = 0; t < ATL_N_TIMBRES; t++)
    r->synth_ms_worst = MAX (r->synth_ms_worst, per_timbre[t]);
  r->synth_ms = atl_bench_median (per_timbre, ATL_N_TIMBRES);
  return TRUE;
}

gboolean
atl_bench_music_run (const AtlBenchMusicOptions *options,
                     AtlBenchMusicResult        *r,
                     GError                    **error)
{
  const AtlCodec *codec = atl_music_codec ();
  g_autoptr(AtlPolicy) policy = NULL;
  g_autoptr(AtlGenerator) gen = NULL;
  g_autoptr(AtlMusicCorpus) corpus = NULL;
  g_autoptr(AtlTokenSet) train = atl_token_set_new ();
  g_autoptr(AtlTokenSet) heldout = atl_token_set_new ();
  AtlStylePrefix style;

  memset (r, 0, sizeof *r);
  r->model_path = options->model_path != NULL
                    ? g_strdup (options->model_path)
                    : atl_base_model_path (ATL_DOMAIN_MUSIC, error);
  if (r->model_path == NULL)
    return FALSE;
  r->corpus_dir = options->corpus_dir != NULL ? g_strdup (options->corpus_dir)
                                              : atl_bench_music_default_corpus ();
  if (!options->speed_only && !g_file_test (r->corpus_dir, G_FILE_TEST_IS_DIR))
    {
      g_set_error (error, G_FILE_ERROR, G_FILE_ERROR_NOENT,
                   "the music corpus folder “%s” does not exist; pass --corpus DIR "
                   "(the Nottingham tunes) or set ATL_MUSIC_CORPUS", r->corpus_dir);
      return FALSE;
    }
  if (options->n_samples < 1 || options->speed_runs < 1 || options->n_train_nll < 1)
    {
      g_set_error (error, ATL_CLI_ERROR, ATL_CLI_ERROR_USAGE,
                   "bench: samples, speed runs and the NLL subset must be positive");
      return FALSE;
    }
  openblas_set_num_threads (MAX (1, options->threads));

  policy = atl_model_load (r->model_path, NULL, codec, error);
  if (policy == NULL)
    return FALSE;
  gen = atl_generator_new (policy, codec, error);
  if (gen == NULL || !atl_style_prefix_parse (codec, NULL, &style, error))
    return FALSE;
  if (options->speed_only)
    return bench_sample_speed (gen, &style, options->speed_runs, r, error)
           && bench_synth_speed (options->speed_runs, r, error);
  corpus = atl_music_corpus_load (r->corpus_dir, error);
  if (corpus == NULL)
    return FALSE;

  if (!bench_samples (gen, codec, &style, options->n_samples, r, error)
      || !bench_corpus (corpus, codec, options->n_train_nll, train, heldout, r, error)
      || !atl_pretrain_eval (policy, train, 32, &r->nll_train, error)
      || !atl_pretrain_eval (policy, heldout, 32, &r->nll_heldout, error)
      || !bench_sample_speed (gen, &style, options->speed_runs, r, error)
      || !bench_synth_speed (options->speed_runs, r, error))
    return FALSE;
  return TRUE;
}

/* Metrics 5 … 7 are correlations in [−1, 1]; the rest fractions shown in points (%). */
static gboolean
metric_is_fraction (int metric)
{
  return metric < 5 || metric > 7;
}

gboolean
atl_bench_music_metric_passes (int    metric,
                               double base,
                               double heldout)
{
  if (!isfinite (base) || !isfinite (heldout))
    return FALSE;
  switch (metric)
    {
    case 0:   /* notes in key: within 2 points */
      return fabs (base - heldout) <= 0.02 + 1e-9;
    case 1:   /* excessive repeats: no more than 2 points above */
      return base - heldout <= 0.02 + 1e-9;
    default:
      return fabs (base - heldout) <= 0.05 + 1e-9;
    }
}

static void
add_number (JsonBuilder *builder,
            const char  *key,
            double       value)
{
  if (key != NULL)
    json_builder_set_member_name (builder, key);
  if (isfinite (value))
    json_builder_add_double_value (builder, value);
  else
    json_builder_add_null_value (builder);
}

static void
add_metrics (JsonBuilder  *builder,
             const char   *key,
             const double *values)
{
  json_builder_set_member_name (builder, key);
  json_builder_begin_object (builder);
  for (int m = 0; m < ATL_BENCH_MUSIC_N_METRICS; m++)
    add_number (builder, atl_music_feature_name (m), values[m]);
  json_builder_end_object (builder);
}

static char *
format_json (const AtlBenchMusicResult *r)
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
  add_metrics (builder, "metrics_base", r->metrics_base);
  add_metrics (builder, "metrics_heldout", r->metrics_heldout);
  add_number (builder, "nll_train", r->nll_train);
  add_number (builder, "nll_heldout", r->nll_heldout);
  add_number (builder, "sample_ms", r->sample_ms);
  add_number (builder, "synth_ms", r->synth_ms);
  add_number (builder, "synth_ms_worst", r->synth_ms_worst);
  json_builder_set_member_name (builder, "synth_ms_timbre");
  json_builder_begin_object (builder);
  for (int t = 0; t < ATL_N_TIMBRES; t++)
    add_number (builder, atl_timbre_name ((AtlTimbre) t), r->synth_ms_timbre[t]);
  json_builder_end_object (builder);
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
atl_bench_music_format (const AtlBenchMusicResult *r,
                        gboolean                   json)
{
  GString *s;
  double nll_ratio = r->nll_heldout / r->nll_train;

  if (json)
    return format_json (r);
  s = g_string_new (NULL);
  g_string_append_printf (s, "music bench: %s\n  held-out tunes: %s\n\n", r->model_path,
                          r->corpus_dir);
  g_string_append_printf (s, "validity: %d of %d base samples (seeds 1…%d, temperature 1, "
                          "no style) decode to valid melodies: %.1f%%  %s  (mean %.2f bars)\n\n",
                          r->n_valid, r->n_samples, r->n_samples, 100.0 * r->valid_fraction,
                          verdict (r->n_valid == r->n_samples), r->mean_bars);
  g_string_append_printf (s, "RL Tuner metrics        base (%5d)  held-out (%5d)  "
                          "difference  tolerance        verdict\n", r->n_valid, r->n_heldout);
  for (int m = 0; m < ATL_BENCH_MUSIC_N_METRICS; m++)
    {
      gboolean ok = atl_bench_music_metric_passes (m, r->metrics_base[m],
                                                   r->metrics_heldout[m]);
      const char *tol = m == 0 ? "±2 points" : m == 1 ? "≤ +2 points"
                        : metric_is_fraction (m) ? "±5 points" : "±0.05";

      if (metric_is_fraction (m))
        g_string_append_printf (s, "  %-24s %8.1f%%   %12.1f%%   %+8.1f    %-15s  %s\n",
                                metric_labels[m], 100.0 * r->metrics_base[m],
                                100.0 * r->metrics_heldout[m],
                                100.0 * (r->metrics_base[m] - r->metrics_heldout[m]), tol,
                                verdict (ok));
      else
        g_string_append_printf (s, "  %-24s %9.3f   %13.3f   %+8.3f    %-15s  %s\n",
                                metric_labels[m], r->metrics_base[m], r->metrics_heldout[m],
                                r->metrics_base[m] - r->metrics_heldout[m], tol,
                                verdict (ok));
    }
  g_string_append_printf (s, "  (the issue sets the first two tolerances; ±5 points / ±0.05 "
                          "is this bench's reading of \"within a few points\")\n\n");
  g_string_append_printf (s, "NLL per token: train %.4f (%d windows), held-out %.4f "
                          "(%d windows): ratio %.3f, target ≤ 1.15  %s\n\n",
                          r->nll_train, r->n_train_nll, r->nll_heldout, r->n_heldout,
                          nll_ratio, verdict (nll_ratio <= 1.15));
  g_string_append_printf (s, "speed (medians):\n  sample 12 melodies:          %7.2f ms   "
                          "target ≤ 50 ms  %s\n", r->sample_ms, verdict (r->sample_ms <= 50.0));
  for (int t = 0; t < ATL_N_TIMBRES; t++)
    g_string_append_printf (s, "  synth 30 s 48 kHz stereo, %-6s %6.2f ms   target ≤ 30 ms  %s\n",
                            atl_timbre_name ((AtlTimbre) t), r->synth_ms_timbre[t],
                            verdict (r->synth_ms_timbre[t] <= 30.0));
  g_string_append_printf (s, "  synth_ms (median over the %d timbres): %.2f ms   "
                          "target ≤ 30 ms  %s\n", ATL_N_TIMBRES, r->synth_ms,
                          verdict (r->synth_ms <= 30.0));
  return g_string_free (s, FALSE);
}
