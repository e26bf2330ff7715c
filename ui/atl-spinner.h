/* atl-spinner.h: a waiting indicator that turns by redrawing itself, never by restyling.
 *
 * GTK 4.8's GtkSpinner turns through a CSS transform animation: on every frame it restyles
 * the window and reallocates the spinner's parent, so the window runs its layout phase,
 * which under X11 asks the server for the monitor's work area (synchronous round trips).
 * With a dozen waiting tiles that is every frame of a round drawing in, and on a busy
 * machine one round trip can take longer than a frame. This one draws an arc from a tick
 * callback and queues only a redraw; it turns while spinning and mapped.
 */
#pragma once

#include <gtk/gtk.h>

G_BEGIN_DECLS

#define ATL_TYPE_SPINNER (atl_spinner_get_type ())
G_DECLARE_FINAL_TYPE (AtlSpinner, atl_spinner, ATL, SPINNER, GtkWidget)

GtkWidget *atl_spinner_new          (void);
void       atl_spinner_set_spinning (AtlSpinner *self,
                                     gboolean    spinning);
gboolean   atl_spinner_get_spinning (AtlSpinner *self);
/* TRUE while it is actually turning: spinning and on screen. */
gboolean   atl_spinner_get_turning  (AtlSpinner *self);

G_END_DECLS
