/* atl-bench-music.h: the music quality and speed bench behind `atelier bench music`.
 *
 * Measures what issue 4 asks of the base melody model, on one model and the held-out tunes
 * of a corpus: the fraction of base samples (seeds 1 … n, temperature 1, no style) that
 * validate, decode and pass atl_synth_check_melody; the RL Tuner metrics (the first eleven
 * music features) of those samples beside the held-out tunes' own; the mean NLL per token
 * on a fixed subset of the training windows and on the held-out windows; and the speed of
 * sampling 12 melodies and of synthesizing 30 s of 48 kHz stereo in every timbre.
 */
#pragma once

#include <glib.h>

#include "atl-synth.h"

G_BEGIN_DECLS

#define ATL_BENCH_MUSIC_N_METRICS 11

typedef struct
{
  const char *model_path;     /* NULL: the shipped base (atl_base_model_path) */
  const char *corpus_dir;     /* NULL: atl_bench_music_default_corpus () */
  int         n_samples;      /* base samples for validity and metrics (1000) */
  int         n_train_nll;    /* training windows in the NLL subset (2000) */
  int         speed_runs;     /* timed repetitions per speed figure, median (7) */
  int         threads;        /* BLAS threads (2, as the studio) */
  gboolean    speed_only;     /* only sampling and synth speed (for `atelier bench all`):
                               * no corpus, validity, metrics or NLL */
} AtlBenchMusicOptions;

typedef struct
{
  char   *model_path;
  char   *corpus_dir;
  int     n_samples;
  int     n_valid;
  double  valid_fraction;
  double  mean_bars;                                    /* of the valid samples */
  double  metrics_base[ATL_BENCH_MUSIC_N_METRICS];      /* means over valid samples */
  double  metrics_heldout[ATL_BENCH_MUSIC_N_METRICS];   /* means over held-out windows */
  int     n_heldout;                                    /* held-out windows */
  int     n_train_nll;                                  /* training windows in the subset */
  double  nll_train;
  double  nll_heldout;
  double  sample_ms;                                    /* 12 melodies, median */
  double  synth_ms_timbre[ATL_N_TIMBRES];               /* per 30 s, median per timbre */
  double  synth_ms;                                     /* the median over timbres */
  double  synth_ms_worst;                               /* the slowest timbre */
} AtlBenchMusicResult;

void     atl_bench_music_options_init    (AtlBenchMusicOptions       *options);
/* $ATL_MUSIC_CORPUS, else ../shared/data/nottingham beside the source tree. */
char    *atl_bench_music_default_corpus  (void);
gboolean atl_bench_music_run             (const AtlBenchMusicOptions *options,
                                          AtlBenchMusicResult        *result,
                                          GError                    **error);
void     atl_bench_music_result_clear    (AtlBenchMusicResult        *result);
/* Whether a base metric is close enough to the held-out figure (the tolerances:
 * in key within 2 points, excessive repeats at most 2 points above; 5 points, or 0.05 for
 * the autocorrelations, for the others). */
gboolean atl_bench_music_metric_passes   (int                         metric,
                                          double                      base,
                                          double                      heldout);
/* A human-readable report with a pass/short column, or one JSON object. */
char    *atl_bench_music_format          (const AtlBenchMusicResult  *result,
                                          gboolean                    json);

G_END_DECLS
