/* atl-window.h: the studio window. */
#pragma once

#include <adwaita.h>

#include "atl-application.h"

G_BEGIN_DECLS

#define ATL_TYPE_WINDOW (atl_window_get_type ())

G_DECLARE_FINAL_TYPE (AtlWindow, atl_window, ATL, WINDOW, AdwApplicationWindow)

AtlWindow *atl_window_new       (AtlApplication *application);
/* Shows a toast in the window's overlay; takes ownership of toast. */
void       atl_window_add_toast (AtlWindow      *self,
                                 AdwToast       *toast);

G_END_DECLS
