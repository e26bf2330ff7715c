/* atl-session-popover.h: the header bar's session switcher — the sessions of the shown
 * domain, with new, rename and delete, and the current session's model versions with
 * restore and reset to base.
 *
 * Rows and buttons only name window actions (win.switch-session(x), win.new-session(s),
 * win.rename-session(s), win.delete-session, win.restore-version(u), win.reset-to-base):
 * the window does the work and calls refresh again.
 */
#pragma once

#include <gtk/gtk.h>

#include "atl-store.h"

G_BEGIN_DECLS

#define ATL_TYPE_SESSION_POPOVER (atl_session_popover_get_type ())
G_DECLARE_FINAL_TYPE (AtlSessionPopover, atl_session_popover, ATL, SESSION_POPOVER, GtkPopover)

void atl_session_popover_refresh (AtlSessionPopover *self,
                                  AtlStore          *store,
                                  AtlDomain          domain,
                                  gint64             session_id);

G_END_DECLS
