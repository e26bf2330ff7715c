/* atl-bench-loop.c: simulated artists drive the learning loop in memory; the tuned
 * policy, and the baselines, meet the base in blind pairs judged by the same taste.
 *
 * Dimension legend: N eval samples (eval_pairs), F codec features, G grid size.
 */
#include "atl-bench-loop.h"

#include <math.h>
#include <stdio.h>
#include <string.h>
#include <time.h>

#include "atl-base-models.h"
#include "atl-cli-generate.h"
#include "atl-engine-autoptr.h"
#include "atl-error.h"
#include "atl-explore.h"
#include "atl-generator.h"
#include "atl-learner.h"
#include "atl-model.h"
#include "atl-nn.h"
#include "atl-taste.h"

typedef struct
{
  const AtlBenchLoopOptions *opt;
  const AtlCodec *codec;
  AtlPolicy      *base;
  int             taste;
  float           tau;
  AtlTokenSet    *base_eval;   /* N base samples */
  float          *u_base;      /* (N) */
  float           u_mean, u_std; /* of u_base */
  float          *std_base;    /* (F) */
  double          distinct_base;
} Ctx;

/* The RLOO rounds that ran all their steps: wall and process CPU seconds, summed. */
typedef struct
{
  double wall;
  double cpu;
  int    n;
} RoundTimes;

static void
row_free (gpointer p)
{
  AtlBenchLoopRow *row = p;

  g_free (row->taste);
  g_free (row->method);
  g_free (row);
}

void
atl_bench_loop_options_init (AtlBenchLoopOptions *o)
{
  *o = (AtlBenchLoopOptions) {
    .domain = ATL_DOMAIN_MUSIC,
    .rounds = 10, .grid = 12, .steps = 20, .eval_pairs = 400, .seeds = 1, .threads = 2,
    .noise = 0.5f, .beta = NAN, .kl_target = NAN, .kl_budget = NAN, .lr = NAN,
    .kl_in_loss = -1, .kl_exact = -1, .diversity_floor = NAN, .embed_scale = NAN, .lambda = NAN,
    .exploration = 0.25,
  };
}

void
atl_bench_loop_result_clear (AtlBenchLoopResult *r)
{
  g_clear_pointer (&r->rows, g_ptr_array_unref);
}

static AtlPolicy *
copy_policy (AtlPolicy *src)
{
  AtlPolicy *dst = NULL;
  AtlMsg msg;

  if (atl_policy_new (atl_policy_get_config (src), &dst, &msg) != ATL_OK)
    g_error ("%s", msg.text);
  memcpy (atl_policy_get_params (dst), atl_policy_get_params (src),
          atl_policy_get_n_params (src) * sizeof (float));
  return dst;
}

/* count works from policy (open style, or continuing prompt), seeds seed + i. */
static gboolean
draw (AtlPolicy      *policy,
      const AtlCodec *codec,
      const int      *prompt,
      int             prompt_len,
      int             count,
      guint64         seed,
      AtlTokenSet    *out,
      GError        **error)
{
  g_autoptr(AtlGenerator) gen = atl_generator_new (policy, codec, error);
  g_autofree guint64 *seeds = g_new (guint64, count);
  AtlStylePrefix open;

  if (gen == NULL)
    return FALSE;
  for (gsize i = 0; i < G_N_ELEMENTS (open.forced); i++)
    open.forced[i] = -1;
  for (int i = 0; i < count; i++)
    seeds[i] = seed + (guint64) i;
  return atl_generator_sample (gen, &open, prompt, prompt_len, count, seeds, 1.0f, 1.0f, out,
                               NULL, error);
}

static gboolean
utilities (const Ctx         *c,
           const AtlTokenSet *set,
           float             *out,
           GError           **error)
{
  for (guint i = 0; i < atl_token_set_get_size (set); i++)
    {
      guint len;
      const int *seq = atl_token_set_get (set, i, &len);
      AtlMsg msg = { { 0 } };
      AtlStatus status = atl_taste_utility (c->codec, c->taste, seq, (int) len, &out[i], &msg);

      if (status != ATL_OK)
        return atl_set_engine_error (error, status, &msg);
    }
  return TRUE;
}

/* A round's grid: from the second round on, chosen from a pool by the run's reward model
 * (ranker NULL before the first fit or with --no-pool). */
static gboolean
draw_grid (const Ctx    *c,
           AtlPolicy    *policy,
           AtlLearner   *ranker,
           guint64       seed,
           AtlTokenSet  *out,
           GError      **error)
{
  g_autoptr(AtlGenerator) gen = atl_generator_new (policy, c->codec, error);
  g_autofree guint64 *seeds = g_new (guint64, c->opt->grid);
  AtlStylePrefix open;

  if (gen == NULL)
    return FALSE;
  for (gsize i = 0; i < G_N_ELEMENTS (open.forced); i++)
    open.forced[i] = -1;
  return atl_explore_draw (gen, &open, NULL, 0, c->opt->grid, seed, 1.0f, 1.0f,
                           c->opt->no_pool ? NULL : ranker, c->opt->exploration, out, seeds,
                           error);
}

/* The mean percentile of the set's works among the base eval samples' utilities. */
static gboolean
taste_percentile (const Ctx         *c,
                  const AtlTokenSet *set,
                  double            *out,
                  GError           **error)
{
  int n = (int) atl_token_set_get_size (set), N = c->opt->eval_pairs;
  g_autofree float *u = g_new (float, MAX (n, 1));
  double sum = 0.0;

  if (!utilities (c, set, u, error))
    return FALSE;
  for (int i = 0; i < n; i++)
    for (int j = 0; j < N; j++)
      sum += u[i] > c->u_base[j] ? 1.0 : u[i] == c->u_base[j] ? 0.5 : 0.0;
  *out = sum / ((double) MAX (n, 1) * N);
  return TRUE;
}

/* The fitted reward model's pairwise accuracy against the true taste over a set of
 * works (every pair whose utilities differ): on base samples, how well the picks taught
 * it; on the tuned policy's own samples, whether the tuner found where it is wrong. */
static gboolean
true_accuracy (const Ctx         *c,
               AtlLearner        *learner,
               const AtlTokenSet *set,
               double            *out,
               GError           **error)
{
  int N = (int) atl_token_set_get_size (set);
  g_autofree float *mean = g_new (float, MAX (N, 1)), *u = g_new (float, MAX (N, 1));
  double right = 0.0, total = 0.0;

  if (!atl_explore_score (learner, set, mean, NULL, error) || !utilities (c, set, u, error))
    return FALSE;
  for (int i = 0; i < N; i++)
    for (int j = i + 1; j < N; j++)
      if (u[i] != u[j])
        {
          float d = (mean[i] - mean[j]) * (u[i] > u[j] ? 1.0f : -1.0f);

          right += d > 0 ? 1.0 : d == 0 ? 0.5 : 0.0;
          total += 1.0;
        }
  *out = total > 0 ? right / total : NAN;
  return TRUE;
}

/* Per-feature std (F) and the distinct fraction of a set; optional RL Tuner means. */
static void
spread_of (const Ctx         *c,
           const AtlTokenSet *set,
           float             *std,
           double            *distinct,
           double            *in_key,
           double            *repeats)
{
  int F = c->codec->n_features;
  guint n = atl_token_set_get_size (set);
  g_autofree double *s = g_new0 (double, F), *s2 = g_new0 (double, F);
  g_autofree float *f = g_new (float, F);
  g_autoptr(GHashTable) seen = g_hash_table_new_full (g_bytes_hash, g_bytes_equal,
                                                      (GDestroyNotify) g_bytes_unref, NULL);

  *in_key = *repeats = 0.0;
  for (guint i = 0; i < n; i++)
    {
      guint len;
      const int *seq = atl_token_set_get (set, i, &len);
      AtlMsg msg;

      g_hash_table_add (seen, g_bytes_new (seq, len * sizeof (int)));
      if (c->codec->features (c->codec, seq, (int) len, f, &msg) != ATL_OK)
        memset (f, 0, F * sizeof (float));
      for (int j = 0; j < F; j++)
        {
          s[j] += f[j] / n;
          s2[j] += (double) f[j] * f[j] / n;
        }
      *in_key += f[0] / n;
      *repeats += f[1] / n;
    }
  for (int j = 0; j < F; j++)
    std[j] = (float) sqrt (MAX (s2[j] - s[j] * s[j], 0.0));
  *distinct = (double) g_hash_table_size (seen) / MAX (n, 1u);
}

/* Win rate against the base eval set, diversity, distinct and RL Tuner means. */
static gboolean
judge (const Ctx         *c,
       const AtlTokenSet *set,
       AtlBenchLoopRow   *row,
       GError           **error)
{
  int N = (int) atl_token_set_get_size (set), F = c->codec->n_features, used = 0;
  g_autofree float *u = g_new (float, N), *std = g_new (float, F);
  double wins = 0.0, log_sum = 0.0, distinct;

  if (!utilities (c, set, u, error))
    return FALSE;
  for (int i = 0; i < N; i++)
    wins += u[i] > c->u_base[i] ? 1.0 : u[i] == c->u_base[i] ? 0.5 : 0.0;
  row->win_rate = wins / N;
  spread_of (c, set, std, &distinct, &row->in_key, &row->repeats);
  for (int j = 0; j < F; j++)
    if (c->std_base[j] > 1e-6f)
      {
        log_sum += log (CLAMP (std[j] / c->std_base[j], 0.05, 2.0));
        used++;
      }
  row->diversity = used ? exp (log_sum / used) : 1.0;
  row->distinct = distinct / MAX (c->distinct_base, 1e-9);
  if (!g_str_equal (c->codec->name, "music"))
    row->in_key = row->repeats = NAN;
  return TRUE;
}

/* Mean KL per sequence of policy's own samples (set) to the base. */
static gboolean
kl_of (const Ctx         *c,
       AtlPolicy         *policy,
       const AtlTokenSet *set,
       double            *out,
       GError           **error)
{
  guint n = atl_token_set_get_size (set);
  int stride = (int) atl_token_set_get_max_len (set);
  double sum = 0.0;

  for (guint i = 0; i < n; i += 32)
    {
      int B = (int) MIN (32u, n - i);
      g_autofree int *flat = g_new0 (int, (gsize) B * stride), *lens = g_new (int, B);
      float kl[32];
      AtlMsg msg = { { 0 } };
      AtlStatus status;

      for (int b = 0; b < B; b++)
        {
          guint len;
          const int *seq = atl_token_set_get (set, i + b, &len);

          memcpy (flat + (gsize) b * stride, seq, len * sizeof (int));
          lens[b] = (int) len;
        }
      status = atl_tuner_kl (policy, c->base, atl_learner_grammar_cb, (void *) c->codec, B,
                             flat, stride, lens, kl, &msg);
      if (status != ATL_OK)
        return atl_set_engine_error (error, status, &msg);
      for (int b = 0; b < B; b++)
        sum += kl[b];
    }
  *out = sum / MAX (n, 1u);
  return TRUE;
}

/* After round r of a tuned policy: at round 3 its win rate becomes the row's win@3; at
 * the last round the full evaluation (KL, and with a learner its accuracy on the tuned
 * samples) becomes the row, win@3 kept. */
static gboolean
evaluate_policy (const Ctx        *c,
                 AtlPolicy        *policy,
                 guint64           seed,
                 int               r,
                 AtlLearner       *learner,
                 AtlBenchLoopRow  *row,
                 GError          **error)
{
  g_autoptr(AtlTokenSet) eval = NULL;
  AtlBenchLoopRow tmp = { 0 };

  if (r != 3 && r != c->opt->rounds)
    return TRUE;
  eval = atl_token_set_new ();
  if (!draw (policy, c->codec, NULL, 0, c->opt->eval_pairs, seed * 31 + 77777, eval, error)
      || !judge (c, eval, &tmp, error))
    return FALSE;
  if (c->opt->verbose)
    g_printerr ("  %s %s after round %d: win rate %.2f, spread %.2f\n", row->taste,
                row->method, r, tmp.win_rate, tmp.diversity);
  if (r == 3)
    row->win_rate_3 = tmp.win_rate;
  if (r != c->opt->rounds)
    return TRUE;
  tmp.rm_accuracy = tmp.rm_true = tmp.rm_tuned = tmp.grid_taste = NAN;
  if ((learner != NULL && !true_accuracy (c, learner, eval, &tmp.rm_tuned, error))
      || !kl_of (c, policy, eval, &tmp.kl, error))
    return FALSE;
  tmp.win_rate_3 = row->win_rate_3;
  tmp.taste = row->taste;
  tmp.method = row->method;
  *row = tmp;
  return TRUE;
}

/* The artist looks at a grid: 1–2 favourites, each beating every other work. */
static gboolean
pick (const Ctx   *c,
      AtlTokenSet *grid,
      AtlRng      *rng,
      AtlTokenSet *works,
      GArray      *pairs,
      GArray      *favourites,
      GError     **error)
{
  int G = (int) atl_token_set_get_size (grid), first = (int) atl_token_set_get_size (works);
  int n_fav = 1 + (int) atl_rng_below (rng, 2), fav[2];
  g_autofree float *u = g_new (float, G);

  if (!utilities (c, grid, u, error))
    return FALSE;
  atl_taste_pick (u, G, c->tau, n_fav, rng, fav);
  for (int i = 0; i < G; i++)
    {
      guint len;
      const int *seq = atl_token_set_get (grid, i, &len);

      atl_token_set_add (works, seq, len);
    }
  for (int f = 0; f < n_fav; f++)
    {
      int idx = first + fav[f];

      g_array_append_val (favourites, idx);
      for (int i = 0; i < G; i++)
        if (i != fav[0] && (n_fav < 2 || i != fav[1]))
          {
            AtlRewardPair p = { first + fav[f], first + i };

            g_array_append_val (pairs, p);
          }
    }
  return TRUE;
}

/* Held-out pairwise accuracy with rounds r ≡ f (mod 5) held out in fold f. */
static double
grouped_accuracy (const AtlRewardConfig *rc,
                  const float           *x,
                  int                    n_works,
                  const AtlRewardPair   *pairs,
                  const int             *round_of,
                  int                    n_pairs,
                  AtlRng                *rng)
{
  g_autofree AtlRewardPair *train = g_new (AtlRewardPair, n_pairs);
  g_autofree float *score = g_new (float, n_works);
  double right = 0.0, total = 0.0;

  for (int f = 0; f < 5; f++)
    {
      AtlReward *model = NULL;
      AtlMsg msg;
      int nt = 0;

      for (int p = 0; p < n_pairs; p++)
        if (round_of[p] % 5 != f)
          train[nt++] = pairs[p];
      if (nt == 0 || nt == n_pairs || atl_reward_new (rc, &model, &msg) != ATL_OK)
        continue;
      if (atl_reward_fit (model, x, n_works, train, nt, NULL, rng, NULL, &msg) == ATL_OK
          && atl_reward_predict (model, x, n_works, score, NULL, NULL, &msg) == ATL_OK)
        for (int p = 0; p < n_pairs; p++)
          if (round_of[p] % 5 == f)
            {
              float d = score[pairs[p].winner] - score[pairs[p].loser];

              right += d > 0 ? 1.0 : d == 0 ? 0.5 : 0.0;
              total += 1.0;
            }
      atl_reward_free (model);
    }
  return total > 0 ? right / total : NAN;
}

static AtlBenchLoopRow *
new_row (const Ctx  *c,
         const char *method)
{
  AtlBenchLoopRow *row = g_new0 (AtlBenchLoopRow, 1);

  row->taste = g_strdup (atl_taste_name (c->codec, c->taste));
  row->method = g_strdup (method);
  row->win_rate_3 = row->kl = row->rm_accuracy = NAN;
  row->rm_true = row->rm_tuned = row->grid_taste = NAN;
  return row;
}

static void
apply_options (const AtlBenchLoopOptions *o,
               AtlLearnerConfig          *lc)
{
  lc->steps = o->steps;
  if (!isnan (o->beta))
    lc->tuner.beta = o->beta;
  if (!isnan (o->kl_target))
    lc->tuner.kl_target = o->kl_target;
  if (!isnan (o->kl_budget))
    lc->tuner.kl_budget = o->kl_budget;
  if (!isnan (o->lr))
    lc->tuner.lr = o->lr;
  if (o->kl_in_loss >= 0)
    lc->tuner.kl_in_loss = o->kl_in_loss;
  if (o->kl_exact >= 0)
    lc->tuner.kl_exact = o->kl_exact;
  if (!isnan (o->diversity_floor))
    lc->tuner.diversity_floor = o->diversity_floor;
  if (!isnan (o->embed_scale))
    {
      /* A weight named on the command line is used as it is, not chosen among others. */
      lc->reward.embed_scale = o->embed_scale;
      lc->n_embed_choices = 0;
    }
  if (!isnan (o->lambda))
    lc->lambda = o->lambda;
}

/* A learning session (RLOO or DPO); adds its row, and for RLOO the best-of-8 row. */
static double
cpu_seconds (void)
{
  struct timespec ts;

  clock_gettime (CLOCK_PROCESS_CPUTIME_ID, &ts);
  return ts.tv_sec + ts.tv_nsec * 1e-9;
}

static gboolean
run_learning (const Ctx        *c,
              AtlLearnerMethod  method,
              guint64           seed,
              GPtrArray        *rows,
              RoundTimes       *times,
              GError          **error)
{
  g_autoptr(AtlPolicy) policy = copy_policy (c->base);
  g_autoptr(AtlTokenSet) works = atl_token_set_new ();
  g_autoptr(GArray) pairs = g_array_new (FALSE, FALSE, sizeof (AtlRewardPair));
  g_autoptr(GArray) favs = g_array_new (FALSE, FALSE, sizeof (int));
  g_autoptr(GArray) pair_round = g_array_new (FALSE, FALSE, sizeof (int));
  g_autoptr(AtlLearner) learner = NULL;
  AtlBenchLoopRow *row = new_row (c, method == ATL_LEARNER_RLOO ? "rloo" : "dpo");
  AtlLearnerConfig lc;
  AtlLearnerFitReport fit = { 0 };
  AtlRng rng;
  double grid_taste = 0.0;

  g_ptr_array_add (rows, row);
  atl_learner_config_init (&lc, c->codec);
  apply_options (c->opt, &lc);
  lc.method = method;
  lc.cv_folds = 0;  /* the held-out accuracy is measured once, at the end */
  learner = atl_learner_new (c->codec, c->base, &lc, seed, error);
  if (learner == NULL)
    return FALSE;
  atl_rng_seed (&rng, seed ^ 0xa11ce);

  for (int r = 1; r <= c->opt->rounds; r++)
    {
      g_autoptr(AtlTokenSet) grid = atl_token_set_new ();
      AtlLearnerTuneReport tr;
      gint64 t0;
      double c0;

      if (!draw_grid (c, policy, r > 1 ? learner : NULL, seed * 7919 + (guint64) r * 1000,
                      grid, error)
          || !pick (c, grid, &rng, works, pairs, favs, error))
        return FALSE;
      if (r > 1)
        {
          double pct;

          if (!taste_percentile (c, grid, &pct, error))
            return FALSE;
          grid_taste += pct / (c->opt->rounds - 1);
        }
      while (pair_round->len < pairs->len)
        g_array_append_val (pair_round, r);
      t0 = g_get_monotonic_time ();
      c0 = cpu_seconds ();
      if (!atl_learner_fit (learner, works, (AtlRewardPair *) pairs->data, (int) pairs->len,
                            &fit, error)
          || !atl_learner_tune (learner, policy, NULL, NULL, NULL, &tr, error))
        return FALSE;
      /* Only whole rounds are timed: a round the guards stopped early is cheaper, and
       * counting it would flatter the figure. */
      if (times != NULL && tr.stopped == 0 && tr.steps == lc.steps)
        {
          times->wall += (g_get_monotonic_time () - t0) / (double) G_USEC_PER_SEC;
          times->cpu += cpu_seconds () - c0;
          times->n++;
        }
      if (c->opt->verbose)
        g_printerr ("  %s %s round %2d: %u pairs, reward %+.2f → %+.2f, KL %.2f, β %.3f, "
                    "diversity %.2f%s (%.2f s, fit %.3f)\n", row->taste, row->method, r,
                    pairs->len, tr.reward_first, tr.reward_last, tr.last.kl, tr.last.beta,
                    tr.last.diversity, tr.stopped == 1 ? " [KL budget]"
                    : tr.stopped == 2 ? " [diversity]" : "", tr.seconds + fit.seconds,
                    fit.seconds);
      if (!evaluate_policy (c, policy, seed, r, learner, row, error))
        return FALSE;
    }
  row->grid_taste = grid_taste;
  if (!true_accuracy (c, learner, c->base_eval, &row->rm_true, error))
    return FALSE;

  /* The reward model's held-out accuracy on this run's comparisons, folds by round: a
   * favourite sits in every pair of its grid, so folds over pairs would test on works the
   * model trained on. */
  {
    AtlRewardConfig rc = lc.reward;
    g_autofree float *x = NULL;

    rc.n_features = c->codec->n_features;
    rc.n_embed = atl_learner_get_row_width (learner) - rc.n_features;
    x = g_new (float, (gsize) atl_token_set_get_size (works) * (rc.n_features + rc.n_embed));
    if (!atl_learner_rows (learner, works, x, error))
      return FALSE;
    row->rm_accuracy = grouped_accuracy (&rc, x, (int) atl_token_set_get_size (works),
                                         (AtlRewardPair *) pairs->data,
                                         (int *) pair_round->data, (int) pairs->len, &rng);
  }

  if (method == ATL_LEARNER_RLOO && c->opt->methods != NULL
      && !strstr (c->opt->methods, "best-of-8"))
    return TRUE;
  if (method == ATL_LEARNER_RLOO)
    {
      /* Best-of-8 by this run's reward model, over base samples. */
      AtlBenchLoopRow *bo = new_row (c, "best-of-8");
      AtlTunerConfig tc = lc.tuner;
      AtlTuner *tuner = NULL;
      int N = c->opt->eval_pairs, L = c->codec->max_len;
      g_autofree int *toks = g_new0 (int, (gsize) N * L), *lens = g_new (int, N);
      g_autoptr(AtlTokenSet) eval = atl_token_set_new ();
      AtlMsg msg = { { 0 } };
      AtlStatus status;

      g_ptr_array_add (rows, bo);
      tc.grammar = atl_learner_grammar_cb;
      tc.grammar_user = (void *) c->codec;
      status = atl_tuner_new (&tc, c->base, c->base, &tuner, &msg);
      if (status == ATL_OK)
        status = atl_tuner_best_of_n (tuner, 8, N, atl_learner_reward_cb, learner, &rng, toks,
                                      lens, &msg);
      atl_tuner_free (tuner);
      if (status != ATL_OK)
        return atl_set_engine_error (error, status, &msg);
      for (int i = 0; i < N; i++)
        atl_token_set_add (eval, toks + (gsize) i * L, (guint) lens[i]);
      if (!judge (c, eval, bo, error))
        return FALSE;
      bo->win_rate_3 = bo->kl = bo->grid_taste = NAN;
      bo->rm_accuracy = row->rm_accuracy;
      bo->rm_true = row->rm_true;
      if (!true_accuracy (c, learner, eval, &bo->rm_tuned, error))
        return FALSE;
    }
  return TRUE;
}

/* The oracle's reward: the taste itself, in base-σ units (what the reward model
 * approximates). user is the Ctx. */
static AtlStatus
oracle_reward_cb (void        *user,
                  int          B,
                  const int   *tokens,
                  int          stride,
                  const int   *lens,
                  const float *embed,
                  float       *out_reward,
                  AtlMsg      *msg)
{
  const Ctx *c = user;

  for (int b = 0; b < B; b++)
    {
      AtlStatus status = atl_taste_utility (c->codec, c->taste, tokens + (gsize) b * stride,
                                            lens[b], &out_reward[b], msg);

      if (status != ATL_OK)
        return status;
      out_reward[b] = (out_reward[b] - c->u_mean) / c->u_std;
    }
  return ATL_OK;
}

/* RLOO with the true taste as its reward, the same steps and KL controller as a learning
 * session: how far the tuner gets with a perfect reward model. A gap to rloo is the reward
 * model's; a low win rate here is the tuner's. */
static gboolean
run_oracle (const Ctx  *c,
            guint64     seed,
            GPtrArray  *rows,
            GError    **error)
{
  g_autoptr(AtlPolicy) policy = copy_policy (c->base);
  AtlBenchLoopRow *row = new_row (c, "oracle");
  AtlLearnerConfig lc;
  AtlTuner *tuner = NULL;
  AtlMsg msg = { { 0 } };
  AtlStatus status;
  AtlRng rng;
  float beta;

  g_ptr_array_add (rows, row);
  atl_learner_config_init (&lc, c->codec);
  apply_options (c->opt, &lc);
  beta = lc.tuner.beta;
  lc.tuner.probe_every = 0;
  atl_rng_seed (&rng, seed ^ 0x0c1e);
  for (int r = 1; r <= c->opt->rounds; r++)
    {
      AtlTunerStepReport rep = { 0 };
      int stop = 0;

      lc.tuner.beta = beta;
      status = atl_tuner_new (&lc.tuner, policy, c->base, &tuner, &msg);
      for (int s = 0; status == ATL_OK && s < lc.steps && !stop; s++)
        {
          status = atl_tuner_rloo_step (tuner, oracle_reward_cb, (void *) c, &rng, &rep, &msg);
          stop = rep.stop;
        }
      if (status == ATL_OK && !stop)
        status = atl_tuner_finish (tuner, &rng, &rep, &msg);
      beta = tuner != NULL ? atl_tuner_get_beta (tuner) : beta;
      g_clear_pointer (&tuner, atl_tuner_free);
      atl_policy_release_acts (policy);
      if (status != ATL_OK)
        return atl_set_engine_error (error, status, &msg);
      if (!evaluate_policy (c, policy, seed, r, NULL, row, error))
        return FALSE;
    }
  return TRUE;
}

/* Grows n works from favourites: each keeps a random head of a parent and re-samples the
 * rest from the base. */
static gboolean
mutate (const Ctx   *c,
        AtlTokenSet *works,
        const int   *parents,
        int          n_parents,
        int          n,
        guint64      seed,
        AtlRng      *rng,
        AtlTokenSet *out,
        GError     **error)
{
  for (int i = 0; i < n; i++)
    {
      guint len;
      const int *p = atl_token_set_get (works, (guint) parents[atl_rng_below (rng, (guint32) n_parents)], &len);
      int lo = c->codec->prefix_len + 2, hi = (int) len - 1;
      int cut = hi > lo ? lo + (int) atl_rng_below (rng, (guint32) (hi - lo)) : lo;

      if (!draw (c->base, c->codec, p, MIN (cut, (int) len - 1), 1, seed + (guint64) i, out,
                 error))
        return FALSE;
    }
  return TRUE;
}

static gboolean
run_mutation (const Ctx  *c,
              guint64     seed,
              GPtrArray  *rows,
              GError    **error)
{
  g_autoptr(AtlTokenSet) works = atl_token_set_new ();
  g_autoptr(GArray) pairs = g_array_new (FALSE, FALSE, sizeof (AtlRewardPair));
  g_autoptr(GArray) favs = g_array_new (FALSE, FALSE, sizeof (int));
  AtlBenchLoopRow *row = new_row (c, "mutation");
  AtlRng rng;
  double grid_taste = 0.0;

  g_ptr_array_add (rows, row);
  atl_rng_seed (&rng, seed ^ 0xb0b);
  for (int r = 1; r <= c->opt->rounds; r++)
    {
      g_autoptr(AtlTokenSet) grid = atl_token_set_new ();
      guint recent = favs->len;
      gboolean ok;

      if (r == 1)
        ok = draw (c->base, c->codec, NULL, 0, c->opt->grid, seed * 7919 + 1000, grid, error);
      else
        ok = mutate (c, works, (int *) favs->data + MAX ((int) recent - 2, 0),
                     MIN ((int) recent, 2), c->opt->grid, seed * 7919 + (guint64) r * 1000,
                     &rng, grid, error);
      if (!ok || !pick (c, grid, &rng, works, pairs, favs, error))
        return FALSE;
      if (r > 1)
        {
          double pct;

          if (!taste_percentile (c, grid, &pct, error))
            return FALSE;
          grid_taste += pct / (c->opt->rounds - 1);
        }
      if (r == 3 || r == c->opt->rounds)
        {
          g_autoptr(AtlTokenSet) eval = atl_token_set_new ();
          int n_par = MIN ((int) favs->len, 4);
          AtlBenchLoopRow tmp = { 0 };

          if (!mutate (c, works, (int *) favs->data + favs->len - n_par, n_par,
                       c->opt->eval_pairs, seed * 31 + 77777, &rng, eval, error)
              || !judge (c, eval, &tmp, error))
            return FALSE;
          if (r == 3)
            row->win_rate_3 = tmp.win_rate;
          if (r == c->opt->rounds)
            {
              tmp.win_rate_3 = row->win_rate_3;
              tmp.kl = tmp.rm_accuracy = tmp.rm_true = tmp.rm_tuned = NAN;
              tmp.grid_taste = grid_taste;
              tmp.taste = row->taste;
              tmp.method = row->method;
              *row = tmp;
            }
        }
    }
  return TRUE;
}

static gboolean
wants (const AtlBenchLoopOptions *o,
       const char                *method)
{
  g_auto(GStrv) list = NULL;

  if (o->methods == NULL)
    return TRUE;
  list = g_strsplit (o->methods, ",", -1);
  return g_strv_contains ((const char * const *) list, method);
}

static gboolean
run_taste (Ctx        *c,
           guint64     seed,
           GPtrArray  *rows,
           RoundTimes *times,
           GError    **error)
{
  int N = c->opt->eval_pairs;
  double sum = 0.0, sum2 = 0.0, ik, rp;

  g_clear_pointer (&c->base_eval, atl_token_set_free);
  c->base_eval = atl_token_set_new ();
  c->u_base = g_renew (float, c->u_base, N);
  c->std_base = g_renew (float, c->std_base, c->codec->n_features);
  if (!draw (c->base, c->codec, NULL, 0, N, seed * 104729 + 5, c->base_eval, error)
      || !utilities (c, c->base_eval, c->u_base, error))
    return FALSE;
  spread_of (c, c->base_eval, c->std_base, &c->distinct_base, &ik, &rp);
  for (int i = 0; i < N; i++)
    {
      sum += c->u_base[i] / N;
      sum2 += (double) c->u_base[i] * c->u_base[i] / N;
    }
  c->u_mean = (float) sum;
  c->u_std = (float) sqrt (MAX (sum2 - sum * sum, 1e-12));
  c->tau = c->opt->noise * c->u_std;

  if (wants (c->opt, "none"))
    {
      g_autoptr(AtlTokenSet) other = atl_token_set_new ();
      AtlBenchLoopRow *row = new_row (c, "none");

      g_ptr_array_add (rows, row);
      if (!draw (c->base, c->codec, NULL, 0, N, seed * 31 + 77777, other, error)
          || !judge (c, other, row, error))
        return FALSE;
      row->kl = 0.0;
      row->win_rate_3 = row->rm_accuracy = row->rm_true = row->rm_tuned = row->grid_taste = NAN;
    }
  if ((wants (c->opt, "rloo") || wants (c->opt, "best-of-8"))
      && !run_learning (c, ATL_LEARNER_RLOO, seed, rows, times, error))
    return FALSE;
  if (wants (c->opt, "dpo")
      && !run_learning (c, ATL_LEARNER_DPO, seed, rows, NULL, error))
    return FALSE;
  if (wants (c->opt, "mutation") && !run_mutation (c, seed, rows, error))
    return FALSE;
  if (c->opt->methods != NULL && wants (c->opt, "oracle") && !run_oracle (c, seed, rows, error))
    return FALSE;
  return TRUE;
}

/* Adds src's numbers into the accumulated row of the same taste and method. */
static void
accumulate (GPtrArray             *acc,
            const AtlBenchLoopRow *src)
{
  AtlBenchLoopRow *dst = NULL;

  for (guint i = 0; i < acc->len && dst == NULL; i++)
    {
      AtlBenchLoopRow *r = acc->pdata[i];

      if (g_str_equal (r->taste, src->taste) && g_str_equal (r->method, src->method))
        dst = r;
    }
  if (dst == NULL)
    {
      dst = g_new0 (AtlBenchLoopRow, 1);
      dst->taste = g_strdup (src->taste);
      dst->method = g_strdup (src->method);
      g_ptr_array_add (acc, dst);
    }
  dst->win_rate += src->win_rate;
  dst->win_rate_3 += src->win_rate_3;
  dst->kl += src->kl;
  dst->diversity += src->diversity;
  dst->distinct += src->distinct;
  dst->rm_accuracy += src->rm_accuracy;
  dst->rm_true += src->rm_true;
  dst->rm_tuned += src->rm_tuned;
  dst->grid_taste += src->grid_taste;
  dst->in_key += src->in_key;
  dst->repeats += src->repeats;
  dst->n_seeds++;
}

gboolean
atl_bench_loop_run (const AtlBenchLoopOptions  *o,
                    AtlBenchLoopResult         *result,
                    GError                    **error)
{
  gint64 started = g_get_monotonic_time ();
  const AtlCodec *codec = atl_domain_get_codec (o->domain);
  g_autofree char *path = NULL;
  g_autoptr(AtlPolicy) base = NULL;
  Ctx c = { .opt = o, .codec = codec };
  RoundTimes times = { 0 };
  gboolean ok = TRUE;

  memset (result, 0, sizeof *result);
  result->domain = o->domain;
  result->rows = g_ptr_array_new_with_free_func (row_free);
  result->seeds = o->seeds;
  result->rounds = o->rounds;
  result->steps = o->steps;
  result->grid = o->grid;
  if (o->no_pool)
    g_strlcpy (result->pool, "of the first samples (no pool)", sizeof result->pool);
  else
    g_snprintf (result->pool, sizeof result->pool, "from a %d× pool, exploration %.2f",
                ATL_EXPLORE_POOL, o->exploration);
  if (o->rounds < 3 || o->grid < 3 || o->grid > 64 || o->eval_pairs < 10 || o->seeds < 1
      || o->steps < 0 || !(o->exploration >= 0 && o->exploration <= 1))
    {
      g_set_error (error, ATL_CLI_ERROR, ATL_CLI_ERROR_USAGE,
                   "bench loop: --rounds ≥ 3, --grid 3 … 64, --pairs ≥ 10, --seeds ≥ 1, "
                   "--exploration 0 … 1");
      return FALSE;
    }
  atl_nn_set_threads (o->threads);
  path = o->model_path ? g_strdup (o->model_path) : atl_base_model_path (o->domain, error);
  if (path == NULL)
    return FALSE;
  base = atl_model_load (path, NULL, codec, error);
  if (base == NULL)
    return FALSE;
  c.base = base;

  for (int t = 0; t < ATL_TASTE_PER_DOMAIN && ok; t++)
    {
      const char *name = atl_taste_name (codec, t);
      g_auto(GStrv) list = o->tastes ? g_strsplit (o->tastes, ",", -1) : NULL;

      if (list != NULL && !g_strv_contains ((const char * const *) list, name))
        continue;
      c.taste = t;
      for (int s = 0; s < o->seeds && ok; s++)
        {
          g_autoptr(GPtrArray) rows = g_ptr_array_new_with_free_func (row_free);

          ok = run_taste (&c, (guint64) (s + 1) * 1000 + (guint64) t, rows, &times, error);
          for (guint i = 0; ok && i < rows->len; i++)
            accumulate (result->rows, rows->pdata[i]);
          if (o->verbose && ok)
            g_printerr ("%s seed %d done (%.0f s)\n", name, s + 1,
                        (g_get_monotonic_time () - started) / 1e6);
        }
    }
  if (o->tastes != NULL && result->rows->len == 0 && ok)
    {
      g_set_error (error, ATL_CLI_ERROR, ATL_CLI_ERROR_USAGE,
                   "bench loop: no taste “%s” in the %s domain", o->tastes, codec->name);
      ok = FALSE;
    }
  for (guint i = 0; i < result->rows->len; i++)
    {
      AtlBenchLoopRow *r = result->rows->pdata[i];
      double n = MAX (r->n_seeds, 1);

      r->win_rate /= n;
      r->win_rate_3 /= n;
      r->kl /= n;
      r->diversity /= n;
      r->distinct /= n;
      r->rm_accuracy /= n;
      r->rm_true /= n;
      r->rm_tuned /= n;
      r->grid_taste /= n;
      r->in_key /= n;
      r->repeats /= n;
      if (g_str_equal (r->method, "none"))
        {
          result->base_in_key = r->in_key;
          result->base_repeats = r->repeats;
        }
    }
  result->round_seconds = times.n ? times.wall / times.n : NAN;
  result->round_cpu_seconds = times.n ? times.cpu / times.n : NAN;
  result->rounds_timed = times.n;
  result->seconds = (g_get_monotonic_time () - started) / (double) G_USEC_PER_SEC;
  g_free (c.u_base);
  g_free (c.std_base);
  g_clear_pointer (&c.base_eval, atl_token_set_free);
  return ok;
}
