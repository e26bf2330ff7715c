/* atl-window.c: the studio window: header bar, the Art/Music views and the toast overlay.
 *
 * The layout lives in atl-window.ui; this file binds it to settings (size, last domain,
 * last session) and installs the window's actions. The grid itself arrives with the
 * studio issue; until then each view says what will appear there.
 */
#include "atl-window.h"

#include "atl-config.h"

struct _AtlWindow
{
  AdwApplicationWindow parent_instance;

  GSettings *settings;

  AdwToastOverlay *toast_overlay;
  AdwViewStack *view_stack;
  GtkMenuButton *session_button;
};

G_DEFINE_FINAL_TYPE (AtlWindow, atl_window, ADW_TYPE_APPLICATION_WINDOW)

static void
atl_window_constructed (GObject *object)
{
  AtlWindow *self = ATL_WINDOW (object);
  GtkApplication *app = gtk_window_get_application (GTK_WINDOW (self));
  g_autoptr(GPropertyAction) domain_action = NULL;

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
  g_settings_bind (self->settings, "last-domain", self->view_stack, "visible-child-name",
                   G_SETTINGS_BIND_DEFAULT);
  g_settings_bind (self->settings, "last-session", self->session_button, "label",
                   G_SETTINGS_BIND_GET);

  /* win.domain::art / win.domain::music switch the view (Ctrl+1, Ctrl+2). */
  domain_action = g_property_action_new ("domain", self->view_stack, "visible-child-name");
  g_action_map_add_action (G_ACTION_MAP (self), G_ACTION (domain_action));
}

static void
atl_window_dispose (GObject *object)
{
  AtlWindow *self = ATL_WINDOW (object);

  gtk_widget_dispose_template (GTK_WIDGET (self), ATL_TYPE_WINDOW);
  g_clear_object (&self->settings);
  G_OBJECT_CLASS (atl_window_parent_class)->dispose (object);
}

static void
atl_window_class_init (AtlWindowClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->constructed = atl_window_constructed;
  object_class->dispose = atl_window_dispose;

  gtk_widget_class_set_template_from_resource (widget_class,
                                               RESOURCE_PREFIX "/atl-window.ui");
  gtk_widget_class_bind_template_child (widget_class, AtlWindow, toast_overlay);
  gtk_widget_class_bind_template_child (widget_class, AtlWindow, view_stack);
  gtk_widget_class_bind_template_child (widget_class, AtlWindow, session_button);
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
