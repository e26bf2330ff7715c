/* atl-policy-lanes.c: data-parallel training steps on two lanes; see atl-policy-lanes.h.
 *
 * Dimension legend: B batch, T time, n a lane's rows.
 */
#include "atl-policy-lanes.h"

#include <stdlib.h>
#include <string.h>

#include "atl-parallel.h"

enum { LANES = 2 };

typedef struct
{
  AtlPolicy *model;   /* the policy for lane 0, a replica for the others */
  int        lo, n;   /* rows lo … lo + n − 1 */
  float      loss;    /* the mean over the lane's own targets */
  AtlStatus  status;
  AtlMsg     msg;
} Lane;

struct _AtlPolicyLanes
{
  AtlPolicy *policy;                /* borrowed */
  AtlPolicy *replicas[LANES];       /* [0] unused */
  Lane       lanes[LANES];
  float     *weights;               /* (cap) 1 / the batch's targets, per row */
  int        cap;
  /* The step's arguments, for the lanes. */
  const int *tokens, *targets;
  int        T;
};

AtlStatus
atl_policy_lanes_new (AtlPolicy       *policy,
                      AtlPolicyLanes **out_lanes,
                      AtlMsg          *msg)
{
  AtlPolicyLanes *pl = calloc (1, sizeof *pl);
  AtlStatus status = ATL_OK;

  *out_lanes = NULL;
  if (pl == NULL)
    return atl_fail (msg, ATL_ERR_NOMEM, "cannot allocate training lanes");
  pl->policy = policy;
  for (int i = 1; i < LANES && status == ATL_OK; i++)
    status = atl_policy_new (atl_policy_get_config (policy), &pl->replicas[i], msg);
  if (status != ATL_OK)
    {
      atl_policy_lanes_free (pl);
      return status;
    }
  *out_lanes = pl;
  return ATL_OK;
}

void
atl_policy_lanes_free (AtlPolicyLanes *pl)
{
  if (pl == NULL)
    return;
  for (int i = 1; i < LANES; i++)
    atl_policy_free (pl->replicas[i]);
  free (pl->weights);
  free (pl);
}

static void
run_lane (void *user,
          int   lane)
{
  AtlPolicyLanes *pl = user;
  Lane *ln = &pl->lanes[lane];
  size_t at = (size_t) ln->lo * pl->T;

  ln->status = ATL_OK;
  ln->loss = 0.0f;
  if (ln->n == 0)
    return;
  ln->status = atl_policy_forward (ln->model, pl->tokens + at, pl->targets + at, NULL, ln->n,
                                   pl->T, &ln->loss, NULL, &ln->msg);
  if (ln->status == ATL_OK)
    ln->status = atl_policy_backward (ln->model, pl->weights, &ln->msg);
}

AtlStatus
atl_policy_lanes_step (AtlPolicyLanes *pl,
                       const int      *tokens,
                       const int      *targets,
                       int             B,
                       int             T,
                       float          *out_loss,
                       AtlMsg         *msg)
{
  size_t n_params = atl_policy_get_n_params (pl->policy);
  size_t counts[LANES] = { 0 }, total = 0;
  double loss = 0.0;

  if (B < 1 || T < 1)
    return atl_fail (msg, ATL_ERR_RANGE, "a training step needs rows, not %d × %d", B, T);
  if (B > pl->cap)
    {
      float *w = realloc (pl->weights, (size_t) B * sizeof (float));

      if (w == NULL)
        return atl_fail (msg, ATL_ERR_NOMEM, "cannot allocate the step's row weights");
      pl->weights = w;
      pl->cap = B;
    }
  for (int i = 0; i < LANES; i++)
    {
      Lane *ln = &pl->lanes[i];

      ln->lo = B * i / LANES;
      ln->n = B * (i + 1) / LANES - ln->lo;
      ln->model = i == 0 ? pl->policy : pl->replicas[i];
      for (size_t j = (size_t) ln->lo * T; j < (size_t) (ln->lo + ln->n) * T; j++)
        counts[i] += targets[j] >= 0;
      total += counts[i];
      if (i > 0)
        {
          memcpy (atl_policy_get_params (ln->model), atl_policy_get_params (pl->policy),
                  n_params * sizeof (float));
          atl_policy_zero_grads (ln->model);
        }
    }
  if (total == 0)
    return atl_fail (msg, ATL_ERR_INVALID, "a training step needs at least one target");
  /* Each lane's backward then adds its share of the whole batch's mean (atl-policy.h). */
  for (int b = 0; b < B; b++)
    pl->weights[b] = 1.0f / (float) total;
  pl->tokens = tokens;
  pl->targets = targets;
  pl->T = T;
  atl_parallel_run (LANES, run_lane, pl);

  for (int i = 0; i < LANES; i++)
    if (pl->lanes[i].n > 0 && pl->lanes[i].status != ATL_OK)
      {
        if (msg != NULL)
          *msg = pl->lanes[i].msg;
        return pl->lanes[i].status;
      }
  for (int i = 1; i < LANES; i++)
    {
      float *g = atl_policy_get_grads (pl->policy);
      const float *gi = atl_policy_get_grads (pl->replicas[i]);

      for (size_t j = 0; j < n_params; j++)
        g[j] += gi[j];
    }
  for (int i = 0; i < LANES; i++)
    if (counts[i] > 0)
      loss += (double) pl->lanes[i].loss * (double) counts[i];
  if (out_loss != NULL)
    *out_loss = (float) (loss / (double) total);
  return ATL_OK;
}
