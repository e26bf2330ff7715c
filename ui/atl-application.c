/* atl-application.c: application-wide actions, accelerators and the window's lifecycle.
 *
 * The application owns the settings object and the app.* actions (preferences, about,
 * quit); everything that belongs to one window lives in AtlWindow.
 */
#include "atl-application.h"

#include "atl-config.h"
#include "atl-preferences-window.h"
#include "atl-window.h"

struct _AtlApplication
{
  AdwApplication parent_instance;

  GSettings *settings;
};

G_DEFINE_FINAL_TYPE (AtlApplication, atl_application, ADW_TYPE_APPLICATION)

static void
atl_application_activate (GApplication *app)
{
  GtkWindow *window = gtk_application_get_active_window (GTK_APPLICATION (app));

  if (window == NULL)
    window = GTK_WINDOW (atl_window_new (ATL_APPLICATION (app)));
  gtk_window_present (window);
}

static void
preferences_action_cb (GSimpleAction *action,
                       GVariant      *parameter,
                       gpointer       user_data)
{
  AtlApplication *self = user_data;
  GtkWindow *parent = gtk_application_get_active_window (GTK_APPLICATION (self));
  AtlPreferencesWindow *prefs = atl_preferences_window_new (self->settings);

  gtk_window_set_transient_for (GTK_WINDOW (prefs), parent);
  gtk_window_present (GTK_WINDOW (prefs));
}

static void
about_action_cb (GSimpleAction *action,
                 GVariant      *parameter,
                 gpointer       user_data)
{
  AtlApplication *self = user_data;
  GtkWindow *parent = gtk_application_get_active_window (GTK_APPLICATION (self));
  static const char *developers[] = { "The Atelier developers", NULL };
  GtkWidget *about;

  about = g_object_new (ADW_TYPE_ABOUT_WINDOW,
                        "transient-for", parent,
                        "application-name", "Atelier",
                        "application-icon", APP_ID,
                        "developer-name", "The Atelier developers",
                        "version", PACKAGE_VERSION,
                        "comments", "Pick favourite images and melodies; Atelier learns "
                                    "your taste and fine-tunes its generator on your "
                                    "computer as you go.",
                        "website", "https://github.com/atelier-studio/atelier",
                        "issue-url", "https://github.com/atelier-studio/atelier/issues",
                        "license-type", GTK_LICENSE_GPL_3_0,
                        "copyright", "© 2026 The Atelier developers",
                        "developers", developers,
                        NULL);
  gtk_window_present (GTK_WINDOW (about));
}

static void
quit_action_cb (GSimpleAction *action,
                GVariant      *parameter,
                gpointer       user_data)
{
  g_application_quit (G_APPLICATION (user_data));
}

static const GActionEntry app_actions[] = {
  { .name = "preferences", .activate = preferences_action_cb },
  { .name = "about", .activate = about_action_cb },
  { .name = "quit", .activate = quit_action_cb },
};

static void
atl_application_startup (GApplication *app)
{
  AtlApplication *self = ATL_APPLICATION (app);
  static const struct { const char *action; const char *accels[2]; } accels[] = {
    { "app.preferences", { "<Control>comma", NULL } },
    { "app.quit", { "<Control>q", NULL } },
    { "window.close", { "<Control>w", NULL } },
    { "win.domain::art", { "<Control>1", NULL } },
    { "win.domain::music", { "<Control>2", NULL } },
  };

  G_APPLICATION_CLASS (atl_application_parent_class)->startup (app);

  g_action_map_add_action_entries (G_ACTION_MAP (self), app_actions,
                                   G_N_ELEMENTS (app_actions), self);
  for (gsize i = 0; i < G_N_ELEMENTS (accels); i++)
    gtk_application_set_accels_for_action (GTK_APPLICATION (self), accels[i].action,
                                           accels[i].accels);
}

static void
atl_application_dispose (GObject *object)
{
  AtlApplication *self = ATL_APPLICATION (object);

  g_clear_object (&self->settings);
  G_OBJECT_CLASS (atl_application_parent_class)->dispose (object);
}

static void
atl_application_class_init (AtlApplicationClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GApplicationClass *app_class = G_APPLICATION_CLASS (klass);

  object_class->dispose = atl_application_dispose;
  app_class->activate = atl_application_activate;
  app_class->startup = atl_application_startup;
}

static void
atl_application_init (AtlApplication *self)
{
  self->settings = g_settings_new (APP_ID_BASE);
}

AtlApplication *
atl_application_new (void)
{
  /* The resource base path is fixed so that the .Devel id finds the same resources
   * (gtk/help-overlay.ui, icons) as a release build. */
  return g_object_new (ATL_TYPE_APPLICATION,
                       "application-id", APP_ID,
                       "flags", G_APPLICATION_DEFAULT_FLAGS,
                       "resource-base-path", RESOURCE_PREFIX,
                       NULL);
}

GSettings *
atl_application_get_settings (AtlApplication *self)
{
  g_return_val_if_fail (ATL_IS_APPLICATION (self), NULL);
  return self->settings;
}
