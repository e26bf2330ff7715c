/* ui-test-common.c: shared helpers of the UI tests. */
#include "ui-test-common.h"

#include <glib/gstdio.h>

#include "atl-domain.h"
#include "atl-grid-view.h"
#include "atl-model.h"
#include "atl-paths.h"
#include "atl-pretrainer.h"
#include "atl-rng.h"

static void
make_model (AtlDomain   domain,
            const char *dir)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *path = g_strdup_printf ("%s/%s-base.safetensors", dir,
                                           atl_domain_to_string (domain));
  g_autofree char *source = NULL;
  AtlTokenSet *train = NULL, *val = NULL;
  AtlPolicyConfig config;
  AtlPretrainConfig pretrain;
  AtlPolicy *policy = NULL;
  AtlMsg msg = { { 0 } };
  AtlRng rng;

  if (domain == ATL_DOMAIN_ART)
    source = g_strdup ("procedural");
  else
    {
      source = g_build_filename (g_getenv ("ATL_SOURCE_DIR"), "..", "shared", "data",
                                 "nottingham", "jigs.abc", NULL);
      /* Without the shared corpus beside the checkout, two small tunes will do: the
       * tests need a model that has seen music, not a good one. */
      if (!g_file_test (source, G_FILE_TEST_EXISTS))
        {
          static const char tunes[] =
            "X:1\nT:Test jig\nM:6/8\nL:1/8\nK:G\n"
            "|:GAB c2A|BGG G2D|GAB c2A|BGE D3|GAB c2A|BGG G2B|cBA BAG|AFD G3:|\n"
            "X:2\nT:Test reel\nM:4/4\nL:1/8\nK:D\n"
            "|:d2fd Adfd|c2ec Aece|d2fd Adfd|edcB A4|d2fd Adfd|c2ec Aece|dcBA GFED|E2F2 D4:|\n";

          g_free (source);
          source = g_build_filename (dir, "tunes.abc", NULL);
          g_assert_true (g_file_set_contents (source, tunes, -1, NULL));
        }
    }
  g_assert_true (atl_domain_load_corpus (domain, source, 400, 7, &train, &val, NULL, &error));
  g_assert_no_error (error);

  atl_domain_default_config (domain, &config);
  config.d_model = 32;
  config.n_layer = 1;
  config.n_head = 2;
  g_assert_cmpint (atl_policy_new (&config, &policy, &msg), ==, ATL_OK);
  atl_rng_seed (&rng, 11);
  atl_policy_init_weights (policy, &rng);
  atl_pretrain_config_init (&pretrain);
  pretrain.steps = 60;
  pretrain.batch = 8;
  pretrain.lr = 3e-3f;
  pretrain.warmup = 5;
  pretrain.eval_every = 0;
  g_assert_true (atl_pretrain_run (policy, train, NULL, &pretrain, NULL, NULL, NULL, NULL, &error));
  g_assert_true (atl_model_save (policy, atl_domain_get_codec (domain), NULL, path, NULL, &error));
  g_assert_no_error (error);
  atl_policy_free (policy);
  atl_token_set_free (train);
  atl_token_set_free (val);
}

char *
ui_test_setup_store_and_models (gboolean art,
                                gboolean music)
{
  g_autoptr(GError) error = NULL;
  char *root = g_dir_make_tmp ("atelier-ui-XXXXXX", &error);
  g_autofree char *store = g_build_filename (root, "store", NULL);
  g_autofree char *models = g_build_filename (root, "models", NULL);

  g_assert_no_error (error);
  g_mkdir_with_parents (models, 0700);
  atl_paths_set_store_dir (store);
  g_setenv ("ATL_MODELS_DIR", models, TRUE);
  if (art)
    make_model (ATL_DOMAIN_ART, models);
  if (music)
    make_model (ATL_DOMAIN_MUSIC, models);
  return root;
}

static void
remove_tree (GFile *file)
{
  g_autoptr(GFileEnumerator) children =
    g_file_enumerate_children (file, G_FILE_ATTRIBUTE_STANDARD_NAME,
                               G_FILE_QUERY_INFO_NOFOLLOW_SYMLINKS, NULL, NULL);
  GFileInfo *info;

  while (children != NULL && (info = g_file_enumerator_next_file (children, NULL, NULL)) != NULL)
    {
      g_autoptr(GFile) child = g_file_get_child (file, g_file_info_get_name (info));

      remove_tree (child);
      g_object_unref (info);
    }
  g_file_delete (file, NULL, NULL);
}

void
ui_test_cleanup (const char *root)
{
  g_autoptr(GFile) file = g_file_new_for_path (root);

  remove_tree (file);
}

void
ui_test_run_tests_cb (GApplication *application,
                      gpointer      user_data)
{
  int *status = user_data;

  *status = g_test_run ();
  g_application_quit (application);
}

AtlWindow *
ui_test_get_window (void)
{
  GApplication *app = g_application_get_default ();
  GtkWindow *window = gtk_application_get_active_window (GTK_APPLICATION (app));

  g_assert_true (ATL_IS_WINDOW (window));
  return ATL_WINDOW (window);
}

gboolean
ui_test_grid_ready (gpointer data)
{
  AtlGridView *view = data;

  if (atl_grid_view_get_busy (view) || atl_grid_view_get_grid_id (view) == 0)
    return FALSE;
  for (guint i = 0; i < atl_grid_view_get_n_items (view); i++)
    if (atl_grid_view_get_item (view, i) == NULL)
      return FALSE;
  return TRUE;
}

static gboolean
count_frame_cb (GtkWidget     *widget,
                GdkFrameClock *clock,
                gpointer       user_data)
{
  int *frames = user_data;

  (*frames)++;
  return G_SOURCE_CONTINUE;
}

void
ui_test_wait_for_frames (GtkWidget *widget,
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

void
ui_test_wait_idle (void)
{
  for (int i = 0; i < 50 && g_main_context_pending (NULL); i++)
    g_main_context_iteration (NULL, FALSE);
}

static gboolean
timeout_cb (gpointer data)
{
  return G_SOURCE_CONTINUE;
}

gboolean
ui_test_wait_until (gboolean (*predicate) (gpointer data),
                    gpointer   data,
                    double     timeout_s)
{
  gint64 deadline = g_get_monotonic_time () + (gint64) (timeout_s * G_USEC_PER_SEC);
  /* A heartbeat so the blocking iteration wakes up to look at the clock. */
  guint beat = g_timeout_add (20, timeout_cb, NULL);
  gboolean ok;

  while (!(ok = predicate (data)) && g_get_monotonic_time () < deadline)
    g_main_context_iteration (NULL, TRUE);
  g_source_remove (beat);
  return ok;
}

GtkWidget *
ui_test_find_descendant (GtkWidget *root,
                         GType      type)
{
  if (g_type_is_a (G_OBJECT_TYPE (root), type))
    return root;
  for (GtkWidget *child = gtk_widget_get_first_child (root); child != NULL;
       child = gtk_widget_get_next_sibling (child))
    {
      GtkWidget *found = ui_test_find_descendant (child, type);

      if (found != NULL)
        return found;
    }
  return NULL;
}

GtkWindow *
ui_test_find_toplevel (GType type)
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

void
ui_test_dismiss_toasts (GtkWidget *widget)
{
  /* AdwToastWidget is private; its type name and "toast" property are what is public. */
  GType type = g_type_from_name ("AdwToastWidget");
  GtkWidget *root = GTK_WIDGET (gtk_widget_get_root (widget));
  g_autoptr(GPtrArray) dismissed = g_ptr_array_new_with_free_func (g_object_unref);
  gint64 deadline = g_get_monotonic_time () + 10 * G_USEC_PER_SEC;
  int quiet = 0;

  if (type == 0 || root == NULL)
    return;
  /* Queued toasts show once the one before has gone, so the window must stay free of them
   * for a while (a toast slides in within a few frames of its predecessor leaving). */
  while (quiet < 15 && g_get_monotonic_time () < deadline)
    {
      GtkWidget *shown = ui_test_find_descendant (root, type);
      AdwToast *toast = NULL;

      quiet = shown == NULL ? quiet + 1 : 0;
      if (shown != NULL)
        g_object_get (shown, "toast", &toast, NULL);
      if (toast != NULL && !g_ptr_array_find (dismissed, toast, NULL))
        {
          adw_toast_dismiss (toast);
          g_ptr_array_add (dismissed, g_object_ref (toast));
        }
      g_clear_object (&toast);
      ui_test_wait_for_frames (root, 1);
    }
  g_assert_null (ui_test_find_descendant (root, type));
}

char *
ui_test_screenshot_path (const char *name)
{
  const char *build_dir = g_getenv ("ATL_BUILD_DIR");
  g_autofree char *dir = g_build_filename (build_dir ? build_dir : ".", "screenshots", NULL);
  g_autofree char *file = g_strconcat (name, ".png", NULL);

  g_mkdir_with_parents (dir, 0755);
  return g_build_filename (dir, file, NULL);
}

void
ui_test_save_png (GtkWidget  *widget,
                  const char *path)
{
  g_autoptr(GdkPaintable) paintable = gtk_widget_paintable_new (widget);
  GtkSnapshot *snapshot = gtk_snapshot_new ();
  g_autoptr(GskRenderNode) node = NULL;
  g_autoptr(GdkTexture) texture = NULL;
  int width = gtk_widget_get_width (widget);
  int height = gtk_widget_get_height (widget);
  GskRenderer *renderer = gtk_native_get_renderer (gtk_widget_get_native (widget));

  gdk_paintable_snapshot (paintable, snapshot, width, height);
  node = gtk_snapshot_free_to_node (snapshot);
  g_assert_nonnull (node);
  texture = gsk_renderer_render_texture (renderer, node,
                                         &GRAPHENE_RECT_INIT (0, 0, width, height));
  g_assert_true (gdk_texture_save_to_png (texture, path));
  g_test_message ("screenshot: %s", path);
}

char *
ui_test_screenshot (GtkWidget  *widget,
                    const char *name)
{
  char *path = ui_test_screenshot_path (name);

  /* A screenshot shows the screen, not the feedback of the step before it. */
  ui_test_dismiss_toasts (widget);
  ui_test_save_png (widget, path);
  return path;
}
