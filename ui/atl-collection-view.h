/* atl-collection-view.h: the works the artist kept, across rounds and sessions, with
 * preview, remove and export of one or many (a batch with progress).
 *
 * Actions: collection.export (a folder chooser, then every selected work — all when none
 * is selected — in the chosen formats, named from the pattern), collection.remove(x).
 * Export formats, PNG size and the name pattern are bound to the settings
 * (export-image-format, export-png-size, export-audio-format, export-pattern).
 */
#pragma once

#include <gtk/gtk.h>

#include "atl-store.h"

G_BEGIN_DECLS

#define ATL_TYPE_COLLECTION_VIEW (atl_collection_view_get_type ())
G_DECLARE_FINAL_TYPE (AtlCollectionView, atl_collection_view, ATL, COLLECTION_VIEW, GtkWidget)

void     atl_collection_view_setup       (AtlCollectionView *self,
                                          AtlStore          *store,
                                          GSettings         *settings);
/* Re-reads the collection (decoding and rendering on a worker thread). */
void     atl_collection_view_reload      (AtlCollectionView *self);
gboolean atl_collection_view_get_busy    (AtlCollectionView *self);
guint    atl_collection_view_get_n_works (AtlCollectionView *self);
/* Selects the work for export (TRUE) or not. */
void     atl_collection_view_select      (AtlCollectionView *self,
                                          guint              index,
                                          gboolean           selected);
/* Exports the selection (or everything) into folder without asking; the same as the
 * export action after the chooser. */
void     atl_collection_view_export_to   (AtlCollectionView *self,
                                          GFile             *folder);

G_END_DECLS
