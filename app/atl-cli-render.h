/* atl-cli-render.h: `atelier synth-demo`, the built-in tune rendered to every format. */
#pragma once

#include <glib.h>

#include "atl-melody.h"

G_BEGIN_DECLS

/* The demo tune: the first eight bars of Beethoven's "Ode to Joy", 4/4, major. */
void     atl_cli_demo_melody   (AtlMelody *melody);

gboolean atl_cli_synth_demo_cb (int      argc,
                                char   **argv,
                                GError **error);

G_END_DECLS
