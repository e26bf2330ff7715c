/* atl-grid-view.h: the studio's main area for one domain — the round's candidates, the
 * style panel beside them, and the bar with the round history and "Next Round".
 *
 * Rounds are drawn on a worker thread (atl-grid-draw.h); picks are committed to the store
 * before the view moves on, with a toast that can undo them. Actions (installed on the
 * widget): grid.next-round, grid.show-round(i: −1 earlier, +1 later), grid.goto-grid(x),
 * grid.favourite(i: cell), grid.move((ii): dx, dy), grid.undo-pick.
 */
#pragma once

#include <adwaita.h>

#include "atl-player.h"
#include "atl-store.h"
#include "atl-work-item.h"

G_BEGIN_DECLS

#define ATL_TYPE_GRID_VIEW (atl_grid_view_get_type ())
G_DECLARE_FINAL_TYPE (AtlGridView, atl_grid_view, ATL, GRID_VIEW, GtkWidget)

/* Must be called once before anything else; the view keeps references. */
void         atl_grid_view_setup          (AtlGridView *self,
                                           AtlDomain    domain,
                                           AtlStore    *store,
                                           GSettings   *settings,
                                           AtlPlayer   *player);
AtlDomain    atl_grid_view_get_domain     (AtlGridView *self);
/* Shows the session's latest round (drawing the first one if it has none); 0 clears. */
void         atl_grid_view_set_session    (AtlGridView *self,
                                           gint64       session_id);
gint64       atl_grid_view_get_session_id (AtlGridView *self);
/* Forget the cached model (the session's version changed) and redraw nothing yet. */
void         atl_grid_view_reload_model   (AtlGridView *self);
gint64       atl_grid_view_get_grid_id    (AtlGridView *self);
gboolean     atl_grid_view_get_busy       (AtlGridView *self);
guint        atl_grid_view_get_n_items    (AtlGridView *self);
/* NULL while the cell is still being drawn. */
AtlWorkItem *atl_grid_view_get_item       (AtlGridView *self,
                                           guint        position);
/* Commits the shown grid's marks if they changed; FALSE with error when the store refused.
 * out_batch_id (nullable) gets the batch, 0 when nothing was recorded. */
gboolean     atl_grid_view_commit_picks   (AtlGridView *self,
                                           gint64      *out_batch_id,
                                           GError     **error);

G_END_DECLS
