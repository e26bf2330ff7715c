/* test-window.c: opens the real studio window on a real display (Xvfb in CI), checks the
 * shell's widgets and actions, opens each secondary window, and writes a screenshot of
 * the main window to $ATL_BUILD_DIR/screenshots/studio.png for people to look at.
 */
#include <adwaita.h>

#include "../asan-full-unwind.h"
#include "atl-application.h"
#include "atl-preferences-window.h"
#include "atl-window.h"
#include "ui-test-common.h"

static AtlApplication *app;

/* The menu model of the first menu button below root that has one: the primary menu. */
static GMenuModel *
find_menu_model (GtkWidget *root)
{
  if (GTK_IS_MENU_BUTTON (root) && gtk_menu_button_get_menu_model (GTK_MENU_BUTTON (root)))
    return gtk_menu_button_get_menu_model (GTK_MENU_BUTTON (root));
  for (GtkWidget *child = gtk_widget_get_first_child (root); child != NULL;
       child = gtk_widget_get_next_sibling (child))
    {
      GMenuModel *found = find_menu_model (child);

      if (found != NULL)
        return found;
    }
  return NULL;
}

static void
test_window_shell (void)
{
  AtlWindow *window = ui_test_get_window ();
  GtkWidget *header, *switcher, *overlay;
  AdwViewStack *stack;
  GtkWidget *status;

  ui_test_wait_for_frames (GTK_WIDGET (window), 3);
  g_assert_true (gtk_widget_get_mapped (GTK_WIDGET (window)));
  g_assert_cmpstr (gtk_window_get_title (GTK_WINDOW (window)), ==, "Atelier");

  header = ui_test_find_descendant (GTK_WIDGET (window), ADW_TYPE_HEADER_BAR);
  switcher = ui_test_find_descendant (GTK_WIDGET (window), ADW_TYPE_VIEW_SWITCHER_TITLE);
  overlay = ui_test_find_descendant (GTK_WIDGET (window), ADW_TYPE_TOAST_OVERLAY);
  stack = ADW_VIEW_STACK (ui_test_find_descendant (GTK_WIDGET (window), ADW_TYPE_VIEW_STACK));
  g_assert_nonnull (header);
  g_assert_nonnull (switcher);
  g_assert_nonnull (overlay);
  g_assert_nonnull (stack);
  g_assert_nonnull (adw_view_stack_get_child_by_name (stack, "art"));
  g_assert_nonnull (adw_view_stack_get_child_by_name (stack, "music"));

  /* No base model is installed here: the grid says so plainly instead of failing. */
  {
    gint64 deadline = g_get_monotonic_time () + 20 * G_USEC_PER_SEC;

    status = ui_test_find_descendant (adw_view_stack_get_visible_child (stack),
                                      ADW_TYPE_STATUS_PAGE);
    g_assert_nonnull (status);
    /* Never block in the main loop: with nothing left to do, an iteration would wait
     * forever and the deadline would never be checked. */
    while (g_strcmp0 (adw_status_page_get_title (ADW_STATUS_PAGE (status)),
                      "The art model is not installed") != 0
           && g_get_monotonic_time () < deadline)
      if (!g_main_context_iteration (NULL, FALSE))
        g_usleep (10000);
    g_assert_cmpstr (adw_status_page_get_title (ADW_STATUS_PAGE (status)), ==,
                     "The art model is not installed");
    g_assert_true (gtk_widget_is_drawable (status));
  }
}

static void
test_window_menu (void)
{
  AtlWindow *window = ui_test_get_window ();
  GtkWidget *root = GTK_WIDGET (window);
  GMenuModel *menu = NULL;
  g_autoptr(GString) actions = g_string_new (NULL);

  menu = find_menu_model (root);
  g_assert_nonnull (menu);

  /* Section 0 holds the items; collect their actions. */
  {
    GMenuModel *section = g_menu_model_get_item_link (menu, 0, G_MENU_LINK_SECTION);

    g_assert_nonnull (section);
    for (int i = 0; i < g_menu_model_get_n_items (section); i++)
      {
        g_autofree char *action = NULL;

        g_menu_model_get_item_attribute (section, i, G_MENU_ATTRIBUTE_ACTION, "s", &action);
        g_string_append_printf (actions, "%s ", action);
      }
    g_object_unref (section);
  }
  g_assert_cmpstr (actions->str, ==, "app.preferences win.show-help-overlay app.about ");

  g_assert_true (g_action_map_lookup_action (G_ACTION_MAP (app), "preferences") != NULL);
  g_assert_true (g_action_map_lookup_action (G_ACTION_MAP (app), "about") != NULL);
  g_assert_true (g_action_map_lookup_action (G_ACTION_MAP (window), "show-help-overlay") != NULL);
}

static void
test_window_domain_switch (void)
{
  AtlWindow *window = ui_test_get_window ();
  AdwViewStack *stack = ADW_VIEW_STACK (ui_test_find_descendant (GTK_WIDGET (window),
                                                                 ADW_TYPE_VIEW_STACK));
  GSettings *settings = atl_application_get_settings (app);
  g_autofree char *domain = NULL;

  gtk_widget_activate_action (GTK_WIDGET (window), "win.domain", "s", "music");
  ui_test_wait_idle ();
  g_assert_cmpstr (adw_view_stack_get_visible_child_name (stack), ==, "music");
  domain = g_settings_get_string (settings, "last-domain");
  g_assert_cmpstr (domain, ==, "music");

  gtk_widget_activate_action (GTK_WIDGET (window), "win.domain", "s", "art");
  ui_test_wait_idle ();
  g_assert_cmpstr (adw_view_stack_get_visible_child_name (stack), ==, "art");
}

static void
test_window_secondary (void)
{
  AtlWindow *window = ui_test_get_window ();
  GtkWindow *prefs, *about, *shortcuts;
  GSettings *settings = atl_application_get_settings (app);

  g_action_group_activate_action (G_ACTION_GROUP (app), "preferences", NULL);
  ui_test_wait_idle ();
  prefs = ui_test_find_toplevel (ATL_TYPE_PREFERENCES_WINDOW);
  g_assert_nonnull (prefs);
  ui_test_wait_for_frames (GTK_WIDGET (prefs), 2);
  {
    GtkSpinButton *spin = GTK_SPIN_BUTTON (ui_test_find_descendant (GTK_WIDGET (prefs),
                                                                    GTK_TYPE_SPIN_BUTTON));
    AdwComboRow *combo = ADW_COMBO_ROW (ui_test_find_descendant (GTK_WIDGET (prefs),
                                                                 ADW_TYPE_COMBO_ROW));

    /* The rows are bound to the settings both ways. */
    g_assert_cmpint (gtk_spin_button_get_value_as_int (spin), ==,
                     g_settings_get_int (settings, "grid-size"));
    gtk_spin_button_set_value (spin, 9);
    g_assert_cmpint (g_settings_get_int (settings, "grid-size"), ==, 9);
    g_assert_cmpuint (adw_combo_row_get_selected (combo), ==, 1);
    adw_combo_row_set_selected (combo, 0);
    g_assert_cmpint (g_settings_get_int (settings, "sample-rate"), ==, 44100);
    g_settings_reset (settings, "grid-size");
    g_settings_reset (settings, "sample-rate");
  }
  {
    /* Training, instrument and export rows, by their template ids. */
    GObject *timbre = gtk_widget_get_template_child (GTK_WIDGET (prefs), ATL_TYPE_PREFERENCES_WINDOW, "timbre_row");
    GObject *every = gtk_widget_get_template_child (GTK_WIDGET (prefs), ATL_TYPE_PREFERENCES_WINDOW, "train_every_spin");
    GObject *image = gtk_widget_get_template_child (GTK_WIDGET (prefs), ATL_TYPE_PREFERENCES_WINDOW, "image_format_row");
    GObject *audio = gtk_widget_get_template_child (GTK_WIDGET (prefs), ATL_TYPE_PREFERENCES_WINDOW, "audio_format_row");
    GObject *size = gtk_widget_get_template_child (GTK_WIDGET (prefs), ATL_TYPE_PREFERENCES_WINDOW, "png_size_spin");
    GObject *pattern = gtk_widget_get_template_child (GTK_WIDGET (prefs), ATL_TYPE_PREFERENCES_WINDOW, "pattern_row");
    g_autofree char *shot = NULL;

    adw_combo_row_set_selected (ADW_COMBO_ROW (timbre), 2);
    g_free (shot);
    shot = g_settings_get_string (settings, "default-timbre");
    g_assert_cmpstr (shot, ==, "flute");
    g_settings_set_string (settings, "default-timbre", "bell");
    g_assert_cmpuint (adw_combo_row_get_selected (ADW_COMBO_ROW (timbre)), ==, 3);
    gtk_spin_button_set_value (GTK_SPIN_BUTTON (every), 40);
    g_assert_cmpint (g_settings_get_int (settings, "train-every"), ==, 40);
    adw_combo_row_set_selected (ADW_COMBO_ROW (image), 1);
    g_assert_cmpuint (g_settings_get_uint (settings, "export-image-format"), ==, 1);
    adw_combo_row_set_selected (ADW_COMBO_ROW (audio), 4);
    g_assert_cmpuint (g_settings_get_uint (settings, "export-audio-format"), ==, 4);
    gtk_spin_button_set_value (GTK_SPIN_BUTTON (size), 1024);
    g_assert_cmpint (g_settings_get_int (settings, "export-png-size"), ==, 1024);
    gtk_editable_set_text (GTK_EDITABLE (pattern), "{title}-{seed}");
    g_free (shot);
    shot = g_settings_get_string (settings, "export-pattern");
    g_assert_cmpstr (shot, ==, "{title}-{seed}");
    g_free (shot);
    ui_test_wait_for_frames (GTK_WIDGET (prefs), 5);
    shot = ui_test_screenshot (GTK_WIDGET (prefs), "preferences");
    g_settings_reset (settings, "default-timbre");
    g_settings_reset (settings, "train-every");
    g_settings_reset (settings, "export-image-format");
    g_settings_reset (settings, "export-audio-format");
    g_settings_reset (settings, "export-png-size");
    g_settings_reset (settings, "export-pattern");
  }
  gtk_window_destroy (prefs);

  g_action_group_activate_action (G_ACTION_GROUP (app), "about", NULL);
  ui_test_wait_idle ();
  about = ui_test_find_toplevel (ADW_TYPE_ABOUT_WINDOW);
  g_assert_nonnull (about);
  g_assert_cmpstr (adw_about_window_get_application_name (ADW_ABOUT_WINDOW (about)), ==,
                   "Atelier");
  gtk_window_destroy (about);

  gtk_widget_activate_action (GTK_WIDGET (window), "win.show-help-overlay", NULL);
  ui_test_wait_idle ();
  shortcuts = ui_test_find_toplevel (GTK_TYPE_SHORTCUTS_WINDOW);
  g_assert_nonnull (shortcuts);
  gtk_widget_set_visible (GTK_WIDGET (shortcuts), FALSE);
}

static void
test_window_toast_and_screenshot (void)
{
  AtlWindow *window = ui_test_get_window ();
  g_autofree char *path = ui_test_screenshot_path ("studio");

  atl_window_add_toast (window, adw_toast_new ("Welcome to Atelier"));
  /* Long enough for the toast's slide-in animation to finish (about 250 ms). */
  ui_test_wait_for_frames (GTK_WIDGET (window), 30);

  /* The toast is the point here, so not ui_test_screenshot, which dismisses it first. */
  ui_test_save_png (GTK_WIDGET (window), path);
  g_assert_true (g_file_test (path, G_FILE_TEST_EXISTS));
}

int
main (int argc, char **argv)
{
  g_autofree char *root = NULL;
  int status = 1;

  gtk_test_init (&argc, &argv, NULL);
  adw_init ();
  /* A private, empty store and no base models: the studio's first run on a bare system. */
  root = ui_test_setup_store_and_models (FALSE, FALSE);

  g_test_add_func ("/ui/window/shell", test_window_shell);
  g_test_add_func ("/ui/window/menu", test_window_menu);
  g_test_add_func ("/ui/window/domain-switch", test_window_domain_switch);
  g_test_add_func ("/ui/window/secondary-windows", test_window_secondary);
  g_test_add_func ("/ui/window/toast-and-screenshot", test_window_toast_and_screenshot);

  app = atl_application_new ();
  g_application_set_flags (G_APPLICATION (app), G_APPLICATION_NON_UNIQUE);
  g_signal_connect_after (app, "activate", G_CALLBACK (ui_test_run_tests_cb), &status);
  g_application_run (G_APPLICATION (app), 0, NULL);
  g_clear_object (&app);
  ui_test_cleanup (root);
  return status;
}
