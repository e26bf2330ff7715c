/* atl-learner.h: one round of learning, without the store — fit the reward model on
 * comparisons, then fine-tune a policy toward it.
 *
 * The trainer task (atl-trainer.h), `atelier demo` and `atelier bench loop` all run the
 * same round: works become rows of standardized codec features ⊕ the frozen base's pooled
 * embedding; a Bradley–Terry ensemble is fit from scratch on the pairs (with k-fold
 * held-out accuracy); then RLOO (or DPO on the pairs) moves a copy of the policy. The
 * tuner's reward for a sample is
 *
 *   r = (mean_RM − λ·spread_RM − μ_ref) / σ_ref  +  music prior
 *
 * μ_ref, σ_ref: the mean and spread of mean_RM − λ·spread_RM over a fixed reference batch
 * drawn from the base ("rewards standardized by the base samples' spread", DESIGN §3).
 * The music prior is a guard the reward cannot buy off: −prior·(in-key shortfall below the
 * reference's mean + excess-repeat surplus above it), both RL Tuner metrics, plus the
 * tuner's α·(base log-likelihood per token).
 */
#pragma once

#include <gio/gio.h>

#include "atl-codec.h"
#include "atl-policy.h"
#include "atl-reward.h"
#include "atl-token-set.h"
#include "atl-tuner.h"

G_BEGIN_DECLS

typedef enum
{
  ATL_LEARNER_RLOO,
  ATL_LEARNER_DPO,
} AtlLearnerMethod;

typedef struct
{
  AtlLearnerMethod method;
  int              steps;        /* tuner steps per round, default 20 */
  AtlTunerConfig   tuner;        /* RLOO settings (atl_tuner_config_init + domain defaults) */
  AtlRewardConfig  reward;       /* n_features / n_embed are filled in by the learner */
  float            lambda;       /* spread penalty λ, default 1 */
  float            music_prior;  /* weight of the RL Tuner guard, default 4 (music only) */
  float            dpo_beta;     /* default 0.1 */
  int              dpo_batch;    /* pairs per DPO step, default 16 */
  int              n_reference;  /* base samples that standardize the reward, default 64
                                  * (at least 8); 0: none — a learner that only ranks
                                  * (atl-explore.h) and cannot tune */
  int              cv_folds;     /* k of the held-out accuracy, default 5; 0 skips it */
  float            embed_choices[4];  /* embedding weights (reward.embed_scale) a fit
                                       * chooses among by 5-fold held-out log-likelihood,
                                       * default 0.05 and 0.3; with fewer than 2, or
                                       * before anything can be held out (one grid),
                                       * reward.embed_scale */
  int              n_embed_choices;
} AtlLearnerConfig;

typedef struct
{
  int    n_pairs;
  int    n_works;
  float  accuracy;       /* k-fold held-out pairwise accuracy (NaN when skipped) */
  float  train_accuracy;
  float  embed_scale;    /* the embedding weight the model was fit with */
  char   top[256];       /* "syncopation ↑, range ↓, …" */
  double seconds;
} AtlLearnerFitReport;

typedef struct
{
  int                steps;         /* steps taken */
  AtlTunerStepReport last;          /* the last step's report */
  float              reward_first;  /* mean r of the first step */
  float              reward_last;
  int                stopped;       /* 0, or AtlTunerStepReport.stop that ended the run */
  double             seconds;
} AtlLearnerTuneReport;

/* Called after every step from the thread that runs the round. */
typedef void (*AtlLearnerStepFunc) (const AtlTunerStepReport *step,
                                    int                       total,
                                    gpointer                  user_data);

typedef struct _AtlLearner AtlLearner;

/* Defaults for the codec's domain (the music prior only for music). */
void        atl_learner_config_init (AtlLearnerConfig       *config,
                                     const AtlCodec         *codec);

/* The learner borrows base (the session's v0) and codec; draws its reference batch. */
AtlLearner *atl_learner_new         (const AtlCodec         *codec,
                                     AtlPolicy              *base,
                                     const AtlLearnerConfig *config,
                                     guint64                 seed,
                                     GError                **error);
void        atl_learner_free        (AtlLearner             *learner);

AtlLearnerConfig *atl_learner_get_config (AtlLearner        *learner);
/* The KL controller's β, carried from round to round. */
float       atl_learner_get_beta    (AtlLearner             *learner);
void        atl_learner_set_beta    (AtlLearner             *learner,
                                     float                   beta);
/* The fitted ensemble (NULL before the first fit). */
AtlReward  *atl_learner_get_reward  (AtlLearner             *learner);
/* Row width D = F + C and the rows of a set of works (n, D). */
int         atl_learner_get_row_width (AtlLearner           *learner);
gboolean    atl_learner_rows        (AtlLearner             *learner,
                                     const AtlTokenSet      *works,
                                     float                  *out_rows,
                                     GError                **error);

/* Fits the ensemble on pairs over works (indices into the set). */
gboolean    atl_learner_fit         (AtlLearner             *learner,
                                     const AtlTokenSet      *works,
                                     const AtlRewardPair    *pairs,
                                     int                     n_pairs,
                                     AtlLearnerFitReport    *report,
                                     GError                **error);
/* The standardized reward (see the top) of n works, after a fit. */
gboolean    atl_learner_score       (AtlLearner             *learner,
                                     const AtlTokenSet      *works,
                                     float                  *out_reward,
                                     GError                **error);

/* Tunes policy in place (hand it a copy) for config.steps steps with the method, after a
 * fit (DPO uses the pairs of the last fit). Cancelled between steps: FALSE with
 * G_IO_ERROR_CANCELLED, the policy then half-tuned (discard it). */
gboolean    atl_learner_tune        (AtlLearner             *learner,
                                     AtlPolicy              *policy,
                                     AtlLearnerStepFunc      step_func,
                                     gpointer                user_data,
                                     GCancellable           *cancellable,
                                     AtlLearnerTuneReport   *report,
                                     GError                **error);

/* The reward callback the tuner uses, for best-of-n reranking: user is the learner. */
AtlStatus   atl_learner_reward_cb   (void                   *user,
                                     int                     B,
                                     const int              *tokens,
                                     int                     stride,
                                     const int              *lens,
                                     const float            *embed,
                                     float                  *out_reward,
                                     AtlMsg                 *msg);
/* The codec's grammar as a sampler callback (user is the codec). */
void        atl_learner_grammar_cb  (void                   *user,
                                     int                     b,
                                     const int              *tokens,
                                     int                     len,
                                     unsigned char          *allowed);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (AtlLearner, atl_learner_free)

G_END_DECLS
