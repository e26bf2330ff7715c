/* atl-tuner-private.h: the tuner's state, shared by the RLOO file and the DPO / best-of-n
 * file.
 *
 * Dimension legend: B rows of a batch (≤ cap), T positions, L max_len, C d_model,
 * F features, NP probe rows.
 */
#pragma once

#include "atl-adamw.h"
#include "atl-parallel.h"
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

/* Lanes of the tuner's teacher-forced forwards (atl-tuner-lanes.c): each micro-batch's rows
 * are split between them and they run at once, lane i ≥ 1 on a replica of the model. */
enum { ATL_TUNER_LANES = 2 };

typedef struct
{
  AtlPolicy     *policy_rep;  /* lanes ≥ 1: replica of the policy (NULL in lane 0) */
  AtlPolicy     *base_rep;    /* lanes ≥ 1: replica of the base */
  AtlPolicy     *model;       /* what the lane runs now: the model itself in lane 0 */
  AtlTunerBatch  micro;       /* its rows, order[first … first + n − 1], (n, micro.T) */
  int            first;
  int            n;
  int           *unit_first;  /* (cap) a planned pass's micro-batches for this lane, in */
  int           *unit_n;      /* turn: rows order[unit_first[u] …], unit_n[u] of them */
  int            n_units;
  float         *slogp;       /* (cap, L) renormalized log-probs of the micro-batch */
  float         *dlogp;       /* (cap, L) dJ/dlogp, KL in the loss */
  float         *w;           /* (cap) per-row weights of the backward */
  float         *pooled;      /* (cap, C) */
  float         *dz;          /* (micro.T·n, V) dJ/dlogits of the exact KL, kl_exact with
                               * KL in the loss; NULL otherwise */
  double         ent_sum;     /* entropy over the loss mask, summed over a pass */
  double         ent_count;
  AtlStatus      status;
  AtlMsg         msg;
} AtlTunerLane;

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
  int                 sample_cap;  /* the samplers' slots: rows decoded at once (≤ cap) */

  int                *tokens;      /* (cap, L) sampled rows */
  int                *lens;        /* (cap) */
  int                *plens;       /* (cap) prompt length of each row */
  float              *slogp;       /* (cap, L) sampler's log-probs (unused but required) */
  AtlRng             *rngs;        /* (cap) */
  float              *embed;       /* (cap, C) */
  float              *reward;      /* (cap) */
  float              *aux;         /* (cap) scratch per row */
  float              *base_logp;   /* (cap, L) */
  float              *base_lsm;    /* (lsm_rows, batch.T, V) the base's masked log-softmax
                                    * at every position of an RLOO batch (kl_exact) */
  int                 lsm_rows;    /* P·k, or 0 */
  unsigned char      *allowed;     /* (cap, L, V) the grammar's mask at every position */
  AtlTunerBatch       batch;
  int                *order;       /* (cap) rows of batch, by length where allowed */
  AtlTunerLane        lanes[ATL_TUNER_LANES];

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
 * if embed is not NULL, the pooled states (B, C). With kl_exact, the base's pass keeps its
 * distributions (base_lsm), and a later pass of the policy over the same rows gives each
 * row's exact KL to them in kl (B) if not NULL. */
AtlStatus _atl_tuner_frozen       (AtlTuner           *tuner,
                                   AtlPolicy          *model,
                                   int                 B,
                                   float              *logp,
                                   float              *embed,
                                   double             *kl,
                                   AtlMsg             *msg);
/* Allocates the lanes' buffers and replicas; frees them. */
AtlStatus _atl_tuner_lanes_new    (AtlTuner           *tuner,
                                   AtlMsg             *msg);
void      _atl_tuner_lanes_free   (AtlTuner           *tuner);
/* Points every lane at model (the tuner's policy or base): lane 0 runs it, the others a
 * replica given its current weights. With grads, zeroes the gradients each lane's model
 * accumulates into. */
void      _atl_tuner_lanes_use    (AtlTuner           *tuner,
                                   AtlPolicy          *model,
                                   int                 grads);
/* Adds the replicas' gradients into the policy's, in lane order. */
void      _atl_tuner_lanes_reduce (AtlTuner           *tuner);
/* Positions per micro-batch of the policy's forward and backward in an RLOO step (all
 * lanes together) when the config leaves micro_tokens 0: small enough that a training
 * forward's activations (~75 KB a position for the art model) stay near 60 MB, large
 * enough that the sgemms still see hundreds of rows. */
enum { ATL_TUNER_MICRO_TOKENS = 1024 };

/* The order of the batch's B rows for micro-batches into tuner->order: by length (stably)
 * when any rows may share one (KL in the loss); as they are when whole prompt groups must
 * (KL in the reward: a group's advantages need all its rows' KL). */
void      _atl_tuner_order_rows   (AtlTuner           *tuner,
                                   int                 B);
/* Rows of the micro-batch that starts at order[first]: as many prompt groups as fit in
 * the config's micro_tokens positions at the length of their longest row, at least one. */
int       _atl_tuner_micro_cut    (const AtlTuner     *tuner,
                                   int                 first,
                                   int                 B);
/* Splits rows order[first … first + n − 1] between the lanes, balancing padded positions,
 * and lays each lane's rows out in its micro-batch. */
void      _atl_tuner_lanes_split  (AtlTuner           *tuner,
                                   int                 first,
                                   int                 n);
/* The whole batch's plan, when its micro-batches are independent (RLOO with KL in the
 * loss; DPO's pairs): cuts order[0 … B − 1], groups of group rows ordered by their
 * longest, into micro-batches of whole groups of at most half the micro_tokens positions
 * each (or one group), then deals them to the lanes so that each lane's work is about
 * the same. B is a multiple of group, at most 1,024. */
void      _atl_tuner_lanes_plan   (AtlTuner           *tuner,
                                   int                 B,
                                   int                 group);
/* Runs func (user, lane) once for each of the lane's planned micro-batches, laid out in
 * its micro first, the lanes at once; a lane stops at its first failure. */
AtlStatus _atl_tuner_lanes_run    (AtlTuner           *tuner,
                                   AtlParallelFunc     func,
                                   void               *user,
                                   AtlMsg             *msg);
/* Renormalizes logp (n, micro.T) of the lane's last forward under the grammar. */
void      _atl_tuner_lane_renormalize (AtlTuner     *tuner,
                                       AtlTunerLane *lane,
                                       float        *logp);
/* The first failure of the lanes' last run, into msg. */
AtlStatus _atl_tuner_lanes_status (AtlTuner           *tuner,
                                   AtlMsg             *msg);
/* The exact KL (atl-tuner-kl.c), with kl_exact: buffers; the base's distributions of the
 * lane's rows from its last forward into base_lsm; and row r's KL to them from the lane's
 * last forward (of the policy), summed over its loss mask. With scale ≠ 0 and KL in the
 * loss, row r of the lane's dz gets scale·∂KL/∂logits. */
enum { ATL_TUNER_KL_MAX_VOCAB = 1024 };
AtlStatus _atl_tuner_kl_new       (AtlTuner           *tuner,
                                   AtlMsg             *msg);
void      _atl_tuner_kl_free      (AtlTuner           *tuner);
void      _atl_tuner_kl_store_base (AtlTuner          *tuner,
                                    AtlTunerLane      *lane);
double    _atl_tuner_kl_row       (AtlTuner           *tuner,
                                   AtlTunerLane       *lane,
                                   int                 r,
                                   float               scale);
/* Base forward on the sampled rows: embeddings and base log-probs into the tuner's buffers,
 * then the reward callback into tuner->reward. */
AtlStatus _atl_tuner_score      (AtlTuner           *tuner,
                                 int                 B,
                                 AtlTunerRewardFunc  reward,
                                 void               *reward_user,
                                 AtlMsg             *msg);
