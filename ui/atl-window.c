/* atl-window.c: the studio window: header bar, the Art/Music grids, the toast overlay.
 *
 * The layout lives in atl-window.ui; this file opens the store, binds the window to its
 * settings and hands each grid view its domain's session. Sessions and versions are in
 * atl-window-sessions.c, single works (open, export) in atl-window-works.c.
 */
#include "atl-window-private.h"

#include <glib/gi18n.h>

#include "atl-application.h"
#include "atl-collection-view.h"
#include "atl-config.h"
#include "atl-taste-check.h"

G_DEFINE_FINAL_TYPE (AtlWindow, atl_window, ADW_TYPE_APPLICATION_WINDOW)

void
_atl_window_toast (AtlWindow  *self,
                   const char *message)
{
  adw_toast_overlay_add_toast (self->toast_overlay, adw_toast_new (message));
}

AtlDomain
_atl_window_get_domain (AtlWindow *self)
{
  return g_settings_get_enum (self->settings, "last-domain") == 1 ? ATL_DOMAIN_MUSIC
                                                                   : ATL_DOMAIN_ART;
}

AtlGridView *
_atl_window_get_view (AtlWindow *self,
                      AtlDomain  domain)
{
  return domain == ATL_DOMAIN_ART ? self->art_view : self->music_view;
}

AtlGridView *
_atl_window_get_current_view (AtlWindow *self)
{
  return _atl_window_get_view (self, _atl_window_get_domain (self));
}

/* The stack shows art, music or the collection; only the first two are a domain. */
static void
visible_page_cb (AtlWindow *self)
{
  const char *name = adw_view_stack_get_visible_child_name (self->view_stack);

  if (g_strcmp0 (name, "art") == 0 || g_strcmp0 (name, "music") == 0)
    g_settings_set_string (self->settings, "last-domain", name);
  else if (g_strcmp0 (name, "collection") == 0 && self->store != NULL)
    atl_collection_view_reload (ATL_COLLECTION_VIEW (self->collection_view));
  _atl_window_update_session_label (self);
}

/* Automatic training: after every N marks (settings: train-every) when Train is on. */
static void
picks_committed_cb (AtlGridView *view,
                    guint        n_marks,
                    AtlWindow   *self)
{
  self->picks_since_training += n_marks;
  atl_training_panel_refresh (self->training_panel);
  if (!g_settings_get_boolean (self->settings, "auto-train")
      || atl_training_panel_get_training (self->training_panel)
      || self->picks_since_training < (guint) g_settings_get_int (self->settings, "train-every"))
    return;
  /* The panel trains the shown domain's session: the one just picked in. */
  self->picks_since_training = 0;
  gtk_widget_activate_action (GTK_WIDGET (self->training_panel), "training.train-now", NULL);
}

static void
version_ready_cb (AtlTrainingPanel *panel,
                  gint64            version_id,
                  AtlWindow        *self)
{
  g_autoptr(AtlModelVersion) version = atl_store_get_version (self->store, version_id, NULL);
  g_autofree char *message = NULL;

  if (version == NULL)
    return;
  for (AtlDomain d = ATL_DOMAIN_ART; d <= ATL_DOMAIN_MUSIC; d++)
    if (atl_grid_view_get_session_id (_atl_window_get_view (self, d)) == version->session_id)
      atl_grid_view_reload_model (_atl_window_get_view (self, d));
  message = g_strdup_printf (_("Version %u is ready: the next round draws from it"),
                             version->number);
  _atl_window_toast (self, message);
  _atl_window_update_session_label (self);
}

static void
show_training_action_cb (GtkWidget  *widget,
                         const char *action_name,
                         GVariant   *parameter)
{
  AtlWindow *self = ATL_WINDOW (widget);

  gtk_toggle_button_set_active (self->training_toggle,
                                !gtk_toggle_button_get_active (self->training_toggle)
                                || parameter == NULL);
}

static void
taste_check_action_cb (GtkWidget  *widget,
                       const char *action_name,
                       GVariant   *parameter)
{
  AtlWindow *self = ATL_WINDOW (widget);
  gint64 session = atl_grid_view_get_session_id (_atl_window_get_current_view (self));

  if (self->store == NULL || session == 0)
    return;
  gtk_window_present (GTK_WINDOW (atl_taste_check_new (GTK_WINDOW (self), self->store, session, 8)));
}

static void
atl_window_constructed (GObject *object)
{
  AtlWindow *self = ATL_WINDOW (object);
  GtkApplication *app = gtk_window_get_application (GTK_WINDOW (self));
  g_autoptr(GPropertyAction) domain_action = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *domain = NULL;

  G_OBJECT_CLASS (atl_window_parent_class)->constructed (object);

  /* Share the application's settings when there is one (tests may build a bare window). */
  if (ATL_IS_APPLICATION (app))
    self->settings = g_object_ref (atl_application_get_settings (ATL_APPLICATION (app)));
  else
    self->settings = g_settings_new (APP_ID_BASE);

  g_settings_bind (self->settings, "window-width", self, "default-width",
                   G_SETTINGS_BIND_DEFAULT);
  g_settings_bind (self->settings, "window-height", self, "default-height",
                   G_SETTINGS_BIND_DEFAULT);
  g_settings_bind (self->settings, "window-maximized", self, "maximized",
                   G_SETTINGS_BIND_DEFAULT);
  g_settings_bind (self->settings, "auto-train", self->train_toggle, "active",
                   G_SETTINGS_BIND_DEFAULT);
  g_settings_bind (self->settings, "training-panel", self->training_toggle, "active",
                   G_SETTINGS_BIND_DEFAULT);
  domain = g_settings_get_string (self->settings, "last-domain");
  adw_view_stack_set_visible_child_name (self->view_stack, domain);
  g_signal_connect_swapped (self->view_stack, "notify::visible-child-name",
                            G_CALLBACK (visible_page_cb), self);

  /* win.domain::art / win.domain::music switch the view (Ctrl+1, Ctrl+2). */
  domain_action = g_property_action_new ("domain", self->view_stack, "visible-child-name");
  g_action_map_add_action (G_ACTION_MAP (self), G_ACTION (domain_action));

  self->player = atl_player_new ();
  self->store = atl_store_open_default (&error);
  if (self->store == NULL)
    {
      /* Nothing works without the store; say so where the grid would be. */
      g_warning ("Could not open the store: %s", error->message);
      _atl_window_toast (self, error->message);
      return;
    }
  atl_grid_view_setup (self->art_view, ATL_DOMAIN_ART, self->store, self->settings, self->player);
  atl_grid_view_setup (self->music_view, ATL_DOMAIN_MUSIC, self->store, self->settings,
                       self->player);
  atl_collection_view_setup (ATL_COLLECTION_VIEW (self->collection_view), self->store,
                             self->settings);
  g_signal_connect (self->art_view, "picks-committed", G_CALLBACK (picks_committed_cb), self);
  g_signal_connect (self->music_view, "picks-committed", G_CALLBACK (picks_committed_cb), self);
  g_signal_connect (self->training_panel, "version-ready", G_CALLBACK (version_ready_cb), self);
  _atl_window_setup_sessions (self);
}

static void
atl_window_dispose (GObject *object)
{
  AtlWindow *self = ATL_WINDOW (object);

  /* Picks on screen are saved when the window closes, like on "Next Round". */
  if (self->store != NULL && self->art_view != NULL)
    {
      atl_grid_view_commit_picks (self->art_view, NULL, NULL);
      atl_grid_view_commit_picks (self->music_view, NULL, NULL);
    }
  gtk_widget_dispose_template (GTK_WIDGET (self), ATL_TYPE_WINDOW);
  g_clear_object (&self->settings);
  if (self->player != NULL)
    atl_player_stop (self->player);
  g_clear_object (&self->player);
  g_clear_object (&self->store);
  G_OBJECT_CLASS (atl_window_parent_class)->dispose (object);
}

/* GTK's Cairo renderer (no usable GL: a virtual machine, a remote or virtual X display)
 * blurs box shadows on the CPU on every paint whose area reaches them: the grid's dozen
 * cards and the training plots' cards cost ~1 ms each, again at every tile arriving and
 * every plot step. There the window says so and style.css gives cards unblurred edges;
 * the GL renderers keep Adwaita's shadows, which cost them nothing. */
static void
atl_window_realize (GtkWidget *widget)
{
  GskRenderer *renderer;

  GTK_WIDGET_CLASS (atl_window_parent_class)->realize (widget);
  renderer = gtk_native_get_renderer (GTK_NATIVE (widget));
  if (renderer != NULL && GSK_IS_CAIRO_RENDERER (renderer))
    gtk_widget_add_css_class (widget, "software-rendering");
}

static void
atl_window_class_init (AtlWindowClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->constructed = atl_window_constructed;
  object_class->dispose = atl_window_dispose;
  widget_class->realize = atl_window_realize;

  g_type_ensure (ATL_TYPE_GRID_VIEW);
  g_type_ensure (ATL_TYPE_SESSION_POPOVER);
  g_type_ensure (ATL_TYPE_TRAINING_PANEL);
  g_type_ensure (ATL_TYPE_COLLECTION_VIEW);
  gtk_widget_class_set_template_from_resource (widget_class,
                                               RESOURCE_PREFIX "/atl-window.ui");
  gtk_widget_class_bind_template_child (widget_class, AtlWindow, toast_overlay);
  gtk_widget_class_bind_template_child (widget_class, AtlWindow, view_stack);
  gtk_widget_class_bind_template_child (widget_class, AtlWindow, session_button);
  gtk_widget_class_bind_template_child (widget_class, AtlWindow, session_popover);
  gtk_widget_class_bind_template_child (widget_class, AtlWindow, art_view);
  gtk_widget_class_bind_template_child (widget_class, AtlWindow, music_view);
  gtk_widget_class_bind_template_child (widget_class, AtlWindow, training_panel);
  gtk_widget_class_bind_template_child (widget_class, AtlWindow, collection_view);
  gtk_widget_class_bind_template_child (widget_class, AtlWindow, train_toggle);
  gtk_widget_class_bind_template_child (widget_class, AtlWindow, training_toggle);

  /* win.show-training reveals the training panel (F10 toggles it). */
  gtk_widget_class_install_action (widget_class, "win.show-training", NULL, show_training_action_cb);
  gtk_widget_class_install_action (widget_class, "win.toggle-training", "b", show_training_action_cb);
  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_F10, 0, "win.toggle-training", "b", TRUE);
  _atl_window_class_init_sessions (widget_class);
  _atl_window_class_init_works (widget_class);
  gtk_widget_class_install_action (widget_class, "win.taste-check", NULL, taste_check_action_cb);
}

static void
atl_window_init (AtlWindow *self)
{
  gtk_widget_init_template (GTK_WIDGET (self));

#if DEVELOPMENT
  gtk_widget_add_css_class (GTK_WIDGET (self), "devel");
#endif
}

AtlWindow *
atl_window_new (AtlApplication *application)
{
  return g_object_new (ATL_TYPE_WINDOW, "application", application, NULL);
}

void
atl_window_add_toast (AtlWindow *self,
                      AdwToast  *toast)
{
  g_return_if_fail (ATL_IS_WINDOW (self));
  adw_toast_overlay_add_toast (self->toast_overlay, toast);
}

AtlStore *
atl_window_get_store (AtlWindow *self)
{
  g_return_val_if_fail (ATL_IS_WINDOW (self), NULL);
  return self->store;
}

AtlTrainingPanel *
atl_window_get_training_panel (AtlWindow *self)
{
  g_return_val_if_fail (ATL_IS_WINDOW (self), NULL);
  return self->training_panel;
}

AtlGridView *
atl_window_get_grid_view (AtlWindow *self,
                          AtlDomain  domain)
{
  g_return_val_if_fail (ATL_IS_WINDOW (self), NULL);
  return _atl_window_get_view (self, domain);
}
