/* atl-tuner-private.h: the tuner's state, shared by the RLOO file and the DPO / best-of-n
 * file.
 *
 * Dimension legend: B rows of a batch (≤ cap), T positions, L max_len, C d_model,
 * F features, NP probe rows.
 */
#pragma once

#include "atl-adamw.h"
#include "atl-tuner.h"

/* A batch laid out for a teacher-forced forward: row b's inputs are its tokens but the
 * last, its targets the tokens shifted by one, masked before from_pos and past the end. */
typedef struct
{
  int    cap;       /* rows allocated */
  int    T;         /* positions of the current batch */
  int   *inp;       /* (cap, L) */
  int   *tgt;       /* (cap, L) */
  float *mask;      /* (cap, L) loss mask */
  float *emask;     /* (cap, L) every input position, for pooling */
  float *logp;      /* (cap, L) */
} AtlTunerBatch;

struct _AtlTuner
{
  AtlTunerConfig      config;
  AtlPolicy          *policy;      /* borrowed, trained */
  AtlPolicy          *base;        /* borrowed, frozen */
  AtlSampler         *sampler;     /* on policy */
  AtlAdamW           *opt;
  float               beta;
  int                 steps;
  int                 C;
  int                 L;           /* max_len */
  int                 cap;         /* rows of the sampling buffers */
  int                 sample_cap;  /* rows of one sampler run (≤ cap) */

  int                *tokens;      /* (cap, L) sampled rows */
  int                *lens;        /* (cap) */
  int                *plens;       /* (cap) prompt length of each row */
  float              *slogp;       /* (cap, L) sampler's log-probs (unused but required) */
  AtlRng             *rngs;        /* (cap) */
  float              *embed;       /* (cap, C) */
  float              *reward;      /* (cap) */
  float              *aux;         /* (cap) scratch per row */
  float              *base_logp;   /* (cap, L) */
  unsigned char      *allowed;     /* (cap, L, V) the grammar's mask at every position */
  float              *dlogp;       /* (cap, L) dJ/dlogp of a micro-batch, KL in the loss */
  AtlTunerBatch       batch;
  /* A micro-batch: rows order[first … first + n − 1] of batch, (n, micro.T). */
  AtlTunerBatch       micro;
  int                *order;       /* (cap) rows of batch, by length where allowed */
  float              *pooled;      /* (cap, C) a micro-batch's embeddings */

  int                 n_prompts;   /* stored prompts */
  int                *prompts;     /* (n_prompts, L) */
  int                *prompt_lens; /* (n_prompts) */

  AtlTunerFeatureFunc features;    /* probe */
  void               *features_user;
  int                 F;
  int                 n_probe;
  unsigned long long  probe_seed;
  float              *probe_feat;  /* (NP, F) */
  float              *probe_std;   /* (F) the base's */
  float               diversity;
  float              *good;        /* (n_params) last weights that passed the guards */
  float               good_kl;     /* the KL measured on them */
  float               good_reward; /* and the mean reward of their samples */
};

/* Fills tuner->batch from B rows (tokens + b·stride, lens[b]); from_pos (B) or NULL for
 * position 1 everywhere (the loss then covers every token after BOS). */
AtlStatus _atl_tuner_batch_fill (AtlTuner      *tuner,
                                 int            B,
                                 const int     *tokens,
                                 int            stride,
                                 const int     *lens,
                                 const int     *from_pos,
                                 AtlMsg        *msg);
/* Sums of the batch's log-probs under mask, per row, into out (B). */
void      _atl_tuner_row_sums   (const AtlTunerBatch *batch,
                                 int                  B,
                                 int                  L,
                                 float               *out);
/* Samples B rows from the policy of sampler: prompts cycled from prompt index first_prompt,
 * row RNG i seeded by seeds[i]. */
AtlStatus _atl_tuner_sample     (AtlTuner           *tuner,
                                 AtlSampler         *sampler,
                                 int                 B,
                                 int                 first_prompt,
                                 int                 per_prompt,
                                 const uint64_t     *seeds,
                                 AtlMsg             *msg);
/* Fills tuner->allowed for the batch's B sampled rows (after _atl_tuner_batch_fill). */
void      _atl_tuner_batch_allowed (AtlTuner        *tuner,
                                    int              B);
/* The frozen forward of model over the batch's B rows, in micro-batches of rows of like
 * length, each only as long as its longest row: into logp (B, batch.T), 0 past a row's
 * end, the log-probabilities under the grammar-masked, renormalized distribution the
 * sampler draws from (unchanged without a grammar; _atl_tuner_batch_allowed first) and,
 * if embed is not NULL, the pooled states (B, C). */
AtlStatus _atl_tuner_frozen       (AtlTuner           *tuner,
                                   AtlPolicy          *model,
                                   int                 B,
                                   float              *logp,
                                   float              *embed,
                                   AtlMsg             *msg);
/* Base forward on the sampled rows: embeddings and base log-probs into the tuner's buffers,
 * then the reward callback into tuner->reward. */
AtlStatus _atl_tuner_score      (AtlTuner           *tuner,
                                 int                 B,
                                 AtlTunerRewardFunc  reward,
                                 void               *reward_user,
                                 AtlMsg             *msg);
