/* atl-policy-private.h: the policy's internals, shared with the sampler, which runs the
 * same weights one position at a time.
 *
 * Dimension legend: B batch, T time, C d_model, V vocab, L layers, NH heads.
 */
#pragma once

#include "atl-policy.h"

/* Views of one transformer block inside a flat buffer (parameters or gradients). */
typedef struct
{
  float *ln1w;     /* (C) */
  float *ln1b;     /* (C) */
  float *qkvw;     /* (3C, C) */
  float *qkvb;     /* (3C) */
  float *projw;    /* (C, C) */
  float *projb;    /* (C) */
  float *ln2w;     /* (C) */
  float *ln2b;     /* (C) */
  float *fcw;      /* (4C, C) */
  float *fcb;      /* (4C) */
  float *fcprojw;  /* (C, 4C) */
  float *fcprojb;  /* (C) */
} AtlBlockWeights;

typedef struct
{
  float           *wte;   /* (V, C) */
  float           *wpe;   /* (ctx, C) */
  AtlBlockWeights *h;     /* (L) */
  float           *lnfw;  /* (C) */
  float           *lnfb;  /* (C) */
} AtlPolicyWeights;

/* What the forward keeps for backward, per layer. */
typedef struct
{
  float *ln1;       /* (B,T,C) */
  float *ln1_mean;  /* (B,T) */
  float *ln1_rstd;  /* (B,T) */
  float *qkv;       /* (B,T,3C) */
  float *atty;      /* (B,T,C) attention output before the projection */
  float *att;       /* (B,NH,T,T) softmax probabilities */
  float *res2;      /* (B,T,C) residual after attention */
  float *ln2;       /* (B,T,C) */
  float *ln2_mean;  /* (B,T) */
  float *ln2_rstd;  /* (B,T) */
  float *fch;       /* (B,T,4C) MLP pre-activation */
  float *fch_tanh;  /* (B,T,4C) tanh inside GELU */
  float *fch_gelu;  /* (B,T,4C) */
  float *res3;      /* (B,T,C) block output */
} AtlBlockActs;

struct _AtlPolicy
{
  AtlPolicyConfig   config;
  size_t            n_params;
  float            *params;    /* (n_params) */
  float            *grads;     /* (n_params) */
  AtlPolicyWeights  w;         /* views into params */
  AtlPolicyWeights  g;         /* views into grads, same layout */
  AtlPolicyTensor  *tensors;   /* (n_tensors) */
  int               n_tensors;

  /* Activations for the last forward; sized for act_capacity floats. */
  int               B, T;
  size_t            act_capacity;  /* floats in acts */
  size_t            tok_capacity;  /* ints in tokens and targets */
  float            *acts;
  AtlBlockActs     *a;         /* (L) */
  float            *res0;      /* (B,T,C) embedding output */
  float            *lnf;       /* (B,T,C) */
  float            *lnf_mean;  /* (B,T) */
  float            *lnf_rstd;  /* (B,T) */
  float            *logits;    /* (B,T,V) */
  float            *probs;     /* (B,T,V) */
  float            *logp;      /* (B,T) */
  float            *mask;      /* (B,T) copy of the forward's mask */
  int              *tokens;    /* (B,T) copy */
  int              *targets;   /* (B,T) copy, −1 where none */
  int               has_targets;
  int               frozen;    /* the last forward was atl_policy_forward_frozen */

  /* Backward scratch, reused layer after layer. */
  float            *dres;      /* (B,T,C) gradient of the residual stream */
  float            *dln;       /* (B,T,C) */
  float            *datty;     /* (B,T,C) */
  float            *dqkv;      /* (B,T,3C) */
  float            *dfch;      /* (B,T,4C) */
  float            *datt;      /* (T,T) */
  float            *dlogits;   /* (B,T,V) */
  float            *dlogp;     /* (B,T) */
};

/* Checks a batch's shape and tokens for a forward. */
AtlStatus _atl_policy_check_batch (AtlPolicy *p,
                                   const int *tokens,
                                   const int *targets,
                                   int        B,
                                   int        T,
                                   AtlMsg    *msg);
/* Lays one block's activations for B rows of T positions out from base + off (only counts
 * floats when base is NULL); returns the offset after them. Both forwards use it, so a
 * block's buffers are described once. */
size_t    _atl_policy_block_layout (const AtlPolicy *p,
                                    AtlBlockActs    *a,
                                    float           *base,
                                    size_t           off,
                                    int              B,
                                    int              T);
/* Grows acts to at least floats and tokens/targets to B·T entries; sets p->B, p->T. */
AtlStatus _atl_policy_reserve      (AtlPolicy *p,
                                    size_t     floats,
                                    int        B,
                                    int        T,
                                    AtlMsg    *msg);
/* Block l's forward on the residual stream res (B,T,C) into a; a->res3 may be res itself
 * (the frozen forward reuses one set of buffers for every layer). */
void      _atl_policy_block_forward (AtlPolicy    *p,
                                     int           l,
                                     AtlBlockActs *a,
                                     const float  *res,
                                     int           B,
                                     int           T);
