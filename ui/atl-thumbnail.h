/* atl-thumbnail.h: an art thumbnail as a paintable — a rendered Cairo image that paints
 * itself with Cairo rather than through a texture.
 *
 * GTK 4.8's Cairo renderer turns every texture node back into a Cairo surface on every
 * paint, each pixel through floats, wherever the repaint is: a grid of texture thumbnails
 * made each frame that repainted anything (a plot's step beside it) pay for all twelve. A
 * Cairo node painting the kept image costs only the part in the repainted area there, and
 * the GL renderers rasterize it once and keep it like any Cairo node.
 */
#pragma once

#include <gtk/gtk.h>

G_BEGIN_DECLS

#define ATL_TYPE_THUMBNAIL (atl_thumbnail_get_type ())
G_DECLARE_FINAL_TYPE (AtlThumbnail, atl_thumbnail, ATL, THUMBNAIL, GObject)

/* Takes a reference on surface, an image surface that must not change afterwards;
 * any thread. */
AtlThumbnail *atl_thumbnail_new (cairo_surface_t *surface);

G_END_DECLS
