/* atl-work-viewer.h: one work, large — the picture or the piano roll, its lineage, play
 * for melodies, a 1–5 star rating stored as comparisons (atl_store_rate_work), and a small
 * editor (select, move, recolour, delete a shape; transpose or delete a note) whose result
 * is saved as a new work preferred over the original.
 */
#pragma once

#include <adwaita.h>

#include "atl-player.h"
#include "atl-store.h"
#include "atl-work-item.h"

G_BEGIN_DECLS

#define ATL_TYPE_WORK_VIEWER (atl_work_viewer_get_type ())
G_DECLARE_FINAL_TYPE (AtlWorkViewer, atl_work_viewer, ATL, WORK_VIEWER, AdwWindow)

/* synth: how the melody plays (key, tempo, timbre). */
AtlWorkViewer *atl_work_viewer_new (GtkWindow            *parent,
                                    AtlStore             *store,
                                    AtlPlayer            *player,
                                    AtlWorkItem          *item,
                                    const AtlSynthParams *synth);
/* Stores the pending edit as a new work (what "Save as New Work" does); its id, or 0
 * when there was nothing to save or saving failed (warned). For tests and scripts. */
gint64         atl_work_viewer_save (AtlWorkViewer *self);

G_END_DECLS
