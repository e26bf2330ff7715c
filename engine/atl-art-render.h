/* atl-art-render.h: draws an AtlArtwork with Cairo, and writes PNG, SVG and PDF files.
 *
 * The composition lives in the unit square, so a render at 64² (features), 256²
 * (thumbnails) or 4096² (export) shows the same picture; on a non-square canvas the unit
 * square covers it (scaled by the longer side, centred, cropped). Anti-aliased. The file
 * helpers here write directly to the path; the app's exporter (app/atl-art-export.h) adds
 * PNG text chunks and atomic replacement.
 */
#pragma once

#include <cairo.h>

#include "atl-artwork.h"

/* Draws art onto cr over (0, 0) … (width, height) in cr's user space; cr's state is
 * restored afterwards. art must pass atl_artwork_check (else nothing is drawn but a
 * neutral grey). */
void             atl_art_render         (cairo_t          *cr,
                                         const AtlArtwork *art,
                                         double            width,
                                         double            height);
/* A new CAIRO_FORMAT_RGB24 image surface of width × height with art drawn on it, or NULL
 * (msg says why). */
cairo_surface_t *atl_art_render_image   (const AtlArtwork *art,
                                         int               width,
                                         int               height,
                                         AtlMsg           *msg);
/* Renders art into an existing RGB24/ARGB32 image surface (its whole extent); reusing one
 * surface avoids an allocation per thumbnail. */
AtlStatus        atl_art_render_into    (const AtlArtwork *art,
                                         cairo_surface_t  *image,
                                         AtlMsg           *msg);

/* Vector documents of size_pt × size_pt points written through a cairo write function
 * (the app's atomic writer uses these) or to a path. */
AtlStatus        atl_art_write_svg_stream (const AtlArtwork  *art,
                                           double             size_pt,
                                           cairo_write_func_t write,
                                           void              *closure,
                                           AtlMsg            *msg);
AtlStatus        atl_art_write_pdf_stream (const AtlArtwork  *art,
                                           double             size_pt,
                                           cairo_write_func_t write,
                                           void              *closure,
                                           AtlMsg            *msg);
AtlStatus        atl_art_write_png      (const AtlArtwork *art,
                                         int               size_px,
                                         const char       *path,
                                         AtlMsg           *msg);
AtlStatus        atl_art_write_svg      (const AtlArtwork *art,
                                         double            size_pt,
                                         const char       *path,
                                         AtlMsg           *msg);
AtlStatus        atl_art_write_pdf      (const AtlArtwork *art,
                                         double            size_pt,
                                         const char       *path,
                                         AtlMsg           *msg);
