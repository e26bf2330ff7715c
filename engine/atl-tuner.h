/* atl-tuner.h: fine-tuning the policy toward a learned taste — RLOO with a KL leash, DPO,
 * and best-of-n reranking.
 *
 * RLOO (REINFORCE leave-one-out). A step draws P prompt groups of k samples from the policy
 * (the caller's grammar keeps every sample valid), scores them with the caller's reward
 * callback r (already standardized by the base samples' spread; the caller folds the
 * ensemble's mean − λ·spread and any domain prior into it), and measures per sequence
 *
 *   KL_b  = Σ_t m[b,t]·(log π̃(x_t) − log π̃_base(x_t))     (an unbiased sample of KL)
 *
 * where π̃ is the grammar-masked, renormalized distribution the sampler really draws from.
 * With raw log-probabilities the bench saw KL fall to −17 nats: a policy that moves mass
 * onto tokens the mask never lets through lowers log π on everything it samples and is
 * paid for it by −β·KL. Masked, that mass is invisible and earns nothing.
 *   ll_b  = Σ_t m[b,t]·log π_base(x_t) / Σ_t m[b,t]           (base log-likelihood per token)
 *   R_b   = r_b − β·KL_b + α·ll_b
 *   A_b   = R_b − mean of the other k−1 rewards of its group = k/(k−1)·(R_b − mean_group)
 *   loss  = −(1/B)·Σ_b A_b·Σ_t m[b,t]·log π(x_t)
 *
 * π_base is the session's frozen base (v0), not the version the round starts from, so KL
 * measures the whole drift of the session and a budget holds across rounds. α·ll (the
 * "prior the reward cannot buy off", RL Tuner's log p_base term) keeps a melody likely
 * under the music it was trained on; 0 disables it. The loss goes through
 * atl_policy_backward with seq_weight w_b = A_b / B (J = Σ_b w_b Σ_t m·(−log π) is the loss
 * above), then AdamW with global clipping.
 *
 * Guards (the prototype's failure modes all lie beyond ~10 nats):
 *  - β adapts toward kl_target (Ziegler et al.'s proportional controller, on the step's
 *    mean KL), within [beta_min, beta_max];
 *  - a KL budget: when the step's mean KL passes kl_budget the step's update is undone
 *    and the run should stop (status in AtlTunerStepReport.stop);
 *  - diversity: every probe_every steps (and in atl_tuner_finish) a fixed probe batch (fixed prompts and seeds) is
 *    drawn and its feature spread compared with the base's (mean over features of
 *    std / std_base, features constant under the base skipped); below diversity_floor the
 *    weights return to the last probe that passed and the run should stop.
 *
 * DPO (Rafailov et al.) on stored pairs with π_base as the reference:
 *   loss = −log σ(β_dpo·[(log π(c) − log π_ref(c)) − (log π(r) − log π_ref(r))]).
 * Its β_dpo bounds the drift only softly: repeated over rounds on the same pairs it walked
 * 55–74 nats from the base and broke the music, so it runs under the same budget and
 * floor, checked by atl_tuner_finish (a DPO step draws no samples to measure them on).
 *
 * Dimension legend: P prompt groups, k samples per group, B = P·k sequences, T positions,
 * L max_len, C d_model, F features, NP probe sequences, N pairs.
 */
#pragma once

#include "atl-policy.h"
#include "atl-rng.h"
#include "atl-sampler.h"
#include "atl-status.h"

/* Rewards for B sequences. tokens (B, stride) row b holds lens[b] tokens (BOS … EOS);
 * embed (B, C) is the frozen base's pooled embedding of each (atl_tuner_embed's
 * definition). Writes out_reward (B). */
typedef AtlStatus (*AtlTunerRewardFunc)  (void        *user,
                                          int          B,
                                          const int   *tokens,
                                          int          stride,
                                          const int   *lens,
                                          const float *embed,
                                          float       *out_reward,
                                          AtlMsg      *msg);
/* Feature vectors (B, F) of B sequences, for the diversity probe. */
typedef AtlStatus (*AtlTunerFeatureFunc) (void        *user,
                                          int          B,
                                          const int   *tokens,
                                          int          stride,
                                          const int   *lens,
                                          float       *out_features,
                                          AtlMsg      *msg);

typedef struct
{
  int            n_prompts;       /* P, default 4 */
  int            k;               /* samples per prompt, ≥ 2, default 4 */
  int            max_len;         /* sampled length cap, ≤ ctx (the codec's max_len) */
  float          temperature;     /* sampling temperature, default 1 (on-policy) */
  float          lr;              /* default 1e-4 */
  float          clip_norm;       /* default 1.0 */
  float          beta;            /* initial KL coefficient, default 0.2 */
  float          beta_min;        /* default 0.02 */
  float          beta_max;        /* default 2.0 */
  float          kl_target;       /* nats per sequence the controller aims at, default 4 */
  float          kl_rate;         /* controller gain per step, default 0.1 */
  float          kl_budget;       /* stop above this mean KL per sequence, default 8 */
  float          prior_weight;    /* α on base log-likelihood per token, default 0 */
  int            kl_in_loss;      /* 1: β·KL leaves R and enters the loss per token as
                                   * GRPO does (k3, its gradient exact per token): R's
                                   * noise then carries no KL sampling noise. Default 0 */
  int            kl_exact;        /* 1: KL_b sums the whole next-token distributions'
                                   * KL(π̃ ‖ π̃_base) at each position of the sample (its
                                   * expectation given the contexts, without the noise of
                                   * the tokens drawn), for the budget, β, the reward or the
                                   * loss; atl-tuner-kl.c. Default 0 */
  int            probe_every;     /* diversity probe period in steps, default 10; 0 off */
  int            n_probe;         /* NP probe sequences, default 48 */
  int            micro_tokens;    /* positions per micro-batch of the policy's forward and
                                   * backward in an RLOO step (whole prompt groups when KL
                                   * is in the reward) or a DPO step (whole pairs); only
                                   * memory and float rounding depend on it. Default (and
                                   * 0) 1024 */
  float          diversity_floor; /* stop below this fraction of base spread, default 0.85 */
  AtlGrammarFunc grammar;         /* keeps samples valid; user data below */
  void          *grammar_user;
} AtlTunerConfig;

/* What one step did. */
typedef struct
{
  int   step;          /* steps taken so far (this one included) */
  float reward_mean;   /* mean caller reward r over the step's samples */
  float kl;            /* mean KL_b to the base */
  float beta;          /* β after this step's adaptation */
  float diversity;     /* latest probe's spread relative to base (1 before any probe) */
  float entropy;       /* mean per-token entropy of π over the samples, nats */
  float base_ll;       /* mean base log-likelihood per token */
  float grad_norm;     /* before clipping */
  int   stop;          /* 0 go on; 1 KL budget reached; 2 diversity floor reached */
} AtlTunerStepReport;

/* One DPO pass over pairs. */
typedef struct
{
  float loss;          /* mean −log σ(z) before the update */
  float margin;        /* mean z / β_dpo = chosen-minus-rejected log-ratio margin */
  float accuracy;      /* fraction of pairs with z > 0 */
  float grad_norm;
} AtlTunerDpoReport;

typedef struct _AtlTuner AtlTuner;

void        atl_tuner_config_init (AtlTunerConfig       *config,
                                   int                   max_len);

/* The tuner trains policy (borrowed, changed in place: hand it a copy) against base
 * (borrowed, never changed); both must outlive the tuner and share a configuration. */
AtlStatus   atl_tuner_new         (const AtlTunerConfig *config,
                                   AtlPolicy            *policy,
                                   AtlPolicy            *base,
                                   AtlTuner            **out_tuner,
                                   AtlMsg               *msg);
void        atl_tuner_free        (AtlTuner             *tuner);

AtlTunerConfig *atl_tuner_get_config (AtlTuner          *tuner);
float       atl_tuner_get_beta    (const AtlTuner       *tuner);
/* β carries over between rounds (the controller's state); set it from a saved value. */
void        atl_tuner_set_beta    (AtlTuner             *tuner,
                                   float                 beta);

/* Prompts for RLOO groups and the probe: n prompts (P for a step, cycled for the probe)
 * of lens[i] tokens each, row i at tokens + i·stride, each starting with BOS. Without a
 * call every prompt is BOS alone. Copied. */
AtlStatus   atl_tuner_set_prompts (AtlTuner             *tuner,
                                   int                   n,
                                   const int            *tokens,
                                   int                   stride,
                                   const int            *lens,
                                   AtlMsg               *msg);

/* Draws the fixed probe batch from the base (seeded by probe_seed) and records its
 * feature spread; needed before probes can run. features computes F columns. */
AtlStatus   atl_tuner_set_probe   (AtlTuner             *tuner,
                                   AtlTunerFeatureFunc   features,
                                   void                 *features_user,
                                   int                   n_features,
                                   unsigned long long    probe_seed,
                                   AtlMsg               *msg);
/* The base's probe spread (F), once set up; NULL before. A later tuner on the same base
 * with the same seed and n_probe can take it with atl_tuner_set_probe_base instead of
 * drawing the probe's base samples again (the studio tunes a session's base every round). */
const float *atl_tuner_get_probe_base (const AtlTuner       *tuner);
AtlStatus   atl_tuner_set_probe_base (AtlTuner             *tuner,
                                      AtlTunerFeatureFunc   features,
                                      void                 *features_user,
                                      int                   n_features,
                                      unsigned long long    probe_seed,
                                      const float          *base_std,
                                      AtlMsg               *msg);
/* The current policy's probe spread relative to base's (1.0 = as diverse as base). */
AtlStatus   atl_tuner_probe       (AtlTuner             *tuner,
                                   float                *out_diversity,
                                   AtlMsg               *msg);

/* One RLOO step (see the top). rng seeds the per-row RNGs. */
AtlStatus   atl_tuner_rloo_step   (AtlTuner             *tuner,
                                   AtlTunerRewardFunc    reward,
                                   void                 *reward_user,
                                   AtlRng               *rng,
                                   AtlTunerStepReport   *report,
                                   AtlMsg               *msg);

/* Checks the weights as they stand, which no step has measured yet: a fresh batch's KL
 * against the budget and (if set up) the probe against the floor. If either fails the
 * last weights that passed come back and report->stop says why; report->kl gets the KL
 * of the weights handed back (as last measured), report->diversity the probe's reading.
 * Call after the last step; DPO, whose steps measure nothing, calls it before the first
 * and every probe_every steps too, so its KL has the same budget as RLOO's. */
AtlStatus   atl_tuner_finish      (AtlTuner             *tuner,
                                   AtlRng               *rng,
                                   AtlTunerStepReport   *report,
                                   AtlMsg               *msg);

/* One DPO update on n pairs: chosen[i] and rejected[i] of lens at tokens + i·stride
 * (BOS … EOS); the loss counts positions from prompt_len on (the prefix is the prompt). */
AtlStatus   atl_tuner_dpo_step    (AtlTuner             *tuner,
                                   int                   n,
                                   const int            *chosen,
                                   const int            *chosen_lens,
                                   const int            *rejected,
                                   const int            *rejected_lens,
                                   int                   stride,
                                   int                   prompt_len,
                                   float                 beta_dpo,
                                   AtlTunerDpoReport    *report,
                                   AtlMsg               *msg);

/* Best-of-n: for each of count outputs, draws n samples from the tuner's policy (prompt
 * i mod P) and keeps the one the reward callback scores highest. out_tokens (count,
 * max_len), out_lens (count). */
AtlStatus   atl_tuner_best_of_n   (AtlTuner             *tuner,
                                   int                   n,
                                   int                   count,
                                   AtlTunerRewardFunc    reward,
                                   void                 *reward_user,
                                   AtlRng               *rng,
                                   int                  *out_tokens,
                                   int                  *out_lens,
                                   AtlMsg               *msg);

/* Sequence-level quantities of a frozen model, usable on their own. For B sequences
 * (row b at tokens + b·stride, lens[b] tokens, BOS … EOS): the pooled embedding (B, C) —
 * the mean final hidden state over input positions 0 … len−2 — and, if out_logp is not
 * NULL, each sequence's total log-probability from position from_pos on (B). */
AtlStatus   atl_tuner_embed       (AtlPolicy            *policy,
                                   int                   B,
                                   const int            *tokens,
                                   int                   stride,
                                   const int            *lens,
                                   int                   from_pos,
                                   float                *out_embed,
                                   float                *out_logp,
                                   AtlMsg               *msg);

/* The leave-one-out advantages of B = P·k rewards in groups of k (k ≥ 2). */
void        atl_tuner_rloo_advantages (const float      *rewards,
                                       int               P,
                                       int               k,
                                       float            *out_adv);
/* KL_b (summed after BOS, grammar-masked as above; grammar may be NULL) of B sequences
 * between policy and base. */
AtlStatus   atl_tuner_kl          (AtlPolicy            *policy,
                                   AtlPolicy            *base,
                                   AtlGrammarFunc        grammar,
                                   void                 *grammar_user,
                                   int                   B,
                                   const int            *tokens,
                                   int                   stride,
                                   const int            *lens,
                                   float                *out_kl,
                                   AtlMsg               *msg);
/* The adaptive KL controller's update of β for a measured KL. */
float       atl_tuner_adapt_beta  (const AtlTunerConfig *config,
                                   float                 beta,
                                   float                 kl);
