/* atl-sampler.h: batched, KV-cached, grammar-masked sampling from an AtlPolicy.
 *
 * B sequences advance together one position per step; each layer's keys and values are
 * cached, so a step costs one token's worth of compute per sequence. Every random draw
 * takes the caller's AtlRng, so (weights, prompts, options, seed) fix the output, and
 * temperature 0 is a deterministic argmax. A codec constrains the output through the
 * grammar callback: before each sampled token it marks which tokens may come next.
 *
 * Dimension legend: B sequences of a run (≤ the sampler's max_batch, its cache slots,
 * unless each row has its own RNG), T positions (≤ max_len ≤ ctx), V vocab.
 *
 * Log-probabilities. out_logp[b,t] is log π(token t | tokens < t) under the policy itself
 * — temperature 1, no grammar mask, no top-p — i.e. exactly what atl_policy_forward reports
 * for that token, and what the tuner's ratios and KL terms need. The sampling distribution
 * (temperature, mask, nucleus) only decides which token is drawn.
 */
#pragma once

#include "atl-policy.h"
#include "atl-rng.h"
#include "atl-status.h"

/* Fills allowed (V bytes, all 1 on entry) for sequence b, whose first len tokens
 * (prompt included) are tokens[0 … len−1]: 0 forbids a token. With per-row RNGs a run
 * may call it from several threads at once, for different sequences. */
typedef void (*AtlGrammarFunc) (void          *user,
                                int            b,
                                const int     *tokens,
                                int            len,
                                unsigned char *allowed);

typedef struct
{
  float          temperature;  /* 0: argmax (deterministic); 1: the policy's distribution */
  float          top_p;        /* nucleus mass in (0, 1]; 1 disables */
  int            end_token;    /* a sequence stops after sampling it; −1 for none */
  int            max_len;      /* total length, prompt included, ≤ the policy's ctx */
  AtlGrammarFunc grammar;      /* NULL: every token allowed */
  void          *grammar_user;
  AtlRng        *row_rngs;     /* (B) one RNG per sequence, or NULL: all draw from rng.
                                * With per-row RNGs a sequence's draws do not depend on
                                * what else is in the batch, so a work's seed alone
                                * reproduces it, and the rows decode in lanes on up to
                                * atl_nn_set_threads threads. */
} AtlSampleOptions;

typedef struct _AtlSampler AtlSampler;

/* The sampler borrows policy, which must outlive it; weights may change between runs. */
AtlStatus atl_sampler_new  (AtlPolicy   *policy,
                            int          max_batch,
                            AtlSampler **out_sampler,
                            AtlMsg      *msg);
void      atl_sampler_free (AtlSampler  *sampler);

/* Samples B sequences: with per-row RNGs any number, max_batch at a time (a sequence takes
 * a slot as another ends; none's tokens depend on which); else at most max_batch.
 * tokens (B, max_len) holds on entry each row's prompt in its first
 * prompt_lens[b] ≥ 1 entries, and on return the whole sequence: the prompt, then the
 * sampled tokens, up to and including the end token, or max_len in all. out_lens (B) gets
 * each length; out_logp (B, max_len, nullable) the log-probabilities described above,
 * 0 for prompt positions and past the end. A sequence also ends when its grammar allows
 * only end_token (which is then emitted). A grammar that allows nothing fails with
 * ATL_ERR_INVALID. */
AtlStatus atl_sampler_run  (AtlSampler             *sampler,
                            AtlRng                 *rng,
                            const AtlSampleOptions *options,
                            int                     B,
                            const int              *prompt_lens,
                            int                    *tokens,
                            int                    *out_lens,
                            float                  *out_logp,
                            AtlMsg                 *msg);
