/* ui-test-common.h: what the studio's UI tests share — a private store and small base
 * models made on the spot, main-loop helpers, and screenshots into
 * $ATL_BUILD_DIR/screenshots.
 */
#pragma once

#include <adwaita.h>

/* Points the store at a new temporary folder and ATL_MODELS_DIR at a folder holding tiny
 * base models for the given domains (pretrained for a few steps so they look like
 * something); returns the temporary root (remove with ui_test_cleanup). */
char      *ui_test_setup_store_and_models (gboolean art,
                                           gboolean music);
void       ui_test_cleanup                (const char *root);

void       ui_test_wait_for_frames        (GtkWidget  *widget,
                                           int         wanted);
void       ui_test_wait_idle              (void);
/* Iterates the main loop until predicate(data) or the timeout (seconds) passes. */
gboolean   ui_test_wait_until             (gboolean  (*predicate) (gpointer data),
                                           gpointer    data,
                                           double      timeout_s);
GtkWidget *ui_test_find_descendant        (GtkWidget  *root,
                                           GType       type);
GtkWindow *ui_test_find_toplevel          (GType       type);
/* Dismisses the toasts of widget's window, queued ones too, and waits until they are gone. */
void       ui_test_dismiss_toasts         (GtkWidget  *widget);
/* Renders widget, its window cleared of toasts, and writes
 * $ATL_BUILD_DIR/screenshots/<name>.png; returns the path. */
char      *ui_test_screenshot             (GtkWidget  *widget,
                                           const char *name);
