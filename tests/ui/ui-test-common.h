/* ui-test-common.h: what the studio's UI tests share — a private store and small base
 * models made on the spot, main-loop helpers, and screenshots into
 * $ATL_BUILD_DIR/screenshots.
 */
#pragma once

#include <adwaita.h>

#include "atl-window.h"

/* Points the store at a new temporary folder and ATL_MODELS_DIR at a folder holding tiny
 * base models for the given domains (pretrained for a few steps so they look like
 * something); returns the temporary root (remove with ui_test_cleanup). */
char      *ui_test_setup_store_and_models (gboolean art,
                                           gboolean music);
void       ui_test_cleanup                (const char *root);

/* An "activate" handler (connect it after the default one, which presents the window):
 * runs the tests inside the application, stores g_test_run's result in the int that
 * user_data points to, and quits. */
void       ui_test_run_tests_cb           (GApplication *application,
                                           gpointer      user_data);
/* The default application's active window, which must be the studio's. */
AtlWindow *ui_test_get_window             (void);
/* For ui_test_wait_until: TRUE once the AtlGridView data is not busy and has a work in
 * every cell. */
gboolean   ui_test_grid_ready             (gpointer    data);

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
/* The parts of ui_test_screenshot, for a screenshot that must show a toast: the path for
 * name (its folder made), and widget rendered as it is into path. */
char      *ui_test_screenshot_path        (const char *name);
void       ui_test_save_png               (GtkWidget  *widget,
                                           const char *path);
