/* atl-art-canvas.h: an artwork drawn live at any size, with the edited element outlined.
 *
 * The large view's editor draws through this instead of a texture, so a move or a colour
 * change shows on the next frame. Coordinates map between widget pixels and the unit
 * square the composition lives in (the square is centred and as large as fits).
 */
#pragma once

#include <gtk/gtk.h>

#include "atl-artwork.h"

G_BEGIN_DECLS

#define ATL_TYPE_ART_CANVAS (atl_art_canvas_get_type ())
G_DECLARE_FINAL_TYPE (AtlArtCanvas, atl_art_canvas, ATL, ART_CANVAS, GtkWidget)

/* Copies art (NULL clears) and redraws. */
void     atl_art_canvas_set_artwork (AtlArtCanvas     *self,
                                     const AtlArtwork *art);
/* The element outlined as selected, −1 for none. */
void     atl_art_canvas_set_selected (AtlArtCanvas    *self,
                                      int              element);
/* Widget point → unit square; FALSE when it falls outside the picture. */
gboolean atl_art_canvas_to_unit     (AtlArtCanvas     *self,
                                     double            x,
                                     double            y,
                                     double           *u,
                                     double           *v);
/* Pixels per unit of the composition at the current size. */
double   atl_art_canvas_get_scale   (AtlArtCanvas     *self);

G_END_DECLS
