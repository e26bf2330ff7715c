/* atl-policy.c: the transformer policy: layout, initialisation, forward and backward.
 *
 * The forward keeps every activation the backward needs (AtlBlockActs, one set per layer);
 * the backward walks the layers in reverse with one set of scratch buffers, accumulating
 * parameter gradients into the flat gradient buffer. Residual additions are fused into the
 * projection sgemms (beta = 1), so the residual stream costs one copy per block.
 *
 * Dimension legend: B batch, T time, C d_model, V vocab, L layers, NH heads, N = B·T.
 */
#include "atl-policy-private.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "atl-nn.h"

static size_t
count_params (const AtlPolicyConfig *c)
{
  size_t C = c->d_model;

  return (size_t) c->vocab * C + (size_t) c->ctx * C
         + (size_t) c->n_layer * (12 * C * C + 13 * C) + 2 * C;
}

/* Appends one tensor to the table and returns its view in params and grads. */
static void
add_tensor (AtlPolicy  *p,
            size_t     *offset,
            const char *name,
            int         rows,
            int         cols,
            int         decay,
            float     **param_view,
            float     **grad_view)
{
  AtlPolicyTensor *t = &p->tensors[p->n_tensors++];

  snprintf (t->name, sizeof t->name, "%s", name);
  t->ndim = cols > 0 ? 2 : 1;
  t->shape[0] = rows;
  t->shape[1] = cols > 0 ? cols : 1;
  t->numel = (size_t) rows * t->shape[1];
  t->offset = *offset;
  t->decay = decay;
  *param_view = p->params + t->offset;
  *grad_view = p->grads + t->offset;
  *offset += t->numel;
}

static void
build_layout (AtlPolicy *p)
{
  const AtlPolicyConfig *c = &p->config;
  int C = c->d_model;
  size_t off = 0;
  char name[32];

#define ADD(field, suffix, rows, cols, decay)                                       \
  do {                                                                              \
    snprintf (name, sizeof name, "h.%d.%s", l, suffix);                             \
    add_tensor (p, &off, name, rows, cols, decay, &p->w.h[l].field, &p->g.h[l].field); \
  } while (0)

  add_tensor (p, &off, "wte", c->vocab, C, 1, &p->w.wte, &p->g.wte);
  add_tensor (p, &off, "wpe", c->ctx, C, 1, &p->w.wpe, &p->g.wpe);
  for (int l = 0; l < c->n_layer; l++)
    {
      ADD (ln1w, "ln1.w", C, 0, 0);
      ADD (ln1b, "ln1.b", C, 0, 0);
      ADD (qkvw, "attn.qkv.w", 3 * C, C, 1);
      ADD (qkvb, "attn.qkv.b", 3 * C, 0, 0);
      ADD (projw, "attn.proj.w", C, C, 1);
      ADD (projb, "attn.proj.b", C, 0, 0);
      ADD (ln2w, "ln2.w", C, 0, 0);
      ADD (ln2b, "ln2.b", C, 0, 0);
      ADD (fcw, "mlp.fc.w", 4 * C, C, 1);
      ADD (fcb, "mlp.fc.b", 4 * C, 0, 0);
      ADD (fcprojw, "mlp.proj.w", C, 4 * C, 1);
      ADD (fcprojb, "mlp.proj.b", C, 0, 0);
    }
  add_tensor (p, &off, "lnf.w", C, 0, 0, &p->w.lnfw, &p->g.lnfw);
  add_tensor (p, &off, "lnf.b", C, 0, 0, &p->w.lnfb, &p->g.lnfb);
#undef ADD
}

AtlStatus
atl_policy_new (const AtlPolicyConfig *config,
                AtlPolicy            **out_policy,
                AtlMsg                *msg)
{
  AtlPolicy *p;
  const AtlPolicyConfig *c = config;

  *out_policy = NULL;
  if (c->vocab < 2 || c->ctx < 1 || c->d_model < 1 || c->n_layer < 1 || c->n_head < 1)
    return atl_fail (msg, ATL_ERR_INVALID, "policy config has a size below its minimum");
  if (c->d_model % c->n_head != 0)
    return atl_fail (msg, ATL_ERR_INVALID, "d_model %d is not a multiple of n_head %d",
                     c->d_model, c->n_head);
  if (c->vocab > 1 << 20 || c->ctx > 1 << 16 || c->d_model > 1 << 14 || c->n_layer > 256)
    return atl_fail (msg, ATL_ERR_RANGE, "policy config exceeds the supported sizes");

  p = calloc (1, sizeof *p);
  if (p == NULL)
    return atl_fail (msg, ATL_ERR_NOMEM, "cannot allocate the policy");
  p->config = *c;
  p->n_params = count_params (c);
  p->params = calloc (p->n_params, sizeof (float));
  p->grads = calloc (p->n_params, sizeof (float));
  p->w.h = calloc (c->n_layer, sizeof (AtlBlockWeights));
  p->g.h = calloc (c->n_layer, sizeof (AtlBlockWeights));
  p->tensors = calloc (4 + 12 * (size_t) c->n_layer, sizeof (AtlPolicyTensor));
  p->a = calloc (c->n_layer, sizeof (AtlBlockActs));
  if (p->params == NULL || p->grads == NULL || p->w.h == NULL || p->g.h == NULL
      || p->tensors == NULL || p->a == NULL)
    {
      atl_policy_free (p);
      return atl_fail (msg, ATL_ERR_NOMEM, "cannot allocate %zu parameters", count_params (c));
    }
  build_layout (p);
  *out_policy = p;
  return ATL_OK;
}

void
atl_policy_free (AtlPolicy *policy)
{
  if (policy == NULL)
    return;
  free (policy->params);
  free (policy->grads);
  free (policy->w.h);
  free (policy->g.h);
  free (policy->tensors);
  free (policy->a);
  free (policy->acts);
  free (policy->tokens);
  free (policy->targets);
  free (policy);
}

void
atl_policy_init_weights (AtlPolicy *policy,
                         AtlRng    *rng)
{
  float resid_std = 0.02f / sqrtf (2.0f * policy->config.n_layer);

  for (int i = 0; i < policy->n_tensors; i++)
    {
      const AtlPolicyTensor *t = &policy->tensors[i];
      float *x = policy->params + t->offset;
      const char *leaf = strrchr (t->name, '.');
      int is_ln_weight = leaf != NULL && strcmp (leaf, ".w") == 0 && strstr (t->name, "ln") != NULL;

      if (t->ndim == 2)
        {
          float std = strstr (t->name, ".proj.w") != NULL ? resid_std : 0.02f;

          for (size_t j = 0; j < t->numel; j++)
            x[j] = std * atl_rng_normal (rng);
        }
      else
        for (size_t j = 0; j < t->numel; j++)
          x[j] = is_ln_weight ? 1.0f : 0.0f;
    }
}

const AtlPolicyConfig *
atl_policy_get_config (const AtlPolicy *policy)
{
  return &policy->config;
}

size_t
atl_policy_get_n_params (const AtlPolicy *policy)
{
  return policy->n_params;
}

float *
atl_policy_get_params (AtlPolicy *policy)
{
  return policy->params;
}

float *
atl_policy_get_grads (AtlPolicy *policy)
{
  return policy->grads;
}

const AtlPolicyTensor *
atl_policy_get_tensors (const AtlPolicy *policy,
                        int             *out_n_tensors)
{
  *out_n_tensors = policy->n_tensors;
  return policy->tensors;
}

const AtlPolicyTensor *
atl_policy_find_tensor (const AtlPolicy *policy,
                        const char      *name)
{
  for (int i = 0; i < policy->n_tensors; i++)
    if (strcmp (policy->tensors[i].name, name) == 0)
      return &policy->tensors[i];
  return NULL;
}

void
atl_policy_zero_grads (AtlPolicy *policy)
{
  memset (policy->grads, 0, policy->n_params * sizeof (float));
}

const float *
atl_policy_get_logits (const AtlPolicy *policy)
{
  return policy->logits;
}

size_t
_atl_policy_block_layout (const AtlPolicy *p,
                          AtlBlockActs    *a,
                          float           *base,
                          size_t           off,
                          int              B,
                          int              T)
{
  size_t C = p->config.d_model, NH = p->config.n_head, N = (size_t) B * T;

#define TAKE(ptr, n)               \
  do {                             \
    if (base != NULL)              \
      (ptr) = base + off;          \
    off += (n);                    \
  } while (0)

  TAKE (a->ln1, N * C);
  TAKE (a->ln1_mean, N);
  TAKE (a->ln1_rstd, N);
  TAKE (a->qkv, N * 3 * C);
  TAKE (a->atty, N * C);
  TAKE (a->att, (size_t) B * NH * T * T);
  TAKE (a->res2, N * C);
  TAKE (a->ln2, N * C);
  TAKE (a->ln2_mean, N);
  TAKE (a->ln2_rstd, N);
  TAKE (a->fch, N * 4 * C);
  TAKE (a->fch_tanh, N * 4 * C);
  TAKE (a->fch_gelu, N * 4 * C);
  TAKE (a->res3, N * C);
#undef TAKE
  return off;
}

/* Lays the activations for (B,T) out in base, or only counts floats when base is NULL. */
static size_t
layout_acts (AtlPolicy *p,
             float     *base,
             int        B,
             int        T)
{
  size_t C = p->config.d_model, V = p->config.vocab;
  size_t N = (size_t) B * T;
  size_t off = 0;

#define TAKE(ptr, n)               \
  do {                             \
    if (base != NULL)              \
      (ptr) = base + off;          \
    off += (n);                    \
  } while (0)

  for (int l = 0; l < p->config.n_layer; l++)
    off = _atl_policy_block_layout (p, &p->a[l], base, off, B, T);
  TAKE (p->res0, N * C);
  TAKE (p->lnf, N * C);
  TAKE (p->lnf_mean, N);
  TAKE (p->lnf_rstd, N);
  TAKE (p->logits, N * V);
  TAKE (p->probs, N * V);
  TAKE (p->logp, N);
  TAKE (p->mask, N);
  TAKE (p->dres, N * C);
  TAKE (p->dln, N * C);
  TAKE (p->datty, N * C);
  TAKE (p->dqkv, N * 3 * C);
  TAKE (p->dfch, N * 4 * C);
  TAKE (p->datt, (size_t) T * T);
  TAKE (p->dlogits, N * V);
  TAKE (p->dlogp, N);
#undef TAKE
  return off;
}

AtlStatus
_atl_policy_reserve (AtlPolicy *p,
                     size_t     floats,
                     int        B,
                     int        T,
                     AtlMsg    *msg)
{
  size_t N = (size_t) B * T;

  if (floats > p->act_capacity)
    {
      free (p->acts);
      p->acts = malloc (floats * sizeof (float));
      p->act_capacity = p->acts != NULL ? floats : 0;
    }
  if (N > p->tok_capacity)
    {
      free (p->tokens);
      free (p->targets);
      p->tokens = malloc (N * sizeof (int));
      p->targets = malloc (N * sizeof (int));
      p->tok_capacity = p->tokens != NULL && p->targets != NULL ? N : 0;
    }
  if (p->act_capacity < floats || p->tok_capacity < N)
    return atl_fail (msg, ATL_ERR_NOMEM, "cannot allocate activations for B %d, T %d", B, T);
  p->B = B;
  p->T = T;
  return ATL_OK;
}

void
atl_policy_release_acts (AtlPolicy *policy)
{
  free (policy->acts);
  free (policy->tokens);
  free (policy->targets);
  policy->acts = NULL;
  policy->tokens = policy->targets = NULL;
  policy->act_capacity = policy->tok_capacity = 0;
  policy->lnf = policy->logits = NULL;
  policy->has_targets = 0;
  policy->frozen = 0;
}

AtlStatus
_atl_policy_check_batch (AtlPolicy *p,
                         const int *tokens,
                         const int *targets,
                         int        B,
                         int        T,
                         AtlMsg    *msg)
{
  int V = p->config.vocab;
  size_t N = (size_t) B * T;

  if (B < 1 || T < 1)
    return atl_fail (msg, ATL_ERR_INVALID, "empty batch (B %d, T %d)", B, T);
  if (T > p->config.ctx)
    return atl_fail (msg, ATL_ERR_RANGE, "sequence length %d exceeds the context %d",
                     T, p->config.ctx);
  for (size_t i = 0; i < N; i++)
    if (tokens[i] < 0 || tokens[i] >= V || (targets != NULL && targets[i] >= V))
      return atl_fail (msg, ATL_ERR_RANGE, "token %d at %zu is outside the vocabulary of %d",
                       tokens[i] < 0 || tokens[i] >= V ? tokens[i] : targets[i], i, V);
  return ATL_OK;
}

void
_atl_policy_block_forward (AtlPolicy    *p,
                           int           l,
                           AtlBlockActs *a,
                           const float  *res,
                           int           B,
                           int           T)
{
  const AtlBlockWeights *h = &p->w.h[l];
  int C = p->config.d_model, NH = p->config.n_head;
  int N = B * T;

  atl_nn_layernorm_forward (a->ln1, a->ln1_mean, a->ln1_rstd, res, h->ln1w, h->ln1b, N, C);
  atl_nn_linear_forward (a->qkv, a->ln1, h->qkvw, h->qkvb, N, C, 3 * C, 0);
  atl_nn_attention_forward (a->atty, a->att, a->qkv, B, T, C, NH);
  memcpy (a->res2, res, (size_t) N * C * sizeof (float));
  atl_nn_linear_forward (a->res2, a->atty, h->projw, h->projb, N, C, C, 1);
  atl_nn_layernorm_forward (a->ln2, a->ln2_mean, a->ln2_rstd, a->res2, h->ln2w, h->ln2b,
                            N, C);
  atl_nn_linear_forward (a->fch, a->ln2, h->fcw, h->fcb, N, C, 4 * C, 0);
  atl_nn_gelu_forward (a->fch_gelu, a->fch_tanh, a->fch, (size_t) N * 4 * C);
  memcpy (a->res3, a->res2, (size_t) N * C * sizeof (float));
  atl_nn_linear_forward (a->res3, a->fch_gelu, h->fcprojw, h->fcprojb, N, 4 * C, C, 1);
  ATL_NN_ASSERT_FINITE (a->res3, (size_t) N * C);
}

AtlStatus
atl_policy_forward (AtlPolicy   *policy,
                    const int   *tokens,
                    const int   *targets,
                    const float *mask,
                    int          B,
                    int          T,
                    float       *out_loss,
                    float       *out_logp,
                    AtlMsg      *msg)
{
  AtlPolicy *p = policy;
  const AtlPolicyWeights *w = &p->w;
  int C = p->config.d_model, V = p->config.vocab;
  int N = B * T;
  AtlStatus status;

  p->has_targets = 0;
  p->frozen = 0;
  status = _atl_policy_check_batch (p, tokens, targets, B, T, msg);
  if (status == ATL_OK)
    status = _atl_policy_reserve (p, layout_acts (p, NULL, B, T), B, T, msg);
  if (status != ATL_OK)
    return status;
  layout_acts (p, p->acts, B, T);

  memcpy (p->tokens, tokens, (size_t) N * sizeof (int));
  atl_nn_embedding_forward (p->res0, tokens, w->wte, w->wpe, B, T, C);
  for (int l = 0; l < p->config.n_layer; l++)
    _atl_policy_block_forward (p, l, &p->a[l], l == 0 ? p->res0 : p->a[l - 1].res3, B, T);
  atl_nn_layernorm_forward (p->lnf, p->lnf_mean, p->lnf_rstd,
                            p->a[p->config.n_layer - 1].res3, w->lnfw, w->lnfb, N, C);
  /* The tied head: logits = lnf · wteᵀ. */
  atl_nn_linear_forward (p->logits, p->lnf, w->wte, NULL, N, C, V, 0);
  ATL_NN_ASSERT_FINITE (p->logits, (size_t) N * V);

  if (targets == NULL)
    return ATL_OK;
  /* A negative target is a position without a loss: its mask entry becomes 0. */
  for (int i = 0; i < N; i++)
    {
      p->targets[i] = targets[i] < 0 ? -1 : targets[i];
      p->mask[i] = targets[i] < 0 ? 0.0f : mask != NULL ? mask[i] : 1.0f;
    }
  atl_nn_logprob_forward (p->logp, p->probs, p->logits, p->targets, N, V);
  p->has_targets = 1;
  if (out_loss != NULL)
    *out_loss = atl_nn_crossentropy_forward (p->logp, p->mask, N);
  if (out_logp != NULL)
    memcpy (out_logp, p->logp, (size_t) N * sizeof (float));
  return ATL_OK;
}

AtlStatus
atl_policy_backward_logp (AtlPolicy   *policy,
                          const float *dlogp,
                          AtlMsg      *msg)
{
  return atl_policy_backward_full (policy, dlogp, NULL, msg);
}

AtlStatus
atl_policy_backward_full (AtlPolicy   *policy,
                          const float *dlogp,
                          const float *dlogits,
                          AtlMsg      *msg)
{
  AtlPolicy *p = policy;
  const AtlPolicyWeights *w = &p->w;
  const AtlPolicyWeights *g = &p->g;
  int B = p->B, T = p->T, C = p->config.d_model, V = p->config.vocab, NH = p->config.n_head;
  int L = p->config.n_layer;
  size_t N = (size_t) B * T;

  if (p->frozen)
    return atl_fail (msg, ATL_ERR_INVALID,
                     "backward after a frozen forward, which keeps nothing for it");
  if (!p->has_targets)
    return atl_fail (msg, ATL_ERR_INVALID, "backward needs a forward with targets first");

  /* Head: logp → logits → lnf (the tied wte gets its first gradient here). */
  memset (p->dlogits, 0, N * V * sizeof (float));
  atl_nn_logprob_backward (p->dlogits, dlogp, p->probs, p->targets, (int) N, V);
  if (dlogits != NULL)
    for (size_t i = 0; i < N * V; i++)
      p->dlogits[i] += dlogits[i];
  memset (p->dln, 0, N * C * sizeof (float));
  atl_nn_linear_backward (p->dln, g->wte, NULL, p->dlogits, p->lnf, w->wte, (int) N, C, V);
  memset (p->dres, 0, N * C * sizeof (float));
  atl_nn_layernorm_backward (p->dres, g->lnfw, g->lnfb, p->dln, p->a[L - 1].res3, w->lnfw,
                             p->lnf_mean, p->lnf_rstd, (int) N, C);

  /* Layers in reverse; dres is the gradient of the current residual stream and picks up
   * each branch's contribution through its LayerNorm backward. */
  for (int l = L - 1; l >= 0; l--)
    {
      const AtlBlockWeights *h = &w->h[l];
      const AtlBlockWeights *gh = &g->h[l];
      AtlBlockActs *a = &p->a[l];
      const float *res = l == 0 ? p->res0 : p->a[l - 1].res3;

      memset (p->dfch, 0, N * 4 * C * sizeof (float));
      atl_nn_linear_backward (p->dfch, gh->fcprojw, gh->fcprojb, p->dres, a->fch_gelu,
                              h->fcprojw, (int) N, 4 * C, C);
      atl_nn_gelu_backward (p->dfch, a->fch, a->fch_tanh, p->dfch, N * 4 * C);
      memset (p->dln, 0, N * C * sizeof (float));
      atl_nn_linear_backward (p->dln, gh->fcw, gh->fcb, p->dfch, a->ln2, h->fcw,
                              (int) N, C, 4 * C);
      atl_nn_layernorm_backward (p->dres, gh->ln2w, gh->ln2b, p->dln, a->res2, h->ln2w,
                                 a->ln2_mean, a->ln2_rstd, (int) N, C);

      memset (p->datty, 0, N * C * sizeof (float));
      atl_nn_linear_backward (p->datty, gh->projw, gh->projb, p->dres, a->atty, h->projw,
                              (int) N, C, C);
      memset (p->dqkv, 0, N * 3 * C * sizeof (float));
      atl_nn_attention_backward (p->dqkv, p->datt, p->datty, a->qkv, a->att, B, T, C, NH);
      memset (p->dln, 0, N * C * sizeof (float));
      atl_nn_linear_backward (p->dln, gh->qkvw, gh->qkvb, p->dqkv, a->ln1, h->qkvw,
                              (int) N, C, 3 * C);
      atl_nn_layernorm_backward (p->dres, gh->ln1w, gh->ln1b, p->dln, res, h->ln1w,
                                 a->ln1_mean, a->ln1_rstd, (int) N, C);
      ATL_NN_ASSERT_FINITE (p->dres, N * C);
    }
  atl_nn_embedding_backward (g->wte, g->wpe, p->dres, p->tokens, B, T, C);
  return ATL_OK;
}

AtlStatus
atl_policy_backward (AtlPolicy   *policy,
                     const float *seq_weight,
                     AtlMsg      *msg)
{
  AtlPolicy *p = policy;
  int B = p->B, T = p->T;

  if (p->frozen)
    return atl_fail (msg, ATL_ERR_INVALID,
                     "backward after a frozen forward, which keeps nothing for it");
  if (!p->has_targets)
    return atl_fail (msg, ATL_ERR_INVALID, "backward needs a forward with targets first");

  /* dJ/dlogp[b,t] = −w[b]·m[b,t]; without weights w[b] = 1/Σm, the mean loss. */
  if (seq_weight == NULL)
    {
      memset (p->dlogp, 0, (size_t) B * T * sizeof (float));
      atl_nn_crossentropy_backward (p->dlogp, p->mask, 1.0f, B * T);
    }
  else
    for (int b = 0; b < B; b++)
      for (int t = 0; t < T; t++)
        p->dlogp[b * T + t] = -seq_weight[b] * p->mask[b * T + t];
  return atl_policy_backward_logp (p, p->dlogp, msg);
}

AtlStatus
atl_policy_pool (AtlPolicy   *policy,
                 const float *mask,
                 float       *out,
                 AtlMsg      *msg)
{
  AtlPolicy *p = policy;
  int B = p->B, T = p->T, C = p->config.d_model;

  if (p->lnf == NULL)
    return atl_fail (msg, ATL_ERR_INVALID, "pooling needs a forward first");
  for (int b = 0; b < B; b++)
    {
      float *o = out + (size_t) b * C;
      double den = 0.0;

      memset (o, 0, (size_t) C * sizeof (float));
      /* t indexes positions of sequence b; masked ones do not count. */
      for (int t = 0; t < T; t++)
        {
          float m = mask != NULL ? mask[b * T + t] : 1.0f;
          const float *x = p->lnf + ((size_t) b * T + t) * C;

          if (m == 0.0f)
            continue;
          for (int c = 0; c < C; c++)
            o[c] += m * x[c];
          den += m;
        }
      if (den > 0.0)
        for (int c = 0; c < C; c++)
          o[c] = (float) (o[c] / den);
    }
  return ATL_OK;
}
