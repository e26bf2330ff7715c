/* atl-bench-loop.h: `atelier bench loop` — does the studio learn a taste? (DESIGN §7)
 *
 * For each simulated artist (atl-taste.h) and seed, a session runs headless in memory:
 * rounds of grid candidates from the current policy, 1–2 favourites picked with
 * Bradley–Terry noise, a reward-model refit and tuner steps after every round. After 3 and
 * after all rounds the tuned policy meets the base in blind pairs judged by the same taste
 * (noise-free: the better work under the taste wins, a tie counts ½). Baselines in the
 * same run: no learning (base vs base), best-of-8 reranking of base samples by the reward
 * model the RLOO run fitted, DPO on the comparisons of its own run, and Picbreeder-style
 * mutation (the next grid re-grows favourites from a random cut). From the second round
 * the learning sessions' grids come from a pool ranked by their reward model, as in the
 * studio (atl-explore.h); --no-pool turns that off to show what it changes.
 */
#pragma once

#include <glib.h>

#include "atl-domain.h"

G_BEGIN_DECLS

typedef struct
{
  AtlDomain    domain;
  const char  *model_path;   /* NULL: the shipped base */
  const char  *tastes;       /* comma-separated names, NULL: all four */
  const char  *methods;      /* comma-separated of rloo,dpo,best-of-8,mutation,none (NULL: all)
                              * and oracle (only when named) */
  int          rounds;       /* 10 */
  int          grid;         /* candidates per round, 12 */
  int          steps;        /* tuner steps per round, 20 */
  int          eval_pairs;   /* blind pairs, 400 */
  int          seeds;        /* 1 */
  int          threads;      /* BLAS threads, 2 */
  float        noise;        /* BT temperature τ as a fraction of the base's utility std */
  float        beta;         /* initial β (NaN: default) */
  float        kl_target;    /* NaN: default */
  float        kl_budget;    /* NaN: default */
  float        lr;           /* NaN: default */
  int          kl_in_loss;   /* −1: default */
  int          kl_exact;     /* −1: default */
  float        diversity_floor; /* the tuner's guard, NaN: default */
  float        embed_scale;  /* the reward model's embedding weight, NaN: default */
  float        lambda;       /* the reward's spread penalty λ, NaN: default */
  double       exploration;  /* the grid's uncertain share, 0.25 (as a new session) */
  gboolean     no_pool;      /* grids without a pool: the first samples as they come */
  gboolean     verbose;      /* a line per round on stderr */
} AtlBenchLoopOptions;

typedef struct
{
  char   *taste;
  char   *method;
  double  win_rate;       /* after all rounds */
  double  win_rate_3;     /* after 3 rounds (NaN where it does not apply) */
  double  kl;             /* per sequence, NaN for non-policies */
  double  diversity;      /* feature spread relative to base (geometric mean of std ratios) */
  double  distinct;       /* distinct works / samples, relative to base's */
  double  rm_accuracy;    /* held out by round, 5 folds (NaN where no reward model) */
  double  rm_true;        /* the final reward model against the true taste: pairwise
                           * accuracy over the base eval samples (NaN where no model) */
  double  rm_tuned;       /* the same over the tuned policy's samples (NaN where none) */
  double  grid_taste;     /* how the artist saw the grids of rounds 2…: the mean taste
                           * percentile of their works among base samples (0.5: base) */
  double  in_key;         /* music: RL Tuner metrics of the samples (NaN for art) */
  double  repeats;
  int     n_seeds;
} AtlBenchLoopRow;

typedef struct
{
  AtlDomain  domain;
  GPtrArray *rows;            /* AtlBenchLoopRow *, owned */
  double     round_seconds;   /* mean refit + tuner steps of an RLOO round that ran all
                               * its steps (NaN if none did), wall clock */
  double     round_cpu_seconds; /* the same in process CPU time (a loaded machine's wall
                                 * clock includes other processes' turns) */
  int        rounds_timed;    /* the rounds in those means */
  double     base_in_key, base_repeats;
  int        seeds, rounds, steps, grid;
  char       pool[96];        /* how the grids were drawn, for the heading */
  double     seconds;
} AtlBenchLoopResult;

void     atl_bench_loop_options_init (AtlBenchLoopOptions       *options);
gboolean atl_bench_loop_run          (const AtlBenchLoopOptions *options,
                                      AtlBenchLoopResult        *result,
                                      GError                   **error);
char    *atl_bench_loop_format       (const AtlBenchLoopResult  *result,
                                      gboolean                   json);
void     atl_bench_loop_result_clear (AtlBenchLoopResult        *result);

/* `atelier bench loop …` (argv after "loop"). */
gboolean atl_cli_bench_loop_cb       (int      argc,
                                      char   **argv,
                                      GError **error);

G_END_DECLS
