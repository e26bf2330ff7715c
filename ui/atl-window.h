/* atl-window.h: the studio window. */
#pragma once

#include <adwaita.h>

#include "atl-application.h"
#include "atl-grid-view.h"
#include "atl-store.h"
#include "atl-training-panel.h"

G_BEGIN_DECLS

#define ATL_TYPE_WINDOW (atl_window_get_type ())

G_DECLARE_FINAL_TYPE (AtlWindow, atl_window, ATL, WINDOW, AdwApplicationWindow)

AtlWindow *atl_window_new       (AtlApplication *application);
/* Shows a toast in the window's overlay; takes ownership of toast. */
void       atl_window_add_toast (AtlWindow      *self,
                                 AdwToast       *toast);
/* The window's store connection (NULL if it could not be opened). */
AtlStore  *atl_window_get_store (AtlWindow      *self);
AtlTrainingPanel *atl_window_get_training_panel (AtlWindow *self);
AtlGridView *atl_window_get_grid_view (AtlWindow *self,
                                       AtlDomain  domain);

G_END_DECLS
