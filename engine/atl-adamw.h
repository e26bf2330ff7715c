/* atl-adamw.h: AdamW with global gradient-norm clipping over one flat buffer.
 *
 * The update is torch.optim.AdamW's (decoupled decay: θ ← θ·(1 − lr·wd) first, then the
 * bias-corrected Adam step with eps added to √v̂), preceded by torch's
 * clip_grad_norm_: the gradient is scaled by min(1, clip / (‖g‖₂ + 1e-6)). The fixtures in
 * tests/fixtures pin the match. State (m, v) is two flat buffers the size of the model.
 *
 * Dimension legend: n the number of parameters.
 */
#pragma once

#include <stddef.h>

#include "atl-status.h"

typedef struct
{
  float lr;
  float beta1;         /* 0.9 */
  float beta2;         /* 0.999 (0.95 is common for transformers) */
  float eps;           /* 1e-8 */
  float weight_decay;  /* applied only where the decay mask is set */
  float clip_norm;     /* global L2 clip; <= 0 disables clipping */
} AtlAdamWConfig;

typedef struct _AtlAdamW AtlAdamW;

/* A fresh optimizer decays every parameter; mark the exceptions with set_decay. */
AtlStatus atl_adamw_new       (size_t                n_params,
                               AtlAdamW            **out_opt,
                               AtlMsg               *msg);
void      atl_adamw_free      (AtlAdamW             *opt);
void      atl_adamw_set_decay (AtlAdamW             *opt,
                               size_t                offset,
                               size_t                count,
                               int                   decay);
/* Forgets m, v and the step count. */
void      atl_adamw_reset     (AtlAdamW             *opt);
int       atl_adamw_get_step  (const AtlAdamW       *opt);
float    *atl_adamw_get_m     (AtlAdamW             *opt);  /* (n) first moment */
float    *atl_adamw_get_v     (AtlAdamW             *opt);  /* (n) second moment */
/* Restores the step count together with m and v (checkpoint loading). */
void      atl_adamw_set_step  (AtlAdamW             *opt,
                               int                   step);

/* One update of params from grads (grads are read, not modified). out_grad_norm gets the
 * norm before clipping. A non-finite norm fails with ATL_ERR_NUMERIC and changes nothing. */
AtlStatus atl_adamw_step      (AtlAdamW             *opt,
                               const AtlAdamWConfig *config,
                               float                *params,   /* (n) */
                               const float          *grads,    /* (n) */
                               float                *out_grad_norm,
                               AtlMsg               *msg);
