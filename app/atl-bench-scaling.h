/* atl-bench-scaling.h: `atelier bench scaling` — how cost grows.
 *
 * Small tables of one cost against one size: sampling and training time against sequence
 * length and batch size (the art model's size and context, untrained weights: the cost
 * does not depend on the weights' values), a reward-model refit against the number of
 * comparisons (a simulated linear taste over 300 works, F 40 + E 128 inputs, as
 * tests/bench/bench-reward.c), and store operations against the number of works in the
 * store (filled in one transaction through atl_store_import_pairs). --plot draws each table
 * (its CPU times) as a chart with the studio's own line chart (app/atl-plot-draw.c) into one PNG.
 */
#pragma once

#include <glib.h>

G_BEGIN_DECLS

typedef struct
{
  gboolean quick;      /* one timed run per point, smaller store sizes */
  gboolean huge;       /* also a store of 1,000,000 works (takes minutes) */
  int      threads;    /* BLAS threads for training (2) */
} AtlBenchScalingOptions;

typedef struct
{
  char   *title;       /* "sampling, B 12" */
  char   *x_name;      /* "T" */
  char   *unit;        /* "ms" */
  GArray *x;           /* double */
  GArray *value;       /* double, the median wall-clock time */
  GArray *cpu;         /* double, the median process CPU time of the same runs (all
                        * threads): on a loaded machine the wall clock also counts other
                        * processes' turns */
} AtlBenchSeries;

typedef struct
{
  GPtrArray *series;   /* AtlBenchSeries *, owned */
} AtlBenchScalingResult;

void     atl_bench_scaling_options_init (AtlBenchScalingOptions       *options);
gboolean atl_bench_scaling_run          (const AtlBenchScalingOptions *options,
                                         AtlBenchScalingResult        *result,
                                         GError                      **error);
void     atl_bench_scaling_result_clear (AtlBenchScalingResult        *result);
char    *atl_bench_scaling_format       (const AtlBenchScalingResult  *result,
                                         gboolean                      json);
/* One chart per series, in a grid, written atomically to path. */
gboolean atl_bench_scaling_plot         (const AtlBenchScalingResult  *result,
                                         const char                   *path,
                                         GError                      **error);

/* `atelier bench scaling …` (argv after "scaling"). */
gboolean atl_cli_bench_scaling_cb       (int      argc,
                                         char   **argv,
                                         GError **error);

G_END_DECLS
