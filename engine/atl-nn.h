/* atl-nn.h: the neural-network ops of the engine, as forward/backward pairs.
 *
 * Every op works on flat float buffers owned by the caller (llm.c's train_gpt2.c shape). A
 * forward writes its output and whatever backward needs; a backward ACCUMULATES (+=) into
 * the gradient buffers it is given, so a model zeroes its gradients with one memset and a
 * tensor used twice (the tied embedding) simply receives two contributions. Matrix
 * products go through cblas_sgemm. No op allocates, prints or spawns a thread.
 *
 * Dimension legend:
 *   B  batch (sequences)          T  time (positions per sequence)
 *   C  channels (d_model)         V  vocabulary size
 *   NH attention heads            hs head size, C / NH
 *   N  rows, B * T, for ops that do not care about the sequence structure
 *   OC output channels of a linear layer
 */
#pragma once

#include <stddef.h>

/* The thread budget of the engine's numerics: BLAS's threads, and the lanes a sampler run
 * splits its rows into (atl-sampler.h). 1 until set; the ops themselves never start a
 * thread. */
void atl_nn_set_threads (int n_threads);
int  atl_nn_get_threads (void);

/* Token embedding plus learned position embedding: out[b,t] = wte[tok[b,t]] + wpe[t]. */
void atl_nn_embedding_forward  (float       *out,     /* (B,T,C) */
                                const int   *tokens,  /* (B,T) */
                                const float *wte,     /* (V,C) */
                                const float *wpe,     /* (maxT,C), maxT >= T */
                                int B, int T, int C);
void atl_nn_embedding_backward (float       *dwte,    /* (V,C) += */
                                float       *dwpe,    /* (maxT,C) += */
                                const float *dout,    /* (B,T,C) */
                                const int   *tokens,  /* (B,T) */
                                int B, int T, int C);

/* LayerNorm over the last axis, eps 1e-5 (as torch.nn.LayerNorm). */
void atl_nn_layernorm_forward  (float       *out,     /* (N,C) */
                                float       *mean,    /* (N) saved for backward */
                                float       *rstd,    /* (N) saved for backward */
                                const float *inp,     /* (N,C) */
                                const float *weight,  /* (C) */
                                const float *bias,    /* (C) */
                                int N, int C);
void atl_nn_layernorm_backward (float       *dinp,    /* (N,C) += */
                                float       *dweight, /* (C) += */
                                float       *dbias,   /* (C) += */
                                const float *dout,    /* (N,C) */
                                const float *inp,     /* (N,C) */
                                const float *weight,  /* (C) */
                                const float *mean,    /* (N) */
                                const float *rstd,    /* (N) */
                                int N, int C);

/* out = inp · weightᵀ + bias (torch.nn.Linear layout). With accumulate the product is
 * added to out instead of replacing it, which fuses a residual connection into the sgemm. */
void atl_nn_linear_forward  (float       *out,        /* (N,OC) */
                             const float *inp,        /* (N,C) */
                             const float *weight,     /* (OC,C) */
                             const float *bias,       /* (OC) or NULL */
                             int N, int C, int OC,
                             int accumulate);
/* dinp may be NULL (the input needs no gradient), dbias may be NULL (no bias). */
void atl_nn_linear_backward (float       *dinp,       /* (N,C) += */
                             float       *dweight,    /* (OC,C) += */
                             float       *dbias,      /* (OC) += */
                             const float *dout,       /* (N,OC) */
                             const float *inp,        /* (N,C) */
                             const float *weight,     /* (OC,C) */
                             int N, int C, int OC);

/* GELU, tanh approximation (llm.c, torch approximate='tanh'). The forward also saves
 * tanh of the inner term so backward needs no transcendental function. */
void atl_nn_gelu_forward  (float       *out,   /* (n) */
                           float       *th,    /* (n) saved tanh, may be NULL */
                           const float *inp,   /* (n) */
                           size_t n);
/* th may be NULL, then tanh is recomputed; dinp may alias dout (in place). */
void atl_nn_gelu_backward (float       *dinp,  /* (n) += , or = when aliasing dout */
                           const float *inp,   /* (n) */
                           const float *th,    /* (n) or NULL */
                           const float *dout,  /* (n) */
                           size_t n);

/* Causal multi-head self-attention on packed q,k,v; scale 1/sqrt(hs).
 * qkv[b,t] holds q (C) then k (C) then v (C), head h in channels h*hs … h*hs+hs-1.
 * att keeps the softmax probabilities for backward (zeros above the diagonal). */
void atl_nn_attention_forward  (float       *out,     /* (B,T,C) */
                                float       *att,     /* (B,NH,T,T) */
                                const float *qkv,     /* (B,T,3C) */
                                int B, int T, int C, int NH);
void atl_nn_attention_backward (float       *dqkv,    /* (B,T,3C) += */
                                float       *scratch, /* (T,T) workspace */
                                const float *dout,    /* (B,T,C) */
                                const float *qkv,     /* (B,T,3C) */
                                const float *att,     /* (B,NH,T,T) */
                                int B, int T, int C, int NH);

/* Log-softmax gathered at the targets: logp[i] = log softmax(logits[i])[targets[i]].
 * probs keeps the softmax for backward. A negative target gives logp 0 and no gradient. */
void atl_nn_logprob_forward  (float       *logp,    /* (N) */
                              float       *probs,   /* (N,V) */
                              const float *logits,  /* (N,V) */
                              const int   *targets, /* (N) */
                              int N, int V);
void atl_nn_logprob_backward (float       *dlogits, /* (N,V) += */
                              const float *dlogp,   /* (N) */
                              const float *probs,   /* (N,V) */
                              const int   *targets, /* (N) */
                              int N, int V);

/* Masked cross-entropy on gathered log-probs: loss = Σ m[i]·(−logp[i]) / Σ m[i]
 * (0 when the mask is all zero). mask NULL means all ones. Accumulated in double. */
float atl_nn_crossentropy_forward  (const float *logp,  /* (N) */
                                    const float *mask,  /* (N) or NULL */
                                    int N);
/* dlogp += −m[i]·dloss / Σ m. */
void  atl_nn_crossentropy_backward (float       *dlogp, /* (N) += */
                                    const float *mask,  /* (N) or NULL */
                                    float        dloss,
                                    int N);

/* Debug builds check every layer's output; release builds compile this away. */
#ifndef NDEBUG
#include <assert.h>
int atl_nn_all_finite (const float *x, size_t n);
#define ATL_NN_ASSERT_FINITE(x, n) assert (atl_nn_all_finite ((x), (n)))
#else
#define ATL_NN_ASSERT_FINITE(x, n) ((void) 0)
#endif
