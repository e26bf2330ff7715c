/* atl-training-panel.h: the learning side of a session — Train Now, the running round's
 * phase and progress, reward and KL per step, held-out accuracy per round, and what the
 * reward model learned.
 *
 * Runs an AtlTrainer (app/atl-trainer.h) on the panel's session; `version-ready` (x: the
 * new version id) fires when a round recorded a new current version. Actions:
 * training.train-now, training.cancel.
 */
#pragma once

#include <gtk/gtk.h>

#include "atl-store.h"

G_BEGIN_DECLS

#define ATL_TYPE_TRAINING_PANEL (atl_training_panel_get_type ())
G_DECLARE_FINAL_TYPE (AtlTrainingPanel, atl_training_panel, ATL, TRAINING_PANEL, GtkWidget)

/* Shows the session's history (versions' metrics) and trains it on request. A running
 * round keeps going for the session it started on. */
void     atl_training_panel_set_session  (AtlTrainingPanel *self,
                                          AtlStore         *store,
                                          gint64            session_id);
gboolean atl_training_panel_get_training (AtlTrainingPanel *self);
/* Tuner steps per round (default 20); tests use fewer. */
void     atl_training_panel_set_steps    (AtlTrainingPanel *self,
                                          int               steps);
/* Re-reads the comparisons count (after picks). */
void     atl_training_panel_refresh      (AtlTrainingPanel *self);

G_END_DECLS
