/* atl-work-item.h: one work as the widgets see it — the stored record, its decoded form
 * (an artwork or a melody), a thumbnail, and the artist's marks on it this round.
 *
 * Items are made on a worker thread (decode, render) and handed to the main loop whole;
 * after that they are only touched on the main thread. favourite, rejected and locked are
 * properties so tiles can bind their toggles to them.
 */
#pragma once

#include <gtk/gtk.h>

#include "atl-artwork.h"
#include "atl-melody.h"
#include "atl-store.h"

G_BEGIN_DECLS

#define ATL_TYPE_WORK_ITEM (atl_work_item_get_type ())
G_DECLARE_FINAL_TYPE (AtlWorkItem, atl_work_item, ATL, WORK_ITEM, GObject)

/* Takes work; decodes its tokens. NULL with an error when they do not decode. */
AtlWorkItem      *atl_work_item_new           (AtlWork      *work,
                                               GError      **error);
/* Renders the art thumbnail (size² pixels) for tiles to paint; any thread. No-op for
 * music. */
void              atl_work_item_render_thumbnail (AtlWorkItem *self,
                                                  int          size);

const AtlWork    *atl_work_item_get_work      (AtlWorkItem  *self);
gint64            atl_work_item_get_id        (AtlWorkItem  *self);
AtlDomain         atl_work_item_get_domain    (AtlWorkItem  *self);
/* NULL unless the work is art / music. */
const AtlArtwork *atl_work_item_get_artwork   (AtlWorkItem  *self);
const AtlMelody  *atl_work_item_get_melody    (AtlWorkItem  *self);
GdkPaintable     *atl_work_item_get_thumbnail (AtlWorkItem  *self);
/* A short lineage label for a tile ("v2 · r3", "↳" when it has a parent), and the
 * sentence behind it ("Model version 2, round 3, from work #17"). */
char             *atl_work_item_dup_caption   (AtlWorkItem  *self);
char             *atl_work_item_dup_lineage   (AtlWorkItem  *self);

/* Context the grid fills in for lineage lines (version number, round). */
void              atl_work_item_set_lineage   (AtlWorkItem  *self,
                                               guint         version_number,
                                               guint         round);
/* The same, read from the store for the work's grid and version (0 where gone). */
void              atl_work_item_read_lineage  (AtlWorkItem  *self,
                                               AtlStore     *store);
guint             atl_work_item_get_version_number (AtlWorkItem *self);
guint             atl_work_item_get_round     (AtlWorkItem  *self);

gboolean          atl_work_item_get_favourite (AtlWorkItem  *self);
void              atl_work_item_set_favourite (AtlWorkItem  *self,
                                               gboolean      favourite);
gboolean          atl_work_item_get_rejected  (AtlWorkItem  *self);
void              atl_work_item_set_rejected  (AtlWorkItem  *self,
                                               gboolean      rejected);
gboolean          atl_work_item_get_locked    (AtlWorkItem  *self);
void              atl_work_item_set_locked    (AtlWorkItem  *self,
                                               gboolean      locked);

G_END_DECLS
