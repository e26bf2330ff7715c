/* atl-taste-check.h: a blind A/B between the session's base (v0) and its current version.
 *
 * A worker draws the same number of works from each (stored as works of the session),
 * the window shows them in pairs with the sides shuffled and no labels, each choice is
 * recorded as an A/B comparison (atl_store_commit_ab), and the end reports how often the
 * artist preferred the trained version. Action: taste.choose(i: 0 left, 1 right).
 */
#pragma once

#include <adwaita.h>

#include "atl-store.h"

G_BEGIN_DECLS

#define ATL_TYPE_TASTE_CHECK (atl_taste_check_get_type ())
G_DECLARE_FINAL_TYPE (AtlTasteCheck, atl_taste_check, ATL, TASTE_CHECK, AdwWindow)

AtlTasteCheck *atl_taste_check_new          (GtkWindow     *parent,
                                             AtlStore      *store,
                                             gint64         session_id,
                                             guint          n_pairs);
gboolean       atl_taste_check_get_ready    (AtlTasteCheck *self);
gboolean       atl_taste_check_get_finished (AtlTasteCheck *self);
/* Choices for the trained version so far, and choices made. */
guint          atl_taste_check_get_wins     (AtlTasteCheck *self);
guint          atl_taste_check_get_answered (AtlTasteCheck *self);

G_END_DECLS
