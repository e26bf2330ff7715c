/* atl-window-private.h: AtlWindow's fields, shared by the files that make up the window
 * (atl-window.c: shell and views; atl-window-sessions.c: sessions and versions;
 * atl-window-works.c: opening and exporting single works).
 */
#pragma once

#include "atl-grid-view.h"
#include "atl-player.h"
#include "atl-session-popover.h"
#include "atl-store.h"
#include "atl-training-panel.h"
#include "atl-window.h"

G_BEGIN_DECLS

struct _AtlWindow
{
  AdwApplicationWindow parent_instance;

  GSettings *settings;
  AtlStore  *store;
  AtlPlayer *player;

  AdwToastOverlay   *toast_overlay;
  AdwViewStack      *view_stack;
  GtkMenuButton     *session_button;
  AtlSessionPopover *session_popover;
  AtlGridView       *art_view;
  AtlGridView       *music_view;
  AtlTrainingPanel  *training_panel;
  GtkWidget         *collection_view;
  GtkToggleButton   *train_toggle;
  GtkToggleButton   *training_toggle;

  guint              picks_since_training;   /* marks committed since the last round */
};

/* The grid view of the shown domain (the art view while the collection is shown and the
 * last domain was art). */
AtlGridView *_atl_window_get_current_view (AtlWindow   *self);
AtlGridView *_atl_window_get_view         (AtlWindow   *self,
                                           AtlDomain    domain);
AtlDomain    _atl_window_get_domain       (AtlWindow   *self);
/* Picks the session shown for domain: the remembered one, else the first of the domain,
 * else a new one; remembers it and shows it. */
void         _atl_window_setup_sessions   (AtlWindow   *self);
void         _atl_window_set_session      (AtlWindow   *self,
                                           AtlDomain    domain,
                                           gint64       session_id);
void         _atl_window_update_session_label (AtlWindow *self);
void         _atl_window_class_init_sessions (GtkWidgetClass *widget_class);
void         _atl_window_class_init_works (GtkWidgetClass *widget_class);
void         _atl_window_toast            (AtlWindow   *self,
                                           const char  *message);

G_END_DECLS
