/* atl-application.h: the studio's AdwApplication. */
#pragma once

#include <adwaita.h>

G_BEGIN_DECLS

#define ATL_TYPE_APPLICATION (atl_application_get_type ())

G_DECLARE_FINAL_TYPE (AtlApplication, atl_application, ATL, APPLICATION, AdwApplication)

AtlApplication *atl_application_new          (void);
/* The application's settings (schema io.github.atelier_studio.Atelier), borrowed. */
GSettings      *atl_application_get_settings (AtlApplication *self);

G_END_DECLS
