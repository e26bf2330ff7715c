/* atl-work-viewer.h: one work, large — the picture or the piano roll, its lineage, play
 * for melodies, and a 1–5 star rating stored as comparisons (atl_store_rate_work).
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

G_END_DECLS
