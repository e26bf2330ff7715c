/* atl-adamw.c: the AdamW update, fused into one pass over the parameters.
 *
 * Dimension legend: n the number of parameters.
 */
#include "atl-adamw.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "atl-nn-private.h"

struct _AtlAdamW
{
  size_t         n;
  float         *m;      /* (n) */
  float         *v;      /* (n) */
  unsigned char *decay;  /* (n) 1 where weight decay applies */
  int            step;
};

AtlStatus
atl_adamw_new (size_t     n_params,
               AtlAdamW **out_opt,
               AtlMsg    *msg)
{
  AtlAdamW *opt = calloc (1, sizeof *opt);

  *out_opt = NULL;
  if (opt != NULL)
    {
      opt->n = n_params;
      opt->m = calloc (n_params, sizeof (float));
      opt->v = calloc (n_params, sizeof (float));
      opt->decay = malloc (n_params);
    }
  if (opt == NULL || opt->m == NULL || opt->v == NULL || opt->decay == NULL)
    {
      atl_adamw_free (opt);
      return atl_fail (msg, ATL_ERR_NOMEM, "cannot allocate AdamW state for %zu parameters",
                       n_params);
    }
  memset (opt->decay, 1, n_params);
  *out_opt = opt;
  return ATL_OK;
}

void
atl_adamw_free (AtlAdamW *opt)
{
  if (opt == NULL)
    return;
  free (opt->m);
  free (opt->v);
  free (opt->decay);
  free (opt);
}

void
atl_adamw_set_decay (AtlAdamW *opt,
                     size_t    offset,
                     size_t    count,
                     int       decay)
{
  if (offset >= opt->n)
    return;
  if (count > opt->n - offset)
    count = opt->n - offset;
  memset (opt->decay + offset, decay ? 1 : 0, count);
}

void
atl_adamw_reset (AtlAdamW *opt)
{
  memset (opt->m, 0, opt->n * sizeof (float));
  memset (opt->v, 0, opt->n * sizeof (float));
  opt->step = 0;
}

int
atl_adamw_get_step (const AtlAdamW *opt)
{
  return opt->step;
}

void
atl_adamw_set_step (AtlAdamW *opt,
                    int       step)
{
  opt->step = step;
}

float *
atl_adamw_get_m (AtlAdamW *opt)
{
  return opt->m;
}

float *
atl_adamw_get_v (AtlAdamW *opt)
{
  return opt->v;
}

ATL_NN_HOT AtlStatus
atl_adamw_step (AtlAdamW             *opt,
                const AtlAdamWConfig *config,
                float                *params,
                const float          *grads,
                float                *out_grad_norm,
                AtlMsg               *msg)
{
  const AtlAdamWConfig *c = config;
  double sq = 0.0;
  float norm, scale = 1.0f, b1 = c->beta1, b2 = c->beta2;
  float step_size, bc2_sqrt, decay_factor;

  /* Blocks of float sums keep the vectorized loop and most of double's accuracy. */
  for (size_t i = 0; i < opt->n; i += 4096)
    {
      size_t end = i + 4096 < opt->n ? i + 4096 : opt->n;
      float part = 0.0f;

      for (size_t j = i; j < end; j++)
        part += grads[j] * grads[j];
      sq += part;
    }
  norm = (float) sqrt (sq);
  if (out_grad_norm != NULL)
    *out_grad_norm = norm;
  if (!isfinite (norm))
    return atl_fail (msg, ATL_ERR_NUMERIC, "gradient norm is not finite");
  if (c->clip_norm > 0.0f)
    {
      scale = c->clip_norm / (norm + 1e-6f);
      scale = scale < 1.0f ? scale : 1.0f;
    }

  opt->step++;
  step_size = c->lr / (1.0f - powf (b1, (float) opt->step));
  bc2_sqrt = sqrtf (1.0f - powf (b2, (float) opt->step));
  decay_factor = c->lr * c->weight_decay;
  for (size_t i = 0; i < opt->n; i++)
    {
      float g = grads[i] * scale;
      float m = b1 * opt->m[i] + (1.0f - b1) * g;
      float v = b2 * opt->v[i] + (1.0f - b2) * g * g;
      float p = params[i] * (1.0f - decay_factor * opt->decay[i]);

      opt->m[i] = m;
      opt->v[i] = v;
      params[i] = p - step_size * m / (sqrtf (v) / bc2_sqrt + c->eps);
    }
  return ATL_OK;
}
