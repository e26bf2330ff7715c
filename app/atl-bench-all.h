/* atl-bench-all.h: `atelier bench all` — every figure of DESIGN.md §6 in one table.
 *
 * Each figure comes from the benchmark that owns it, run here: the nn bench (training
 * throughput and the sgemm peak, KV-cached sampling, both beside PyTorch), the music and
 * art benches' speed sections (sampling, thumbnails, synthesis), the loop bench (one
 * training round), and as subprocesses the synth bench (beside sox), the reward bench
 * (beside PyTorch), the studio bench under Xvfb (cold start, frame p99, the studio's peak
 * memory) and `atelier demo` (the CLI's peak memory). A row is the median over repeated
 * runs, its target, whether it is met, and the peer's figure and the ratio where a peer
 * exists. A figure that cannot be measured here (no display, no model, no peer) says so.
 */
#pragma once

#include <glib.h>

G_BEGIN_DECLS

typedef struct
{
  gboolean quick;     /* fewer repetitions, a shorter loop and demo */
  gboolean pytorch;   /* run the PyTorch peers */
  gboolean studio;    /* run the studio bench (needs xvfb-run and dbus-run-session) */
  int      repeats;   /* runs of each subprocess bench (median); 0: 3, or 1 when quick */
  const char *only;   /* comma-separated sections (nn, music, art, reward, loop, studio,
                       * demo), NULL: all */
} AtlBenchAllOptions;

typedef enum
{
  ATL_BENCH_AT_MOST,    /* median ≤ target */
  ATL_BENCH_AT_LEAST,   /* median ≥ target */
  ATL_BENCH_RATIO,      /* ratio ≥ target */
  ATL_BENCH_NO_TARGET,  /* shown for context */
} AtlBenchGoal;

typedef struct
{
  char        *name;
  double       median;   /* NaN: not measured */
  char        *unit;
  double       target;
  AtlBenchGoal goal;
  double       peer;     /* the peer's figure in the same unit, NaN if none */
  char        *peer_name;
  double       ratio;    /* how many times better than the peer (> 1 is better), NaN */
  int          runs;     /* how many runs the median is over */
  char        *note;     /* why it is not measured, or what the figure covers */
} AtlBenchRow;

typedef struct
{
  GPtrArray *rows;          /* AtlBenchRow *, owned */
  double     peak_rss_mb;   /* the larger of the studio's and the CLI demo's */
  double     seconds;       /* the whole run */
  double     load_before;   /* 1-minute load average at the start and the end */
  double     load_after;
} AtlBenchAllResult;

void     atl_bench_all_options_init (AtlBenchAllOptions       *options);
gboolean atl_bench_all_run          (const AtlBenchAllOptions *options,
                                     AtlBenchAllResult        *result,
                                     GError                  **error);
void     atl_bench_all_result_clear (AtlBenchAllResult        *result);
/* TRUE: met, FALSE: short; a row without a figure or a target is neither (check median). */
gboolean atl_bench_row_ok           (const AtlBenchRow        *row);
/* A table, or one JSON object {rows: [{name, median, unit, target, ok, peer, ratio, …}],
 * peak_rss_mb}. */
char    *atl_bench_all_format       (const AtlBenchAllResult  *result,
                                     gboolean                  json);

/* `atelier bench all …` (argv after "all"). */
gboolean atl_cli_bench_all_cb       (int      argc,
                                     char   **argv,
                                     GError **error);

G_END_DECLS
