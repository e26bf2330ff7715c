/* atl-trainer.h: a training round in the background — the studio's "Train" button.
 *
 * A round reads the session's comparisons from the store (through its own connection, on
 * the worker thread), fits the reward model, tunes a COPY of the current version's
 * weights with RLOO (or DPO) against the session's base, writes the checkpoint atomically
 * to `<store>/models/<session-id>/v<N>.safetensors` and records it as the session's new
 * current version — only when all of that succeeded. Cancelling (between steps) leaves no
 * version and no file behind.
 *
 * Progress is published as properties (`progress`, `phase`, `step`, `reward-mean`, `kl`,
 * `accuracy`) on the main context of the thread that called run_async: the worker stores
 * the latest values under a lock and schedules at most one idle at a time (Sysprof's
 * pattern), so a fast loop never floods the UI and notify:: never fires on the worker.
 */
#pragma once

#include <gio/gio.h>

#include "atl-learner.h"
#include "atl-store.h"

G_BEGIN_DECLS

typedef enum
{
  ATL_TRAINER_PHASE_IDLE,
  ATL_TRAINER_PHASE_FITTING,
  ATL_TRAINER_PHASE_TUNING,
  ATL_TRAINER_PHASE_SAVING,
  ATL_TRAINER_PHASE_DONE,
} AtlTrainerPhase;

const char *atl_trainer_phase_to_string (AtlTrainerPhase phase);

#define ATL_TYPE_TRAINER (atl_trainer_get_type ())
G_DECLARE_FINAL_TYPE (AtlTrainer, atl_trainer, ATL, TRAINER, GObject)

/* store gives the folder (the worker opens its own connection there). */
AtlTrainer     *atl_trainer_new           (AtlStore            *store,
                                           gint64               session_id);
/* Before a run: tuner steps (default 20), method (RLOO), BLAS threads (1: the UI's audio
 * must not starve; the CLI may use 2), and a learner configuration to start from (NULL:
 * the domain's defaults). */
void            atl_trainer_set_steps     (AtlTrainer          *self,
                                           int                  steps);
void            atl_trainer_set_method    (AtlTrainer          *self,
                                           AtlLearnerMethod     method);
void            atl_trainer_set_threads   (AtlTrainer          *self,
                                           int                  threads);
/* Before a run: TRUE runs the round on a thread of its own at a lowered priority, so it
 * takes only the CPU time an interactive main thread leaves (default FALSE). */
void            atl_trainer_set_background (AtlTrainer         *self,
                                            gboolean            background);

void            atl_trainer_run_async     (AtlTrainer          *self,
                                           GCancellable        *cancellable,
                                           GAsyncReadyCallback  callback,
                                           gpointer             user_data);
/* The new version's id, 0 on error (G_IO_ERROR_CANCELLED when cancelled). */
gint64          atl_trainer_run_finish    (AtlTrainer          *self,
                                           GAsyncResult        *result,
                                           GError             **error);

double          atl_trainer_get_progress    (AtlTrainer        *self);
AtlTrainerPhase atl_trainer_get_phase       (AtlTrainer        *self);
int             atl_trainer_get_step        (AtlTrainer        *self);
double          atl_trainer_get_reward_mean (AtlTrainer        *self);
double          atl_trainer_get_kl          (AtlTrainer        *self);
/* The reward model's held-out accuracy, −1 while it cannot be measured honestly (before
 * the fit, or with a single grid of picks: atl_reward_assign_folds). */
double          atl_trainer_get_accuracy    (AtlTrainer        *self);
/* The metrics JSON recorded with the last version (NULL before one). */
const char     *atl_trainer_get_metrics     (AtlTrainer        *self);

G_END_DECLS
