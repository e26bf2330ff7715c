/* atl-contact-sheet.h: a labelled sheet of art works drawn from a model, family by family.
 *
 * The first check of a base art model is to look at it: one row per style family, each
 * with `per_family` works drawn with family=<f> (seeds 1 … per_family, temperature 1),
 * labelled with the family and each work's seed, written as one PNG.
 */
#pragma once

#include <glib.h>

#include "atl-policy.h"

G_BEGIN_DECLS

/* Draws the sheet from policy (an art model) into a PNG at path, atomically. tile is the
 * side of each work in pixels (64 … 1024). out_n_works (nullable) gets how many works it
 * shows. */
gboolean atl_contact_sheet_write (AtlPolicy   *policy,
                                  int          per_family,
                                  int          tile,
                                  const char  *path,
                                  int         *out_n_works,
                                  GError     **error);

G_END_DECLS
