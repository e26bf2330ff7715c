/* atl-bench-art.h: the art quality and speed bench behind `atelier bench art`.
 *
 * Measures what issue 5 asks of the base art model: the fraction of base samples (seeds
 * 1 … n, temperature 1, no style) that decode and render; whether the family tag
 * conditions generation (samples drawn with family=<f>, classified by the nearest family
 * centroid of the procedural corpus on standardized features); diversity (mean pairwise
 * standardized feature distance of the base samples over the corpus's); and the speed of
 * sampling 12 full-length works, rendering 12 thumbnails and exporting one 4096² PNG.
 */
#pragma once

#include <glib.h>

#include "atl-artwork.h"

G_BEGIN_DECLS

typedef struct
{
  const char *model_path;     /* NULL: the shipped base (atl_base_model_path) */
  int         n_samples;      /* base samples for validity and diversity (1000) */
  int         n_per_family;   /* conditioned samples per family (40) */
  int         n_corpus;       /* corpus compositions for the centroids (4500) */
  int         speed_runs;     /* timed repetitions (medians; 7, the 4096² PNG ≤ 3) */
  int         threads;        /* BLAS threads (2, as the studio) */
  gboolean    speed_only;     /* only the speed figures (for `atelier bench all`): the
                               * corpus, diversity and conditioning are skipped */
} AtlBenchArtOptions;

typedef struct
{
  char   *model_path;
  int     n_samples;
  int     n_valid;
  double  valid_fraction;
  int     n_per_family;
  double  family_accuracy[ATL_ART_N_FAMILIES];   /* requested family recovered */
  double  accuracy_overall;
  /* How the corpus itself classifies (the ceiling of what conditioning can reach). */
  double  corpus_accuracy;
  double  diversity_base;                        /* mean pairwise distance, base samples */
  double  diversity_corpus;                      /* … of the corpus */
  double  diversity_ratio;
  double  mean_elements_full;                    /* elements of the timed full-length works */
  double  sample_ms;                             /* 12 full-length works, median */
  double  thumbs_ms;                             /* 12 thumbnails 256², median */
  double  png4096_ms;                            /* one 4096² PNG export, median */
} AtlBenchArtResult;

void     atl_bench_art_options_init (AtlBenchArtOptions       *options);
gboolean atl_bench_art_run          (const AtlBenchArtOptions *options,
                                     AtlBenchArtResult        *result,
                                     GError                  **error);
void     atl_bench_art_result_clear (AtlBenchArtResult        *result);
/* A human-readable report with pass/short verdicts, or one JSON object. */
char    *atl_bench_art_format       (const AtlBenchArtResult  *result,
                                     gboolean                  json);

G_END_DECLS
