/* atl-work-tile.h: one candidate in the grid — the work's picture or piano roll, the
 * artist's marks (favourite, reject, keep), its seed and lineage, a context menu, and a
 * drag source that hands the work to other programs as a file.
 *
 * The tile edits its AtlWorkItem's flags directly (the grid commits them); what needs the
 * grid (open, export, more like this, collect, play) is asked for with the detailed
 * `request` signal: "request::open", "request::play", …
 */
#pragma once

#include <gtk/gtk.h>

#include "atl-synth.h"
#include "atl-work-item.h"

G_BEGIN_DECLS

#define ATL_TYPE_WORK_TILE (atl_work_tile_get_type ())
G_DECLARE_FINAL_TYPE (AtlWorkTile, atl_work_tile, ATL, WORK_TILE, GtkWidget)

GtkWidget   *atl_work_tile_new             (void);
/* NULL shows a spinner (the work is still being drawn). */
void         atl_work_tile_set_item        (AtlWorkTile          *self,
                                            AtlWorkItem          *item);
AtlWorkItem *atl_work_tile_get_item        (AtlWorkTile          *self);
/* The cell number (0-based), used for the accessible name and the 1–9 hint. */
void         atl_work_tile_set_position    (AtlWorkTile          *self,
                                            int                   position);
/* Playback state of this tile's melody: fraction 0 … 1, or −1 when not playing. */
void         atl_work_tile_set_playhead    (AtlWorkTile          *self,
                                            double                fraction);
/* How music tiles render when dragged out (key, tempo, timbre). */
void         atl_work_tile_set_synth_params (AtlWorkTile         *self,
                                             const AtlSynthParams *params);
/* Hides the lock toggle (history and collection tiles cannot be kept). */
void         atl_work_tile_set_lockable    (AtlWorkTile          *self,
                                            gboolean              lockable);
/* For the blind taste check: only the work itself, no seed, lineage, marks or menu. */
void         atl_work_tile_set_blind       (AtlWorkTile          *self);
/* Writes the work for a drag: PNG (1024²) for art, WAV for music, into the cache folder.
 * Returns the file, or NULL with error. */
GFile       *atl_work_tile_write_drag_file (AtlWorkTile          *self,
                                            GError              **error);

G_END_DECLS
