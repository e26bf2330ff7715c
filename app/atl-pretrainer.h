/* atl-pretrainer.h: supervised training of a policy on a corpus of token sequences.
 *
 * Used to make the shipped base models (`atelier pretrain`) and to measure a model on a
 * corpus (`atelier eval`). Each step draws a batch of sequences (seeded), trains on
 * next-token prediction of every token after BOS, and takes an AdamW step with gradient
 * clipping under a warm-up + cosine learning-rate schedule.
 */
#pragma once

#include <gio/gio.h>

#include "atl-policy.h"
#include "atl-token-set.h"

G_BEGIN_DECLS

typedef struct
{
  int     batch;          /* sequences per step */
  int     steps;
  float   lr;             /* peak learning rate */
  float   min_lr_ratio;   /* the cosine schedule ends at lr · min_lr_ratio */
  int     warmup;         /* steps of linear warm-up */
  float   weight_decay;
  float   clip_norm;
  int     eval_every;     /* validation every this many steps; 0: only at the end */
  int     eval_sample;    /* sequences of the validation set seen by interim evaluations */
  guint64 seed;
} AtlPretrainConfig;

typedef struct
{
  int    steps_done;
  float  train_loss;      /* mean over the last eval interval */
  double val_nll;         /* mean NLL per token on the validation set (NaN: none) */
  double tokens_per_s;
  double seconds;
} AtlPretrainReport;

/* Called after every step on the calling thread; val_nll is NaN except at evaluations. */
typedef void (*AtlPretrainProgressFunc) (const AtlPretrainReport *report,
                                         gpointer                 user_data);

void     atl_pretrain_config_init (AtlPretrainConfig *config);

/* Trains policy in place. val may be NULL. Stops early (returning FALSE with
 * G_IO_ERROR_CANCELLED) when cancellable fires; the policy then holds the last step. */
gboolean atl_pretrain_run  (AtlPolicy               *policy,
                            const AtlTokenSet       *train,
                            const AtlTokenSet       *val,
                            const AtlPretrainConfig *config,
                            AtlPretrainProgressFunc  progress,
                            gpointer                 user_data,
                            GCancellable            *cancellable,
                            AtlPretrainReport       *out_report,
                            GError                 **error);

/* Mean negative log-likelihood per predicted token (nats) of the whole set. */
gboolean atl_pretrain_eval (AtlPolicy               *policy,
                            const AtlTokenSet       *set,
                            int                      batch,
                            double                  *out_nll,
                            GError                 **error);

G_END_DECLS
