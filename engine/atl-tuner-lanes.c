/* atl-tuner-lanes.c: the tuner's teacher-forced forwards, in lanes.
 *
 * A batch's rows are ordered and cut into micro-batches of about a token budget, which the
 * lanes run at once (atl-parallel.h), lane i ≥ 1 on its own replica of the model. With KL
 * in the loss every micro-batch is independent: the whole batch is planned at once, each
 * lane working through its share without waiting for the other. With KL in the reward a
 * group's forward must finish before its backward, and each micro-batch's rows are split
 * between the lanes instead. The plans depend only on the rows, never on the thread
 * count, and the replicas' gradients are added in lane order, so a result is the same on
 * one thread as on two.
 *
 * Dimension legend: B rows of a batch, T positions, L max_len, C d_model, V vocab.
 */
#include "atl-tuner-private.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "atl-parallel.h"

static void
batch_free (AtlTunerBatch *b)
{
  free (b->inp);
  free (b->tgt);
  free (b->mask);
  free (b->emask);
  free (b->logp);
}

AtlStatus
_atl_tuner_lanes_new (AtlTuner *t,
                      AtlMsg   *msg)
{
  const AtlPolicyConfig *pc = atl_policy_get_config (t->policy);
  size_t cells = (size_t) t->cap * t->L;

  for (int i = 0; i < ATL_TUNER_LANES; i++)
    {
      AtlTunerLane *ln = &t->lanes[i];

      ln->micro = (AtlTunerBatch) {
        .cap = t->cap,
        .inp = calloc (cells, sizeof (int)),
        .tgt = calloc (cells, sizeof (int)),
        .mask = calloc (cells, sizeof (float)),
        .emask = calloc (cells, sizeof (float)),
        .logp = calloc (cells, sizeof (float)),
      };
      ln->slogp = calloc (cells, sizeof (float));
      ln->dlogp = calloc (cells, sizeof (float));
      ln->w = calloc (t->cap, sizeof (float));
      ln->pooled = calloc ((size_t) t->cap * t->C, sizeof (float));
      ln->unit_first = calloc (t->cap, sizeof (int));
      ln->unit_n = calloc (t->cap, sizeof (int));
      if (ln->micro.inp == NULL || ln->micro.tgt == NULL || ln->micro.mask == NULL
          || ln->micro.emask == NULL || ln->micro.logp == NULL || ln->slogp == NULL
          || ln->dlogp == NULL || ln->w == NULL || ln->pooled == NULL
          || ln->unit_first == NULL || ln->unit_n == NULL)
        return atl_fail (msg, ATL_ERR_NOMEM, "cannot allocate the tuner's lanes");
      if (i == 0)
        continue;
      if (atl_policy_new (pc, &ln->policy_rep, msg) != ATL_OK
          || atl_policy_new (pc, &ln->base_rep, msg) != ATL_OK)
        return ATL_ERR_NOMEM;
    }
  return ATL_OK;
}

void
_atl_tuner_lanes_free (AtlTuner *t)
{
  for (int i = 0; i < ATL_TUNER_LANES; i++)
    {
      AtlTunerLane *ln = &t->lanes[i];

      batch_free (&ln->micro);
      free (ln->slogp);
      free (ln->dlogp);
      free (ln->w);
      free (ln->pooled);
      free (ln->unit_first);
      free (ln->unit_n);
      atl_policy_free (ln->policy_rep);
      atl_policy_free (ln->base_rep);
    }
}

void
_atl_tuner_lanes_use (AtlTuner  *t,
                      AtlPolicy *model,
                      int        grads)
{
  size_t n_params = atl_policy_get_n_params (model);

  for (int i = 0; i < ATL_TUNER_LANES; i++)
    {
      AtlTunerLane *ln = &t->lanes[i];

      /* The base is frozen, but copying 3 MB per batch costs less than trusting that. */
      ln->model = i == 0 ? model : model == t->base ? ln->base_rep : ln->policy_rep;
      if (i > 0)
        memcpy (atl_policy_get_params (ln->model), atl_policy_get_params (model),
                n_params * sizeof (float));
      if (grads)
        atl_policy_zero_grads (ln->model);
      ln->ent_sum = ln->ent_count = 0.0;
      ln->n = 0;
    }
}

void
_atl_tuner_lanes_reduce (AtlTuner *t)
{
  size_t n_params = atl_policy_get_n_params (t->policy);
  float *g = atl_policy_get_grads (t->policy);

  for (int i = 1; i < ATL_TUNER_LANES; i++)
    {
      const float *gi = atl_policy_get_grads (t->lanes[i].policy_rep);

      for (size_t j = 0; j < n_params; j++)
        g[j] += gi[j];
    }
}

void
_atl_tuner_order_rows (AtlTuner *t,
                       int       B)
{
  /* Rows of like length share a micro-batch and pad little, unless whole groups must. */
  int by_length = t->config.kl_in_loss;

  for (int i = 0; i < B; i++)
    {
      int b = i, j = i;

      /* Insertion sort: B is a few dozen rows. */
      for (; by_length && j > 0 && t->lens[t->order[j - 1]] > t->lens[b]; j--)
        t->order[j] = t->order[j - 1];
      t->order[j] = b;
    }
}

int
_atl_tuner_micro_cut (const AtlTuner *t,
                      int             first,
                      int             B)
{
  const AtlTunerConfig *c = &t->config;
  int tokens = c->micro_tokens > 0 ? c->micro_tokens : ATL_TUNER_MICRO_TOKENS;
  int group = c->k;
  int n = 0, T = 1;

  while (first + n < B)
    {
      int T2 = T, end = first + n + group < B ? first + n + group : B;

      for (int i = first + n; i < end; i++)
        T2 = t->lens[t->order[i]] - 1 > T2 ? t->lens[t->order[i]] - 1 : T2;
      if (n > 0 && (size_t) (end - first) * T2 > (size_t) tokens)
        break;
      T = T2;
      n = end - first;
    }
  return n;
}

/* The longest row's inputs among order[from … to − 1]. */
static int
longest (const AtlTuner *t,
         int             from,
         int             to)
{
  int T = 1;

  for (int i = from; i < to; i++)
    T = t->lens[t->order[i]] - 1 > T ? t->lens[t->order[i]] - 1 : T;
  return T;
}

/* Lays the lane's rows out in its micro-batch, (n, T) with T their longest row's inputs. */
static void
lane_fill (AtlTuner     *t,
           AtlTunerLane *ln)
{
  const AtlTunerBatch *bt = &t->batch;
  AtlTunerBatch *mb = &ln->micro;
  int T = longest (t, ln->first, ln->first + ln->n);

  mb->T = T;
  for (int r = 0; r < ln->n; r++)
    {
      size_t from = (size_t) t->order[ln->first + r] * bt->T, to = (size_t) r * T;

      memcpy (mb->inp + to, bt->inp + from, T * sizeof (int));
      memcpy (mb->tgt + to, bt->tgt + from, T * sizeof (int));
      memcpy (mb->mask + to, bt->mask + from, T * sizeof (float));
      memcpy (mb->emask + to, bt->emask + from, T * sizeof (float));
    }
}

void
_atl_tuner_lanes_split (AtlTuner *t,
                        int       first,
                        int       n)
{
  /* Two lanes: the cut h that makes the larger of the two padded blocks smallest; the
   * rows are in length order where their order is free. */
  size_t best = (size_t) -1;
  int h = n;

  _Static_assert (ATL_TUNER_LANES == 2, "the split below is for two lanes");
  for (int c = 1; c <= n; c++)
    {
      size_t a = (size_t) c * longest (t, first, first + c);
      size_t b = (size_t) (n - c) * longest (t, first + c, first + n);
      size_t m = a > b ? a : b;

      if (m < best)
        {
          best = m;
          h = c;
        }
    }
  t->lanes[0].first = first;
  t->lanes[0].n = h;
  t->lanes[1].first = first + h;
  t->lanes[1].n = n - h;
  for (int i = 0; i < ATL_TUNER_LANES; i++)
    if (t->lanes[i].n > 0)
      lane_fill (t, &t->lanes[i]);
}

/* A planned micro-batch's work, in padded positions: attention adds T² (against the
 * linear layers' ~12·d_model per position: 1,536 for the shipped models), and each
 * forward and backward a fixed cost of small steps. */
enum { UNIT_ATTENTION = 1536, UNIT_FIXED = 16, UNIT_MAX = 1024, DEAL_EXACT = 12 };

static double
unit_cost (int n,
           int T)
{
  return (double) n * T * (1.0 + (double) T / UNIT_ATTENTION) + UNIT_FIXED;
}

/* Deals m units of the given costs to the two lanes: exactly (the split with the smallest
 * larger share, the first of equals) up to DEAL_EXACT units, else largest first to the
 * lighter lane. lane_of (m) gets 0 or 1; returns the larger share. */
static double
deal (const double *cost,
      int           m,
      int          *lane_of)
{
  double load[2] = { 0.0, 0.0 };

  if (m <= DEAL_EXACT)
    {
      double best = HUGE_VAL;
      unsigned best_mask = 0;

      /* Bit u of mask: unit u goes to lane 1; unit m − 1 stays in lane 0 (symmetry). */
      for (unsigned mask = 0; mask < 1u << (m > 0 ? m - 1 : 0); mask++)
        {
          load[0] = load[1] = 0.0;
          for (int u = 0; u < m; u++)
            load[(mask >> u) & 1u] += cost[u];
          if (fmax (load[0], load[1]) < best)
            {
              best = fmax (load[0], load[1]);
              best_mask = mask;
            }
        }
      for (int u = 0; u < m; u++)
        lane_of[u] = (int) ((best_mask >> u) & 1u);
      return best;
    }
  for (int u = 0; u < m; u++)
    lane_of[u] = -1;
  for (int k = 0; k < m; k++)
    {
      int big = -1;

      for (int u = 0; u < m; u++)
        if (lane_of[u] < 0 && (big < 0 || cost[u] > cost[big]))
          big = u;
      lane_of[big] = load[1] < load[0];
      load[lane_of[big]] += cost[big];
    }
  return fmax (load[0], load[1]);
}

/* Cuts rows order[0 … B − 1] into units of whole groups of consecutive rows, each of at
 * most cap padded positions unless it is one group, with the least work (dynamic
 * programme: best[j] for rows 0 … j − 1; groups are by length, so going back from j the
 * longest row only grows). first (m) gets the units' first rows, cost (m) their work;
 * returns m. */
static int
cut_units (const AtlTuner *t,
           int             B,
           int             group,
           int             cap,
           int            *first,
           double         *cost)
{
  double best[UNIT_MAX + 1];
  int from[UNIT_MAX + 1], m = 0;

  best[0] = 0.0;
  for (int j = group; j <= B; j += group)
    {
      int T = 1;

      best[j] = HUGE_VAL;
      from[j] = j - group;
      for (int i = j - 1; i >= 0; i--)
        {
          double w;

          T = t->lens[t->order[i]] - 1 > T ? t->lens[t->order[i]] - 1 : T;
          if (i % group != 0)
            continue;
          if (i < j - group && (j - i) * T > cap)
            break;
          w = best[i] + unit_cost (j - i, T);
          if (w < best[j])
            {
              best[j] = w;
              from[j] = i;
            }
        }
    }
  for (int j = B; j > 0; j = from[j])
    first[m++] = from[j];
  for (int u = 0; u < m / 2; u++)
    {
      int s = first[u];

      first[u] = first[m - 1 - u];
      first[m - 1 - u] = s;
    }
  for (int u = 0; u < m; u++)
    {
      int end = u + 1 < m ? first[u + 1] : B;

      cost[u] = unit_cost (end - first[u], longest (t, first[u], end));
    }
  return m;
}

void
_atl_tuner_lanes_plan (AtlTuner *t,
                       int       B,
                       int       group)
{
  const AtlTunerConfig *c = &t->config;
  int budget = (c->micro_tokens > 0 ? c->micro_tokens : ATL_TUNER_MICRO_TOKENS) / ATL_TUNER_LANES;
  int first[UNIT_MAX], lane_of[UNIT_MAX], best_first[UNIT_MAX], best_lane[UNIT_MAX];
  int best_m = 0, total = 0;
  double cost[UNIT_MAX], best = HUGE_VAL;

  _Static_assert (ATL_TUNER_LANES == 2, "the deal is for two lanes");
  /* B ≤ P·k ≤ 1,024 = UNIT_MAX: a pass plans an RLOO batch (atl_tuner_new checks). */
  for (int b = 0; b < B; b++)
    total += t->lens[b] - 1;
  /* The fewest units pad least but may not deal evenly (16 like rows in units of five:
   * ten rows against six): smaller units are tried too, and the plan whose busier lane
   * has least to do wins. */
  for (int per_lane = 0; per_lane <= 4; per_lane++)
    {
      /* per_lane 0: the budget alone; else units of a lane's share over per_lane. */
      int share = (total + 2 * per_lane - 1) / (2 * (per_lane > 0 ? per_lane : 1));
      int cap = per_lane > 0 && share < budget ? share : budget;
      int m = cut_units (t, B, group, cap > 1 ? cap : 1, first, cost);
      double load = deal (cost, m, lane_of);

      if (load < best)
        {
          best = load;
          best_m = m;
          memcpy (best_first, first, m * sizeof (int));
          memcpy (best_lane, lane_of, m * sizeof (int));
        }
    }
  for (int i = 0; i < ATL_TUNER_LANES; i++)
    t->lanes[i].n_units = 0;
  for (int u = 0; u < best_m; u++)
    {
      AtlTunerLane *ln = &t->lanes[best_lane[u]];

      ln->unit_first[ln->n_units] = best_first[u];
      ln->unit_n[ln->n_units++] = (u + 1 < best_m ? best_first[u + 1] : B) - best_first[u];
    }
}

typedef struct
{
  AtlTuner        *t;
  AtlParallelFunc  func;
  void            *user;
} RunJob;

static void
run_lane (void *user,
          int   lane)
{
  RunJob *job = user;
  AtlTunerLane *ln = &job->t->lanes[lane];

  ln->status = ATL_OK;
  ln->n = 0;
  for (int u = 0; u < ln->n_units && ln->status == ATL_OK; u++)
    {
      ln->first = ln->unit_first[u];
      ln->n = ln->unit_n[u];
      lane_fill (job->t, ln);
      job->func (job->user, lane);
    }
}

AtlStatus
_atl_tuner_lanes_run (AtlTuner        *t,
                      AtlParallelFunc  func,
                      void            *user,
                      AtlMsg          *msg)
{
  RunJob job = { .t = t, .func = func, .user = user };

  atl_parallel_run (ATL_TUNER_LANES, run_lane, &job);
  return _atl_tuner_lanes_status (t, msg);
}

/* Positions 0 … n − 1 of one row: z (n, V) its logits, a (n, V) the grammar's masks,
 * logp (n) its log-probabilities. */
static void
renormalize_row (const float         *z,
                 const unsigned char *a,
                 int                  n,
                 int                  V,
                 float               *logp)
{
  for (int s = 0; s < n; s++, z += V, a += V)
    {
      double mx = z[0], all = 0.0, ok = 0.0;

      for (int v = 1; v < V; v++)
        mx = z[v] > mx ? z[v] : mx;
      for (int v = 0; v < V; v++)
        {
          double e = exp (z[v] - mx);

          all += e;
          ok += a[v] ? e : 0.0;
        }
      /* log π_masked = log π − log(allowed mass). */
      logp[s] -= (float) log (fmax (ok / all, 1e-30));
    }
}

void
_atl_tuner_lane_renormalize (AtlTuner     *t,
                             AtlTunerLane *ln,
                             float        *logp)
{
  const float *logits = atl_policy_get_logits (ln->model);
  int V = atl_policy_get_config (ln->model)->vocab, T = ln->micro.T;

  if (t->config.grammar == NULL)
    return;
  for (int r = 0; r < ln->n; r++)
    {
      int b = t->order[ln->first + r];

      renormalize_row (logits + (size_t) r * T * V, t->allowed + (size_t) b * t->batch.T * V,
                       t->lens[b] - 1, V, logp + (size_t) r * T);
    }
}

AtlStatus
_atl_tuner_lanes_status (AtlTuner *t,
                         AtlMsg   *msg)
{
  for (int i = 0; i < ATL_TUNER_LANES; i++)
    if (t->lanes[i].n > 0 && t->lanes[i].status != ATL_OK)
      {
        if (msg != NULL)
          *msg = t->lanes[i].msg;
        return t->lanes[i].status;
      }
  return ATL_OK;
}

typedef struct
{
  AtlTuner *t;
  float    *logp;
  float    *embed;
  double   *kl;
  int       base;   /* the model is the base: keep its distributions (kl_exact) */
} FrozenJob;

static void
frozen_lane (void *user,
             int   lane)
{
  FrozenJob *job = user;
  AtlTuner *t = job->t;
  AtlTunerLane *ln = &t->lanes[lane];
  AtlTunerBatch *mb = &ln->micro;
  int T = t->batch.T, C = t->C;

  ln->status = ATL_OK;
  if (ln->n == 0)
    return;
  ln->status = atl_policy_forward_frozen (ln->model, mb->inp, mb->tgt, NULL, ln->n, mb->T,
                                          NULL, mb->logp, &ln->msg);
  if (ln->status == ATL_OK && job->embed != NULL)
    ln->status = atl_policy_pool (ln->model, mb->emask, ln->pooled, &ln->msg);
  if (ln->status != ATL_OK)
    return;
  if (t->base_lsm != NULL && job->base)
    _atl_tuner_kl_store_base (t, ln);
  for (int r = 0; r < ln->n && job->kl != NULL; r++)
    job->kl[t->order[ln->first + r]] = _atl_tuner_kl_row (t, ln, r, 0.0f);
  _atl_tuner_lane_renormalize (t, ln, mb->logp);
  for (int r = 0; r < ln->n; r++)
    {
      int b = t->order[ln->first + r];
      float *row = job->logp + (size_t) b * T;

      memcpy (row, mb->logp + (size_t) r * mb->T, mb->T * sizeof (float));
      memset (row + mb->T, 0, (size_t) (T - mb->T) * sizeof (float));
      if (job->embed != NULL)
        memcpy (job->embed + (size_t) b * C, ln->pooled + (size_t) r * C, C * sizeof (float));
    }
}

AtlStatus
_atl_tuner_frozen (AtlTuner  *t,
                   AtlPolicy *model,
                   int        B,
                   float     *logp,
                   float     *embed,
                   double    *kl,
                   AtlMsg    *msg)
{
  FrozenJob job = { .t = t, .logp = logp, .embed = embed, .kl = t->base_lsm ? kl : NULL,
                   .base = model == t->base };
  AtlStatus status = ATL_OK;

  _atl_tuner_lanes_use (t, model, 0);
  /* Cut as the policy's pass cuts: the same rows in the same lanes give the same sums to
   * the bit (an sgemm's rounding depends on its shape), so a policy measured against an
   * identical base has a KL of exactly 0. */
  _atl_tuner_order_rows (t, B);
  if (t->config.kl_in_loss)
    {
      _atl_tuner_lanes_plan (t, B, 1);
      return _atl_tuner_lanes_run (t, frozen_lane, &job, msg);
    }
  /* first indexes order. */
  for (int first = 0, n; first < B && status == ATL_OK; first += n)
    {
      n = _atl_tuner_micro_cut (t, first, B);
      _atl_tuner_lanes_split (t, first, n);
      atl_parallel_run (ATL_TUNER_LANES, frozen_lane, &job);
      status = _atl_tuner_lanes_status (t, msg);
    }
  return status;
}
