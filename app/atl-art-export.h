/* atl-art-export.h: writing artworks to files people keep — PNG with text chunks, SVG,
 * PDF — each atomically: a temporary file in the destination folder, fsynced, renamed over
 * the destination, so a crash or a full disk never leaves a half-written file or destroys
 * the previous one.
 */
#pragma once

#include <glib.h>

#include "atl-artwork.h"

G_BEGIN_DECLS

#define ATL_ART_EXPORT_ERROR (atl_art_export_error_quark ())

typedef enum
{
  ATL_ART_EXPORT_ERROR_INVALID,   /* the artwork, size or metadata is not acceptable */
  ATL_ART_EXPORT_ERROR_IO,        /* the file could not be written */
} AtlArtExportError;

GQuark   atl_art_export_error_quark (void);

/* A PNG of size_px × size_px (1 … 16384). text is NULL or a NULL-terminated list of
 * key, value pairs stored as tEXt chunks (iTXt when a value is not plain ASCII); keys are
 * 1 … 79 printable Latin-1 characters ("Seed", "Session", "Model-Version", …). */
gboolean atl_art_export_png (const AtlArtwork  *art,
                             int                size_px,
                             const char * const *text,
                             const char        *path,
                             GError           **error);
/* Vector documents of size_pt × size_pt points. */
gboolean atl_art_export_svg (const AtlArtwork  *art,
                             double             size_pt,
                             const char        *path,
                             GError           **error);
gboolean atl_art_export_pdf (const AtlArtwork  *art,
                             double             size_pt,
                             const char        *path,
                             GError           **error);

G_END_DECLS
