/* atl-preferences-window.h: the Preferences window. */
#pragma once

#include <adwaita.h>

G_BEGIN_DECLS

#define ATL_TYPE_PREFERENCES_WINDOW (atl_preferences_window_get_type ())

G_DECLARE_FINAL_TYPE (AtlPreferencesWindow, atl_preferences_window, ATL, PREFERENCES_WINDOW,
                      AdwPreferencesWindow)

AtlPreferencesWindow *atl_preferences_window_new (GSettings *settings);

G_END_DECLS
