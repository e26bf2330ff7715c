/* atl-reward.c: the Bradley–Terry reward ensemble — fit, predict, cross-validation,
 * attributions and the parameter table (see atl-reward.h; the heads are in
 * atl-reward-head.c, the optimiser in atl-lbfgs.c).
 *
 * Dimension legend: N works, M works to score, D = F + E columns, P pairs, NH heads,
 * HID hidden units, S = the size of one head's parameter vector.
 */
#include "atl-reward.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "atl-lbfgs.h"
#include "atl-reward-private.h"

#define MAX_HEADS   64
#define MAX_DIM     (1 << 20)
#define MAX_HIDDEN  4096
#define CHUNK       256   /* rows scored at a time by predict */

struct _AtlReward
{
  AtlRewardConfig  cfg;
  int              dim;          /* D */
  size_t           head_size;    /* S */
  size_t           n_params;
  float           *params;       /* (n_params): mean, std, offset, attribution, heads */
  float           *mean;         /* (D) view */
  float           *std;          /* (D) view */
  float           *offset;       /* (NH) view: each head's mean score on its training works */
  float           *attribution;  /* (D) view */
  float           *heads;        /* (NH, S) view */
  AtlRewardTensor *tensors;
  int              n_tensors;
  int              fitted;
};

void
atl_reward_config_init (AtlRewardConfig *config,
                        int              n_features,
                        int              n_embed)
{
  memset (config, 0, sizeof *config);
  config->n_features = n_features;
  config->n_embed = n_embed;
  config->n_heads = 5;
  config->head = ATL_REWARD_HEAD_LINEAR;
  config->hidden = 32;
  config->act = ATL_REWARD_ACT_TANH;
  config->l2 = 0.1f;
  config->std_floor = 1e-3f;
  config->embed_scale = 1.0f;
  config->bootstrap = 1;
  config->max_iter = 300;
  config->grad_tol = 1e-4f;
}

static AtlStatus
check_config (const AtlRewardConfig *c,
              AtlMsg                *msg)
{
  if (c->n_features < 0 || c->n_embed < 0 || c->n_features + c->n_embed < 1
      || c->n_features + c->n_embed > MAX_DIM)
    return atl_fail (msg, ATL_ERR_RANGE, "reward model: %d features + %d embedding dims "
                     "must be between 1 and %d", c->n_features, c->n_embed, MAX_DIM);
  if (c->n_heads < 1 || c->n_heads > MAX_HEADS)
    return atl_fail (msg, ATL_ERR_RANGE, "reward model: %d heads, need 1 to %d",
                     c->n_heads, MAX_HEADS);
  if (c->head != ATL_REWARD_HEAD_LINEAR && c->head != ATL_REWARD_HEAD_MLP)
    return atl_fail (msg, ATL_ERR_INVALID, "reward model: unknown head kind %d", (int) c->head);
  if (c->head == ATL_REWARD_HEAD_MLP
      && (c->hidden < 1 || c->hidden > MAX_HIDDEN
          || (c->act != ATL_REWARD_ACT_TANH && c->act != ATL_REWARD_ACT_GELU)))
    return atl_fail (msg, ATL_ERR_INVALID, "reward model: MLP heads need 1 to %d hidden units "
                     "and a known activation (got %d, %d)", MAX_HIDDEN, c->hidden, (int) c->act);
  if (!isfinite (c->l2) || c->l2 < 0.0f)
    return atl_fail (msg, ATL_ERR_INVALID, "reward model: l2 %g must be finite and >= 0", c->l2);
  if (!(c->embed_scale > 0.0f && c->embed_scale <= 1.0f))
    return atl_fail (msg, ATL_ERR_INVALID, "reward model: embed_scale %g must be in (0, 1]",
                     c->embed_scale);
  if (!isfinite (c->std_floor) || c->std_floor <= 0.0f)
    return atl_fail (msg, ATL_ERR_INVALID, "reward model: std_floor %g must be finite and > 0",
                     c->std_floor);
  if (c->max_iter < 1 || !(c->grad_tol >= 0.0f))
    return atl_fail (msg, ATL_ERR_INVALID, "reward model: max_iter %d must be >= 1 and "
                     "grad_tol %g >= 0", c->max_iter, c->grad_tol);
  return ATL_OK;
}

static void
add_tensor (AtlReward  *model,
            const char *name,
            int         rows,
            int         cols,  /* 0 for a vector */
            size_t     *offset)
{
  AtlRewardTensor *t = &model->tensors[model->n_tensors++];

  snprintf (t->name, sizeof t->name, "%s", name);
  t->ndim = cols > 0 ? 2 : 1;
  t->shape[0] = rows;
  t->shape[1] = cols > 0 ? cols : 1;
  t->offset = *offset;
  t->numel = (size_t) t->shape[0] * t->shape[1];
  *offset += t->numel;
}

AtlStatus
atl_reward_new (const AtlRewardConfig *config,
                AtlReward            **out_model,
                AtlMsg                *msg)
{
  AtlReward *model;
  AtlStatus status;
  int nh, d, hid;
  size_t off = 0;

  *out_model = NULL;
  if ((status = check_config (config, msg)) != ATL_OK)
    return status;
  nh = config->n_heads;
  d = config->n_features + config->n_embed;
  hid = config->hidden;

  model = calloc (1, sizeof *model);
  if (!model)
    return atl_fail (msg, ATL_ERR_NOMEM, "reward model: out of memory");
  model->cfg = *config;
  model->dim = d;
  model->head_size = _atl_reward_head_size (config->head, d, hid);
  model->tensors = calloc (4 + 3 * (size_t) nh, sizeof (AtlRewardTensor));
  model->n_params = 3 * (size_t) d + nh + nh * model->head_size;
  model->params = calloc (model->n_params, sizeof (float));
  if (!model->tensors || !model->params)
    {
      atl_reward_free (model);
      return atl_fail (msg, ATL_ERR_NOMEM, "reward model: out of memory for %zu parameters",
                       3 * (size_t) d + nh + nh * model->head_size);
    }

  add_tensor (model, "mean", d, 0, &off);
  add_tensor (model, "std", d, 0, &off);
  add_tensor (model, "offset", nh, 0, &off);
  add_tensor (model, "attribution", d, 0, &off);
  for (int h = 0; h < nh; h++)
    {
      char name[32];

      if (config->head == ATL_REWARD_HEAD_LINEAR)
        {
          snprintf (name, sizeof name, "head.%d.w", h);
          add_tensor (model, name, d, 0, &off);
          continue;
        }
      snprintf (name, sizeof name, "head.%d.fc.w", h);
      add_tensor (model, name, hid, d, &off);
      snprintf (name, sizeof name, "head.%d.fc.b", h);
      add_tensor (model, name, hid, 0, &off);
      snprintf (name, sizeof name, "head.%d.out.w", h);
      add_tensor (model, name, hid, 0, &off);
    }

  model->mean = model->params;
  model->std = model->mean + d;
  model->offset = model->std + d;
  model->attribution = model->offset + nh;
  model->heads = model->attribution + d;
  for (int c = 0; c < d; c++)
    model->std[c] = 1.0f;
  *out_model = model;
  return ATL_OK;
}

void
atl_reward_free (AtlReward *model)
{
  if (!model)
    return;
  free (model->params);
  free (model->tensors);
  free (model);
}

const AtlRewardConfig *
atl_reward_get_config (const AtlReward *model)
{
  return &model->cfg;
}

int
atl_reward_is_fitted (const AtlReward *model)
{
  return model->fitted;
}

/* Validates pairs and weights against n_works; returns Σω in *out_total. */
static AtlStatus
check_pairs (const AtlRewardPair *pairs,
             int                  n_pairs,
             const float         *weights,
             int                  n_works,
             double              *out_total,
             AtlMsg              *msg)
{
  double total = 0.0;

  if (n_pairs < 1 || !pairs)
    return atl_fail (msg, ATL_ERR_INVALID, "reward model: no comparisons to fit");
  if (n_works < 2)
    return atl_fail (msg, ATL_ERR_INVALID, "reward model: need at least 2 works to compare, "
                     "got %d", n_works);
  for (int p = 0; p < n_pairs; p++)
    {
      int w = pairs[p].winner, l = pairs[p].loser;

      if (w < 0 || w >= n_works || l < 0 || l >= n_works)
        return atl_fail (msg, ATL_ERR_RANGE, "reward model: comparison %d (%d over %d) "
                         "indexes outside the %d works", p, w, l, n_works);
      if (w == l)
        return atl_fail (msg, ATL_ERR_INVALID, "reward model: comparison %d compares work %d "
                         "with itself", p, w);
      if (weights && !(isfinite (weights[p]) && weights[p] >= 0.0f))
        return atl_fail (msg, ATL_ERR_INVALID, "reward model: comparison %d has weight %g; "
                         "weights must be finite and >= 0", p, weights[p]);
      total += weights ? weights[p] : 1.0;
    }
  if (!(total > 0.0))
    return atl_fail (msg, ATL_ERR_INVALID, "reward model: the comparison weights sum to 0");
  *out_total = total;
  return ATL_OK;
}

/* Everything one fit allocates, freed in one place. */
typedef struct
{
  int    *map;      /* (n_works) original row → compact row, or −1 */
  int    *rows;     /* (N) compact row → original row */
  float  *x;        /* (N, D) standardised */
  float  *params;   /* (n_params) the new fit, copied into the model on success */
  int    *count;    /* (P) bootstrap counts */
  int    *win;      /* (P) compact */
  int    *lose;     /* (P) */
  float  *coef;     /* (P) */
  int    *hwin;     /* (P) one head's pairs */
  int    *hlose;    /* (P) */
  float  *hcoef;    /* (P) */
  float  *r;        /* (N) */
  float  *gr;       /* (N) */
  float  *z;        /* (N, HID) */
  float  *a;        /* (N, HID) */
  float  *scores;   /* (NH, N) centred per head */
} FitScratch;

static void
fit_scratch_clear (FitScratch *fs)
{
  free (fs->map);
  free (fs->rows);
  free (fs->x);
  free (fs->params);
  free (fs->count);
  free (fs->win);
  free (fs->lose);
  free (fs->coef);
  free (fs->hwin);
  free (fs->hlose);
  free (fs->hcoef);
  free (fs->r);
  free (fs->gr);
  free (fs->z);
  free (fs->a);
  free (fs->scores);
}

static inline double
sigmoid (double t)
{
  return t >= 0.0 ? 1.0 / (1.0 + exp (-t)) : exp (t) / (1.0 + exp (t));
}

/* Standardises the rows the pairs mention into fs->x, storing mean and std into
 * fs->params; returns N. */
static AtlStatus
standardise (const AtlReward *model,
             const float     *works,
             int              n_works,
             FitScratch      *fs,
             int             *out_n,
             AtlMsg          *msg)
{
  int d = model->dim, n = 0;
  float *mean = fs->params, *std = fs->params + d;

  for (int i = 0; i < n_works; i++)
    if (fs->map[i] >= 0)
      {
        const float *row = works + (size_t) i * d;

        for (int c = 0; c < d; c++)
          if (!isfinite (row[c]))
            return atl_fail (msg, ATL_ERR_NUMERIC, "reward model: work %d, column %d is %g; "
                             "features must be finite", i, c, row[c]);
        fs->map[i] = n;
        fs->rows[n++] = i;
      }

  for (int c = 0; c < d; c++)
    {
      double s = 0.0, ss = 0.0, mu, var;

      for (int k = 0; k < n; k++)
        s += works[(size_t) fs->rows[k] * d + c];
      mu = s / n;
      for (int k = 0; k < n; k++)
        {
          double e = works[(size_t) fs->rows[k] * d + c] - mu;

          ss += e * e;
        }
      var = ss / n;
      mean[c] = (float) mu;
      std[c] = (float) fmax (sqrt (var), model->cfg.std_floor);
      /* Stored in std, so predict applies the same scale without knowing of it. */
      if (c >= model->cfg.n_features)
        std[c] /= model->cfg.embed_scale;
    }
  for (int k = 0; k < n; k++)
    {
      const float *row = works + (size_t) fs->rows[k] * d;
      float *xr = fs->x + (size_t) k * d;

      for (int c = 0; c < d; c++)
        xr[c] = (row[c] - mean[c]) / std[c];
    }
  *out_n = n;
  return ATL_OK;
}

AtlStatus
atl_reward_fit (AtlReward           *model,
                const float         *works,
                int                  n_works,
                const AtlRewardPair *pairs,
                int                  n_pairs,
                const float         *weights,
                AtlRng              *rng,
                AtlRewardFitReport  *report,
                AtlMsg              *msg)
{
  const AtlRewardConfig *cfg = &model->cfg;
  int d = model->dim, nh = cfg->n_heads, hid = cfg->hidden, n = 0;
  size_t S = model->head_size, nz = cfg->head == ATL_REWARD_HEAD_MLP ? (size_t) hid : 0;
  FitScratch fs = { 0 };
  AtlRewardFitReport rep = { 0 };
  AtlLbfgsConfig lc = { 8, cfg->max_iter, cfg->grad_tol };
  AtlStatus status;
  double total = 0.0;
  float *offset, *attribution, *heads;

  if (!works || !rng)
    return atl_fail (msg, ATL_ERR_INVALID, "reward model: fit needs works and an rng");
  if ((status = check_pairs (pairs, n_pairs, weights, n_works, &total, msg)) != ATL_OK)
    return status;

  fs.map = malloc ((size_t) n_works * sizeof (int));
  fs.rows = malloc ((size_t) n_works * sizeof (int));
  fs.params = calloc (model->n_params, sizeof (float));
  fs.count = malloc ((size_t) n_pairs * sizeof (int));
  fs.win = malloc ((size_t) n_pairs * sizeof (int));
  fs.lose = malloc ((size_t) n_pairs * sizeof (int));
  fs.coef = malloc ((size_t) n_pairs * sizeof (float));
  fs.hwin = malloc ((size_t) n_pairs * sizeof (int));
  fs.hlose = malloc ((size_t) n_pairs * sizeof (int));
  fs.hcoef = malloc ((size_t) n_pairs * sizeof (float));
  if (!fs.map || !fs.rows || !fs.params || !fs.count || !fs.win || !fs.lose || !fs.coef
      || !fs.hwin || !fs.hlose || !fs.hcoef)
    goto nomem;

  /* The training set: the works the pairs mention. */
  for (int i = 0; i < n_works; i++)
    fs.map[i] = -1;
  for (int p = 0; p < n_pairs; p++)
    fs.map[pairs[p].winner] = fs.map[pairs[p].loser] = 0;
  for (int i = 0; i < n_works; i++)
    n += fs.map[i] == 0;
  fs.x = malloc ((size_t) n * d * sizeof (float));
  fs.r = malloc ((size_t) n * sizeof (float));
  fs.gr = malloc ((size_t) n * sizeof (float));
  fs.z = malloc (((size_t) n * nz + 1) * sizeof (float));
  fs.a = malloc (((size_t) n * nz + nz + 1) * sizeof (float));
  fs.scores = malloc ((size_t) nh * n * sizeof (float));
  if (!fs.x || !fs.r || !fs.gr || !fs.z || !fs.a || !fs.scores)
    goto nomem;
  if ((status = standardise (model, works, n_works, &fs, &n, msg)) != ATL_OK)
    goto out;
  for (int p = 0; p < n_pairs; p++)
    {
      fs.win[p] = fs.map[pairs[p].winner];
      fs.lose[p] = fs.map[pairs[p].loser];
    }

  offset = fs.params + 2 * (size_t) d;
  attribution = offset + nh;
  heads = attribution + d;
  rep.n_works = n;

  for (int h = 0; h < nh; h++)
    {
      AtlRewardProblem pb = {
        .head = cfg->head, .act = cfg->act, .dim = d, .hidden = hid, .l2 = cfg->l2,
        .n_works = n, .x = fs.x,
        .win = fs.hwin, .lose = fs.hlose, .coef = fs.hcoef,
        .r = fs.r, .gr = fs.gr, .z = fs.z, .a = fs.a,
      };
      float *theta = heads + (size_t) h * S;
      double sum = 0.0;
      AtlLbfgsReport lr;
      int k = 0;

      /* The head's sample: P draws with replacement (all pairs once without bootstrap);
       * a resample whose drawn pairs all weigh 0 falls back to the full set. */
      for (int p = 0; p < n_pairs; p++)
        fs.count[p] = cfg->bootstrap ? 0 : 1;
      if (cfg->bootstrap)
        for (int p = 0; p < n_pairs; p++)
          fs.count[atl_rng_below (rng, (uint32_t) n_pairs)]++;
      for (int p = 0; p < n_pairs; p++)
        sum += fs.count[p] * (weights ? weights[p] : 1.0);
      if (!(sum > 0.0))
        {
          for (int p = 0; p < n_pairs; p++)
            fs.count[p] = 1;
          sum = total;
        }
      for (int p = 0; p < n_pairs; p++)
        {
          double c = fs.count[p] * (weights ? weights[p] : 1.0);

          if (c > 0.0)
            {
              fs.hwin[k] = fs.win[p];
              fs.hlose[k] = fs.lose[p];
              fs.hcoef[k++] = (float) (c / sum);
            }
        }
      pb.n_pairs = k;

      _atl_reward_head_init (cfg->head, d, hid, theta, rng);
      if ((status = atl_lbfgs_minimize (_atl_reward_head_objective, &pb, theta, S, &lc,
                                        &lr, msg)) != ATL_OK)
        goto out;
      rep.total_iter += lr.iter;
      rep.n_converged += lr.converged;
      if (lr.grad_norm > rep.max_grad_norm)
        rep.max_grad_norm = lr.grad_norm;

      /* Centre the head on its training works: BT fixes r only up to a constant. */
      {
        float *sc = fs.scores + (size_t) h * n;
        double mu = 0.0;

        _atl_reward_head_score (cfg->head, cfg->act, d, hid, theta, fs.x, n, sc, fs.z, fs.a);
        for (int i = 0; i < n; i++)
          mu += sc[i];
        offset[h] = (float) (mu / n);
        for (int i = 0; i < n; i++)
          sc[i] -= offset[h];
      }
      _atl_reward_head_input_grad (cfg->head, cfg->act, d, hid, theta, fs.x, n, attribution,
                                   fs.z, fs.a);
    }
  for (int c = 0; c < d; c++)
    attribution[c] /= nh;

  /* The ensemble on its own training pairs. */
  {
    double ll = 0.0, acc = 0.0;

    for (int p = 0; p < n_pairs; p++)
      {
        double om = weights ? weights[p] : 1.0, pe = 0.0, mw = 0.0, ml = 0.0;

        for (int h = 0; h < nh; h++)
          {
            const float *sc = fs.scores + (size_t) h * n;

            pe += sigmoid ((double) sc[fs.win[p]] - sc[fs.lose[p]]);
            mw += sc[fs.win[p]];
            ml += sc[fs.lose[p]];
          }
        ll += om * log (fmax (pe / nh, 1e-300));
        acc += om * (mw > ml ? 1.0 : mw == ml ? 0.5 : 0.0);
      }
    rep.log_lik = ll / total;
    rep.train_acc = acc / total;
  }

  memcpy (model->params, fs.params, model->n_params * sizeof (float));
  model->fitted = 1;
  if (report)
    *report = rep;
  status = ATL_OK;
  goto out;

nomem:
  status = atl_fail (msg, ATL_ERR_NOMEM, "reward model: out of memory fitting %d pairs over "
                     "%d works", n_pairs, n_works);
out:
  fit_scratch_clear (&fs);
  return status;
}

AtlStatus
atl_reward_predict (const AtlReward *model,
                    const float     *works,
                    int              n_works,
                    float           *out_mean,
                    float           *out_spread,
                    float           *out_heads,
                    AtlMsg          *msg)
{
  const AtlRewardConfig *cfg = &model->cfg;
  int d = model->dim, nh = cfg->n_heads, hid = cfg->hidden;
  size_t nz = cfg->head == ATL_REWARD_HEAD_MLP ? (size_t) hid : 0;
  float *x, *r, *z, *a;
  AtlStatus status = ATL_OK;

  if (!model->fitted)
    return atl_fail (msg, ATL_ERR_INVALID, "reward model: predict before any fit");
  if (n_works < 0 || (n_works > 0 && (!works || !out_mean)))
    return atl_fail (msg, ATL_ERR_INVALID, "reward model: predict needs works and out_mean");
  for (size_t i = 0; i < (size_t) n_works * d; i++)
    if (!isfinite (works[i]))
      return atl_fail (msg, ATL_ERR_NUMERIC, "reward model: work %zu, column %zu is %g; "
                       "features must be finite", i / d, i % d, works[i]);

  x = malloc ((size_t) CHUNK * d * sizeof (float));
  r = malloc ((size_t) CHUNK * nh * sizeof (float));
  z = malloc (((size_t) CHUNK * nz + 1) * sizeof (float));
  a = malloc (((size_t) CHUNK * nz + 1) * sizeof (float));
  if (!x || !r || !z || !a)
    {
      status = atl_fail (msg, ATL_ERR_NOMEM, "reward model: out of memory scoring %d works",
                         n_works);
      goto out;
    }

  for (int i0 = 0; i0 < n_works; i0 += CHUNK)
    {
      int m = n_works - i0 < CHUNK ? n_works - i0 : CHUNK;

      /* x: (m, D) standardised; r: (NH, m) centred scores */
      for (int i = 0; i < m; i++)
        for (int c = 0; c < d; c++)
          x[(size_t) i * d + c] = (works[(size_t) (i0 + i) * d + c] - model->mean[c])
                                  / model->std[c];
      for (int h = 0; h < nh; h++)
        {
          float *rh = r + (size_t) h * m;

          _atl_reward_head_score (cfg->head, cfg->act, d, hid,
                                  model->heads + (size_t) h * model->head_size, x, m, rh, z, a);
          for (int i = 0; i < m; i++)
            rh[i] -= model->offset[h];
        }
      for (int i = 0; i < m; i++)
        {
          double s = 0.0, ss = 0.0, mu;

          for (int h = 0; h < nh; h++)
            s += r[(size_t) h * m + i];
          mu = s / nh;
          for (int h = 0; h < nh; h++)
            {
              double e = r[(size_t) h * m + i] - mu;

              ss += e * e;
              if (out_heads)
                out_heads[(size_t) (i0 + i) * nh + h] = r[(size_t) h * m + i];
            }
          out_mean[i0 + i] = (float) mu;
          if (out_spread)
            out_spread[i0 + i] = nh > 1 ? (float) sqrt (ss / (nh - 1)) : 0.0f;
        }
    }

out:
  free (x);
  free (r);
  free (z);
  free (a);
  return status;
}

const float *
atl_reward_get_attribution (const AtlReward *model)
{
  return model->attribution;
}

size_t
atl_reward_get_n_params (const AtlReward *model)
{
  return model->n_params;
}

float *
atl_reward_get_params (AtlReward *model)
{
  return model->params;
}

const AtlRewardTensor *
atl_reward_get_tensors (const AtlReward *model,
                        int             *out_n_tensors)
{
  *out_n_tensors = model->n_tensors;
  return model->tensors;
}

const AtlRewardTensor *
atl_reward_find_tensor (const AtlReward *model,
                        const char      *name)
{
  for (int i = 0; i < model->n_tensors; i++)
    if (strcmp (model->tensors[i].name, name) == 0)
      return &model->tensors[i];
  return NULL;
}

AtlStatus
atl_reward_set_fitted (AtlReward *model,
                       AtlMsg    *msg)
{
  for (int i = 0; i < model->n_tensors; i++)
    {
      const AtlRewardTensor *t = &model->tensors[i];

      for (size_t k = 0; k < t->numel; k++)
        if (!isfinite (model->params[t->offset + k]))
          return atl_fail (msg, ATL_ERR_NUMERIC, "reward model: tensor %s[%zu] is not finite",
                           t->name, k);
    }
  for (int c = 0; c < model->dim; c++)
    if (!(model->std[c] > 0.0f))
      return atl_fail (msg, ATL_ERR_INVALID, "reward model: std[%d] = %g must be > 0",
                       c, model->std[c]);
  model->fitted = 1;
  return ATL_OK;
}
