/* atl-work-edit.h: the small edits the large view offers, and saving their result.
 *
 * Art: find the element under a point (topmost first), delete it, recolour it (palette
 * slot and lightness step), move it on the 32-step grid. Music: transpose or delete a
 * note. An edited work is re-encoded with its codec, validated, and stored as a new work
 * preferred over the original (atl_store_commit_edit), so an edit teaches the taste.
 */
#pragma once

#include <glib.h>

#include "atl-artwork.h"
#include "atl-melody.h"
#include "atl-store.h"

G_BEGIN_DECLS

/* The index of the topmost element of art covering (u, v) in the unit square (0,0 top
 * left), or −1. Exact to the renderer: each element is drawn alone at 128² and the pixel
 * (with a one-pixel margin, so thin strokes can be clicked) compared. */
int      atl_art_hit_test        (const AtlArtwork *art,
                                  double            u,
                                  double            v);
/* Removes element i (the complexity bucket follows the count); FALSE when it is the last
 * element or i is out of range. */
gboolean atl_art_delete_element  (AtlArtwork       *art,
                                  int               i);
/* Moves element i by (dx, dy) grid steps, clamped to the grid; TRUE when it moved. */
gboolean atl_art_move_element    (AtlArtwork       *art,
                                  int               i,
                                  int               dx,
                                  int               dy);
/* Element i takes palette slot `slot` (< the palette's colours) and lightness 0 … 4. */
gboolean atl_art_recolour_element (AtlArtwork      *art,
                                   int              i,
                                   int              slot,
                                   int              light);

/* Moves note i by delta semitones (clamped to −12 … +24); TRUE when it moved. */
gboolean atl_melody_transpose_note (AtlMelody      *melody,
                                    int             i,
                                    int             delta);
/* Removes note i; FALSE when i is out of range. */
gboolean atl_melody_delete_note    (AtlMelody      *melody,
                                    int             i);

/* Encodes the edit of `original` (art or melody, by the original's domain; music keeps
 * the original's tune type), validates it with the codec and stores it as a new work that
 * beats the original. Returns the new work's id, 0 on error. */
gint64   atl_work_edit_save      (AtlStore         *store,
                                  const AtlWork    *original,
                                  const AtlArtwork *art,
                                  const AtlMelody  *melody,
                                  GError          **error);

G_END_DECLS
