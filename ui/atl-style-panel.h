/* atl-style-panel.h: the style controls of one domain, and their JSON form.
 *
 * Art: palette, background, complexity, style family; music: key, tempo, mode, metre,
 * density, register, tune type, timbre; both: variation (the sampling temperature).
 * Prefix choices become the generator's "key=value" style; key, tempo and timbre are
 * render-time controls (synth params). The whole state round-trips through a JSON object
 * that the store keeps per session (atl_store_set_sliders). `changed` fires on any edit by
 * the artist (not on set_sliders_json).
 */
#pragma once

#include <adwaita.h>

#include "atl-domain.h"
#include "atl-synth.h"

G_BEGIN_DECLS

#define ATL_TYPE_STYLE_PANEL (atl_style_panel_get_type ())
G_DECLARE_FINAL_TYPE (AtlStylePanel, atl_style_panel, ATL, STYLE_PANEL, GtkWidget)

AtlDomain  atl_style_panel_get_domain       (AtlStylePanel  *self);
void       atl_style_panel_set_domain       (AtlStylePanel  *self,
                                             AtlDomain       domain);
/* Unknown members are ignored; missing ones go back to "Any" / the defaults. */
void       atl_style_panel_set_sliders_json (AtlStylePanel  *self,
                                             const char     *json);
char      *atl_style_panel_dup_sliders_json (AtlStylePanel  *self);
/* The timbre a session gets when its sliders never chose one ("default-timbre"). */
void       atl_style_panel_set_default_timbre (AtlStylePanel *self,
                                               const char    *timbre);
/* The prefix choices, NULL-terminated (empty when everything is "Any"). */
GStrv      atl_style_panel_dup_style        (AtlStylePanel  *self);
float      atl_style_panel_get_temperature  (AtlStylePanel  *self);
/* The session's exploration ratio (atl-explore.h); kept by the store in its own column. */
double     atl_style_panel_get_exploration  (AtlStylePanel  *self);
void       atl_style_panel_set_exploration  (AtlStylePanel  *self,
                                             double          exploration);
/* Key, tempo and timbre over params' other fields. */
void       atl_style_panel_apply_synth      (AtlStylePanel  *self,
                                             AtlSynthParams *params);

G_END_DECLS
