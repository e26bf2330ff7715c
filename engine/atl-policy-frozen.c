/* atl-policy-frozen.c: the forward of a model nobody trains (the base in a tuner, the
 * reward model's embedding, a KL check).
 *
 * A training forward keeps every layer's activations for all B·T positions — for an art
 * batch of 16 rows of 389 positions that is over 400 MB, mostly the attention
 * probabilities and the MLP's three 4C-wide tensors. Nothing needs them here, so the
 * rows go through in chunks of about ATL_POLICY_FROZEN_TOKENS positions, every layer of a
 * chunk writing the same buffers, and only what the callers read afterwards covers the
 * whole batch: the final LayerNorm states (atl_policy_pool), the logits
 * (atl_policy_get_logits) and the log-probabilities. Each chunk runs the very ops of
 * atl_policy_forward (_atl_policy_block_forward), so a row's numbers do not depend on
 * which forward computed them beyond what sgemm does with a different row count.
 *
 * Dimension legend: B batch, T time, C d_model, V vocab, NH heads, N = B·T, R rows of a
 * chunk, n = R·T.
 */
#include "atl-policy-private.h"

#include <string.h>

#include "atl-nn.h"

/* Lays the buffers out in base, or only counts floats when base is NULL. The whole-batch
 * outputs go into the policy's own fields; the chunk's layer into *a. */
static size_t
layout_frozen (AtlPolicy    *p,
               float        *base,
               AtlBlockActs *a,
               float       **probs,
               int           B,
               int           T,
               int           R)
{
  size_t C = p->config.d_model, V = p->config.vocab;
  size_t N = (size_t) B * T, n = (size_t) R * T;
  size_t off = 0;

#define TAKE(ptr, count)           \
  do {                             \
    if (base != NULL)              \
      (ptr) = base + off;          \
    off += (count);                \
  } while (0)

  TAKE (p->lnf, N * C);
  TAKE (p->lnf_mean, N);
  TAKE (p->lnf_rstd, N);
  TAKE (p->logits, N * V);
  TAKE (p->logp, N);
  TAKE (p->mask, N);
  off = _atl_policy_block_layout (p, a, base, off, R, T);
  TAKE (*probs, n * V);
#undef TAKE
  return off;
}

AtlStatus
atl_policy_forward_frozen (AtlPolicy   *policy,
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
  int N = B * T, R;
  AtlBlockActs a;
  float *probs = NULL;
  AtlStatus status;

  p->has_targets = 0;
  p->frozen = 1;
  status = _atl_policy_check_batch (p, tokens, targets, B, T, msg);
  if (status != ATL_OK)
    return status;
  R = ATL_POLICY_FROZEN_TOKENS / T;
  R = R < 1 ? 1 : R > B ? B : R;
  status = _atl_policy_reserve (p, layout_frozen (p, NULL, &a, &probs, B, T, R), B, T, msg);
  if (status != ATL_OK)
    return status;
  layout_frozen (p, p->acts, &a, &probs, B, T, R);
  /* The training forward's per-layer views would point into a layout that is gone. */
  p->res0 = NULL;
  p->probs = NULL;

  memcpy (p->tokens, tokens, (size_t) N * sizeof (int));
  if (targets != NULL)
    /* A negative target is a position without a loss, as in atl_policy_forward. */
    for (int i = 0; i < N; i++)
      {
        p->targets[i] = targets[i] < 0 ? -1 : targets[i];
        p->mask[i] = targets[i] < 0 ? 0.0f : mask != NULL ? mask[i] : 1.0f;
      }

  /* b0 indexes the first row of a chunk of r rows; the residual stream lives in a.res3
   * from the embedding on, each block reading and rewriting it. */
  for (int b0 = 0; b0 < B; b0 += R)
    {
      int r = B - b0 < R ? B - b0 : R;
      size_t off = (size_t) b0 * T;

      atl_nn_embedding_forward (a.res3, tokens + off, w->wte, w->wpe, r, T, C);
      for (int l = 0; l < p->config.n_layer; l++)
        _atl_policy_block_forward (p, l, &a, a.res3, r, T);
      atl_nn_layernorm_forward (p->lnf + off * C, p->lnf_mean + off, p->lnf_rstd + off,
                                a.res3, w->lnfw, w->lnfb, r * T, C);
      atl_nn_linear_forward (p->logits + off * V, p->lnf + off * C, w->wte, NULL, r * T, C,
                             V, 0);
      ATL_NN_ASSERT_FINITE (p->logits + off * V, (size_t) r * T * V);
      if (targets != NULL)
        atl_nn_logprob_forward (p->logp + off, probs, p->logits + off * V, p->targets + off,
                                r * T, V);
    }

  if (targets == NULL)
    return ATL_OK;
  if (out_loss != NULL)
    *out_loss = atl_nn_crossentropy_forward (p->logp, p->mask, N);
  if (out_logp != NULL)
    memcpy (out_logp, p->logp, (size_t) N * sizeof (float));
  return ATL_OK;
}
