/* atl-policy.h: the generator, a small decoder-only transformer.
 *
 * GPT-2 shaped: token + learned position embedding, n_layer pre-LN blocks (LayerNorm →
 * causal multi-head attention → residual, LayerNorm → GELU MLP (4·C) → residual), a final
 * LayerNorm and a TIED output head (the logits are lnf · wteᵀ, no bias). All parameters
 * live in one flat buffer and all gradients in another of the same layout, so an optimizer,
 * a checkpoint writer or a gradient clip treats the model as one array.
 *
 * Dimension legend: B batch, T time (≤ ctx), C d_model, V vocab, L n_layer, NH n_head.
 *
 * Parameter tensors, in buffer order (row-major; "decay" marks the ones AdamW decays):
 *   wte              (V, C)     decay   token embedding, also the output head
 *   wpe              (ctx, C)   decay   position embedding
 *   for each layer l = 0 … L−1, prefix "h.<l>.":
 *     ln1.w (C)  ln1.b (C)
 *     attn.qkv.w   (3C, C) decay  attn.qkv.b  (3C)   rows: q, then k, then v
 *     attn.proj.w  (C, C)  decay  attn.proj.b (C)
 *     ln2.w (C)  ln2.b (C)
 *     mlp.fc.w     (4C, C) decay  mlp.fc.b    (4C)
 *     mlp.proj.w   (C, 4C) decay  mlp.proj.b  (C)
 *   lnf.w (C)  lnf.b (C)
 * Weight matrices are torch.nn.Linear's (out_features, in_features).
 *
 * Loss and its normalisation. atl_policy_forward with targets computes, per position,
 *   logp[b,t] = log softmax(logits[b,t])[targets[b,t]]
 * and returns the mean loss  Σ_bt m[b,t]·(−logp[b,t]) / Σ_bt m[b,t].
 * atl_policy_backward (weights w) then accumulates the gradient of
 *   J = Σ_b w[b] · Σ_t m[b,t]·(−logp[b,t])
 * with NO further normalisation: the caller folds it into w. Pretraining passes
 * w = NULL, which means w[b] = 1 / Σ_bt m[b,t] (J is then the returned mean loss);
 * RLOO passes w[b] = advantage[b] / (number of samples) or similar; DPO passes ±β·σ(…).
 * atl_policy_backward_logp takes dJ/dlogp[b,t] directly for anything else.
 */
#pragma once

#include <stddef.h>

#include "atl-rng.h"
#include "atl-status.h"

typedef struct
{
  int vocab;     /* V */
  int ctx;       /* maximum T */
  int d_model;   /* C */
  int n_layer;   /* L */
  int n_head;    /* NH, divides C */
} AtlPolicyConfig;

typedef struct
{
  char   name[32];   /* "wte", "h.0.attn.qkv.w", … */
  int    ndim;       /* 1 or 2 */
  int    shape[2];   /* shape[1] is 1 when ndim is 1 */
  size_t offset;     /* in floats, into the parameter (and gradient) buffer */
  size_t numel;
  int    decay;      /* AdamW applies weight decay to this tensor */
} AtlPolicyTensor;

typedef struct _AtlPolicy AtlPolicy;

AtlStatus  atl_policy_new          (const AtlPolicyConfig *config,
                                    AtlPolicy            **out_policy,
                                    AtlMsg                *msg);
void       atl_policy_free         (AtlPolicy             *policy);

/* GPT-2 initialisation: N(0, 0.02) for embeddings and weights, the residual projections
 * scaled by 1/sqrt(2L), LayerNorm weights 1, biases 0. */
void       atl_policy_init_weights (AtlPolicy             *policy,
                                    AtlRng                *rng);

const AtlPolicyConfig *atl_policy_get_config  (const AtlPolicy *policy);
size_t                 atl_policy_get_n_params (const AtlPolicy *policy);
float                 *atl_policy_get_params  (AtlPolicy       *policy);  /* (n_params) */
float                 *atl_policy_get_grads   (AtlPolicy       *policy);  /* (n_params) */
const AtlPolicyTensor *atl_policy_get_tensors (const AtlPolicy *policy,
                                               int             *out_n_tensors);
/* NULL when no tensor has that name. */
const AtlPolicyTensor *atl_policy_find_tensor (const AtlPolicy *policy,
                                               const char      *name);

/* One memset over the gradient buffer. */
void       atl_policy_zero_grads   (AtlPolicy             *policy);

/* Runs the model on tokens (B,T). Activations for (B,T) are allocated on first use and
 * kept for the next call of the same or smaller size.
 * targets (B,T) may be NULL (logits only); a negative target counts as masked.
 * mask (B,T) may be NULL (all ones); its entries are weights, normally 0 or 1.
 * out_loss (nullable) gets the masked mean loss, out_logp (B,T, nullable) the per-token
 * log-probabilities of the targets (0 where a target is negative). */
AtlStatus  atl_policy_forward      (AtlPolicy             *policy,
                                    const int             *tokens,
                                    const int             *targets,
                                    const float           *mask,
                                    int                    B,
                                    int                    T,
                                    float                 *out_loss,
                                    float                 *out_logp,
                                    AtlMsg                *msg);

/* The forward of a model that is not being trained (a frozen base, a reward embedding, a
 * KL check): the same log-probabilities, loss, logits and pooled states as
 * atl_policy_forward, but nothing is kept for backward. Rows run in chunks of about
 * ATL_POLICY_FROZEN_TOKENS positions through one set of layer buffers, so its memory is
 * the final LayerNorm states, logits and log-probabilities of the B·T positions plus one
 * chunk's layer — a few percent of a training forward's. atl_policy_backward refuses
 * after it; atl_policy_get_logits and atl_policy_pool work as after a forward. */
enum { ATL_POLICY_FROZEN_TOKENS = 1024 };
AtlStatus  atl_policy_forward_frozen (AtlPolicy           *policy,
                                      const int           *tokens,
                                      const int           *targets,
                                      const float         *mask,
                                      int                  B,
                                      int                  T,
                                      float               *out_loss,
                                      float               *out_logp,
                                      AtlMsg              *msg);

/* Frees the activations a forward keeps for the next call (they are reallocated on
 * demand); for a model that will sit idle while others work. */
void       atl_policy_release_acts   (AtlPolicy           *policy);

/* After a forward with targets: accumulates dJ/dθ into the gradients, J as above.
 * seq_weight (B) may be NULL for the mean loss. */
AtlStatus  atl_policy_backward     (AtlPolicy             *policy,
                                    const float           *seq_weight,
                                    AtlMsg                *msg);
/* The general form: dlogp (B,T) is dJ/dlogp[b,t]; the mask is not applied again. */
AtlStatus  atl_policy_backward_logp (AtlPolicy            *policy,
                                     const float          *dlogp,
                                     AtlMsg               *msg);
/* The same with dlogits (B,T,V), a gradient on the logits themselves added to what dlogp
 * gives them (a penalty on the whole next-token distribution, not just the taken token's
 * log-probability); NULL for none. */
AtlStatus  atl_policy_backward_full (AtlPolicy            *policy,
                                     const float          *dlogp,
                                     const float          *dlogits,
                                     AtlMsg               *msg);

/* After a forward: logits of the last forward, (B,T,V), valid until the next call. */
const float *atl_policy_get_logits (const AtlPolicy       *policy);

/* After a forward: the mean of the final-LayerNorm hidden states over the positions where
 * mask (B,T) is non-zero (all positions when mask is NULL), one C-vector per sequence;
 * the reward model's embedding. A sequence with no such position gets zeros. */
AtlStatus  atl_policy_pool         (AtlPolicy             *policy,
                                    const float           *mask,
                                    float                 *out,   /* (B,C) */
                                    AtlMsg                *msg);
