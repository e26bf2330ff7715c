/* test-window.c: opens the real studio window on a real display (Xvfb in CI), checks the
 * shell's widgets and actions, opens each secondary window, and writes a screenshot of
 * the main window to $ATL_BUILD_DIR/screenshots/studio.png for people to look at.
 */
#include <adwaita.h>
#include <glib/gstdio.h>

#include "../asan-full-unwind.h"
#include "atl-application.h"
#include "atl-preferences-window.h"
#include "atl-window.h"
#include "ui-test-common.h"

static AtlApplication *app;

static gboolean
count_frame_cb (GtkWidget     *widget,
                GdkFrameClock *clock,
                gpointer       user_data)
{
  int *frames = user_data;

  (*frames)++;
  return G_SOURCE_CONTINUE;
}

/* Runs the main loop until the widget has been painted a few times. */
static void
wait_for_frames (GtkWidget *widget,
                 int        wanted)
{
  int frames = 0;
  guint id = gtk_widget_add_tick_callback (widget, count_frame_cb, &frames, NULL);
  gint64 deadline = g_get_monotonic_time () + 10 * G_USEC_PER_SEC;

  while (frames < wanted && g_get_monotonic_time () < deadline)
    g_main_context_iteration (NULL, TRUE);
  gtk_widget_remove_tick_callback (widget, id);
  g_assert_cmpint (frames, >=, wanted);
}

static void
wait_idle (void)
{
  for (int i = 0; i < 50 && g_main_context_pending (NULL); i++)
    g_main_context_iteration (NULL, FALSE);
}

static GtkWidget *
find_descendant (GtkWidget *root,
                 GType      type)
{
  if (g_type_is_a (G_OBJECT_TYPE (root), type))
    return root;
  for (GtkWidget *child = gtk_widget_get_first_child (root); child != NULL;
       child = gtk_widget_get_next_sibling (child))
    {
      GtkWidget *found = find_descendant (child, type);

      if (found != NULL)
        return found;
    }
  return NULL;
}

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

static GtkWindow *
find_toplevel (GType type)
{
  g_autoptr(GListModel) toplevels = g_object_ref (gtk_window_get_toplevels ());

  for (guint i = 0; i < g_list_model_get_n_items (toplevels); i++)
    {
      g_autoptr(GtkWindow) window = g_list_model_get_item (toplevels, i);

      if (g_type_is_a (G_OBJECT_TYPE (window), type) && gtk_widget_get_visible (GTK_WIDGET (window)))
        return window;
    }
  return NULL;
}

static void
save_screenshot (GtkWidget  *widget,
                 const char *path)
{
  g_autoptr(GdkPaintable) paintable = gtk_widget_paintable_new (widget);
  GtkSnapshot *snapshot = gtk_snapshot_new ();
  g_autoptr(GskRenderNode) node = NULL;
  g_autoptr(GdkTexture) texture = NULL;
  int width = gtk_widget_get_width (widget);
  int height = gtk_widget_get_height (widget);
  GskRenderer *renderer = gtk_native_get_renderer (GTK_NATIVE (widget));

  gdk_paintable_snapshot (paintable, snapshot, width, height);
  node = gtk_snapshot_free_to_node (snapshot);
  g_assert_nonnull (node);
  texture = gsk_renderer_render_texture (renderer, node,
                                         &GRAPHENE_RECT_INIT (0, 0, width, height));
  g_assert_true (gdk_texture_save_to_png (texture, path));
}

static AtlWindow *
get_window (void)
{
  GtkWindow *window = gtk_application_get_active_window (GTK_APPLICATION (app));

  g_assert_true (ATL_IS_WINDOW (window));
  return ATL_WINDOW (window);
}

static void
test_window_shell (void)
{
  AtlWindow *window = get_window ();
  GtkWidget *header, *switcher, *overlay;
  AdwViewStack *stack;
  GtkWidget *status;

  wait_for_frames (GTK_WIDGET (window), 3);
  g_assert_true (gtk_widget_get_mapped (GTK_WIDGET (window)));
  g_assert_cmpstr (gtk_window_get_title (GTK_WINDOW (window)), ==, "Atelier");

  header = find_descendant (GTK_WIDGET (window), ADW_TYPE_HEADER_BAR);
  switcher = find_descendant (GTK_WIDGET (window), ADW_TYPE_VIEW_SWITCHER_TITLE);
  overlay = find_descendant (GTK_WIDGET (window), ADW_TYPE_TOAST_OVERLAY);
  stack = ADW_VIEW_STACK (find_descendant (GTK_WIDGET (window), ADW_TYPE_VIEW_STACK));
  g_assert_nonnull (header);
  g_assert_nonnull (switcher);
  g_assert_nonnull (overlay);
  g_assert_nonnull (stack);
  g_assert_nonnull (adw_view_stack_get_child_by_name (stack, "art"));
  g_assert_nonnull (adw_view_stack_get_child_by_name (stack, "music"));

  /* No base model is installed here: the grid says so plainly instead of failing. */
  {
    gint64 deadline = g_get_monotonic_time () + 20 * G_USEC_PER_SEC;

    status = find_descendant (adw_view_stack_get_visible_child (stack), ADW_TYPE_STATUS_PAGE);
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
  AtlWindow *window = get_window ();
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
  AtlWindow *window = get_window ();
  AdwViewStack *stack = ADW_VIEW_STACK (find_descendant (GTK_WIDGET (window),
                                                         ADW_TYPE_VIEW_STACK));
  GSettings *settings = atl_application_get_settings (app);
  g_autofree char *domain = NULL;

  gtk_widget_activate_action (GTK_WIDGET (window), "win.domain", "s", "music");
  wait_idle ();
  g_assert_cmpstr (adw_view_stack_get_visible_child_name (stack), ==, "music");
  domain = g_settings_get_string (settings, "last-domain");
  g_assert_cmpstr (domain, ==, "music");

  gtk_widget_activate_action (GTK_WIDGET (window), "win.domain", "s", "art");
  wait_idle ();
  g_assert_cmpstr (adw_view_stack_get_visible_child_name (stack), ==, "art");
}

static void
test_window_secondary (void)
{
  AtlWindow *window = get_window ();
  GtkWindow *prefs, *about, *shortcuts;
  GSettings *settings = atl_application_get_settings (app);

  g_action_group_activate_action (G_ACTION_GROUP (app), "preferences", NULL);
  wait_idle ();
  prefs = find_toplevel (ATL_TYPE_PREFERENCES_WINDOW);
  g_assert_nonnull (prefs);
  wait_for_frames (GTK_WIDGET (prefs), 2);
  {
    GtkSpinButton *spin = GTK_SPIN_BUTTON (find_descendant (GTK_WIDGET (prefs),
                                                            GTK_TYPE_SPIN_BUTTON));
    AdwComboRow *combo = ADW_COMBO_ROW (find_descendant (GTK_WIDGET (prefs),
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
  wait_idle ();
  about = find_toplevel (ADW_TYPE_ABOUT_WINDOW);
  g_assert_nonnull (about);
  g_assert_cmpstr (adw_about_window_get_application_name (ADW_ABOUT_WINDOW (about)), ==,
                   "Atelier");
  gtk_window_destroy (about);

  gtk_widget_activate_action (GTK_WIDGET (window), "win.show-help-overlay", NULL);
  wait_idle ();
  shortcuts = find_toplevel (GTK_TYPE_SHORTCUTS_WINDOW);
  g_assert_nonnull (shortcuts);
  gtk_widget_set_visible (GTK_WIDGET (shortcuts), FALSE);
}

static void
test_window_toast_and_screenshot (void)
{
  AtlWindow *window = get_window ();
  const char *build_dir = g_getenv ("ATL_BUILD_DIR");
  g_autofree char *dir = g_build_filename (build_dir ? build_dir : ".", "screenshots", NULL);
  g_autofree char *path = g_build_filename (dir, "studio.png", NULL);

  atl_window_add_toast (window, adw_toast_new ("Welcome to Atelier"));
  /* Long enough for the toast's slide-in animation to finish (about 250 ms). */
  wait_for_frames (GTK_WIDGET (window), 30);

  g_mkdir_with_parents (dir, 0755);
  save_screenshot (GTK_WIDGET (window), path);
  g_assert_true (g_file_test (path, G_FILE_TEST_EXISTS));
  g_test_message ("screenshot: %s", path);
}

static void
activate_cb (GApplication *application,
             gpointer      user_data)
{
  int *status = user_data;

  /* The default handler has presented the window; run the tests inside the app. */
  *status = g_test_run ();
  g_application_quit (application);
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
  g_signal_connect_after (app, "activate", G_CALLBACK (activate_cb), &status);
  g_application_run (G_APPLICATION (app), 0, NULL);
  g_clear_object (&app);
  ui_test_cleanup (root);
  return status;
}
