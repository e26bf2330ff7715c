/* atl-window-sessions.c: the window's session and version actions.
 *
 * Each domain shows one session at a time, remembered in the settings by name
 * (art-session, music-session). Creating, renaming and deleting ask through
 * AdwMessageDialog; restoring a version or resetting to base takes effect on the next
 * round (the grid view forgets its cached model).
 */
#include "atl-window-private.h"

#include <glib/gi18n.h>

static const char *
session_key (AtlDomain domain)
{
  return domain == ATL_DOMAIN_ART ? "art-session" : "music-session";
}

void
_atl_window_update_session_label (AtlWindow *self)
{
  AtlDomain domain = _atl_window_get_domain (self);
  gint64 id = atl_grid_view_get_session_id (_atl_window_get_view (self, domain));
  g_autoptr(AtlSession) session = NULL;

  if (self->store != NULL && id != 0)
    session = atl_store_get_session (self->store, id, NULL);
  gtk_menu_button_set_label (self->session_button, session ? session->name : _("No Session"));
  if (self->store != NULL)
    {
      atl_session_popover_refresh (self->session_popover, self->store, domain, id);
      atl_training_panel_set_session (self->training_panel, self->store, id);
    }
}

void
_atl_window_set_session (AtlWindow *self,
                         AtlDomain  domain,
                         gint64     session_id)
{
  g_autoptr(AtlSession) session = atl_store_get_session (self->store, session_id, NULL);

  if (session != NULL)
    g_settings_set_string (self->settings, session_key (domain), session->name);
  atl_grid_view_set_session (_atl_window_get_view (self, domain), session_id);
  _atl_window_update_session_label (self);
}

/* A new session of domain named like base ("Sketchbook", "Sketchbook 2", …). */
static gint64
create_session (AtlWindow   *self,
                AtlDomain    domain,
                const char  *base,
                GError     **error)
{
  for (int n = 1; n < 1000; n++)
    {
      g_autofree char *name = n == 1 ? g_strdup (base) : g_strdup_printf ("%s %d", base, n);
      g_autoptr(GError) local = NULL;
      gint64 id = atl_store_create_session (self->store, name, domain, NULL, NULL, NULL, &local);

      if (id != 0)
        return id;
      if (!g_error_matches (local, ATL_STORE_ERROR, ATL_STORE_ERROR_EXISTS))
        {
          g_propagate_error (error, g_steal_pointer (&local));
          return 0;
        }
    }
  g_set_error (error, ATL_STORE_ERROR, ATL_STORE_ERROR_EXISTS, _("Too many sessions named “%s”"), base);
  return 0;
}

void
_atl_window_setup_sessions (AtlWindow *self)
{
  for (AtlDomain domain = ATL_DOMAIN_ART; domain <= ATL_DOMAIN_MUSIC; domain++)
    {
      g_autofree char *name = g_settings_get_string (self->settings, session_key (domain));
      g_autoptr(AtlSession) session = atl_store_lookup_session (self->store, name, NULL);
      g_autoptr(GError) error = NULL;
      gint64 id = 0;

      if (session != NULL && session->domain == domain)
        id = session->id;
      else
        {
          g_autoptr(GPtrArray) all = atl_store_list_sessions (self->store, NULL);

          for (guint i = 0; all != NULL && i < all->len && id == 0; i++)
            if (((AtlSession *) g_ptr_array_index (all, i))->domain == domain)
              id = ((AtlSession *) g_ptr_array_index (all, i))->id;
        }
      if (id == 0)
        id = create_session (self, domain,
                             domain == ATL_DOMAIN_ART ? _("Sketchbook") : _("Songbook"), &error);
      if (id == 0)
        _atl_window_toast (self, error->message);
      _atl_window_set_session (self, domain, id);
    }
}

static gint64
current_session (AtlWindow *self)
{
  return atl_grid_view_get_session_id (_atl_window_get_current_view (self));
}

static void
switch_session_action_cb (GtkWidget  *widget,
                          const char *action_name,
                          GVariant   *parameter)
{
  AtlWindow *self = ATL_WINDOW (widget);

  gtk_popover_popdown (GTK_POPOVER (self->session_popover));
  _atl_window_set_session (self, _atl_window_get_domain (self), g_variant_get_int64 (parameter));
}

/* An AdwMessageDialog with a name entry; response "ok" carries the entry's text. */
static AdwMessageDialog *
name_dialog_new (AtlWindow  *self,
                 const char *heading,
                 const char *ok_label,
                 const char *initial)
{
  AdwMessageDialog *dialog = ADW_MESSAGE_DIALOG (adw_message_dialog_new (GTK_WINDOW (self), heading, NULL));
  GtkWidget *entry = gtk_entry_new ();

  gtk_editable_set_text (GTK_EDITABLE (entry), initial);
  gtk_entry_set_activates_default (GTK_ENTRY (entry), TRUE);
  gtk_accessible_update_property (GTK_ACCESSIBLE (entry), GTK_ACCESSIBLE_PROPERTY_LABEL,
                                  _("Session name"), -1);
  adw_message_dialog_set_extra_child (dialog, entry);
  adw_message_dialog_add_responses (dialog, "cancel", _("_Cancel"), "ok", ok_label, NULL);
  adw_message_dialog_set_response_appearance (dialog, "ok", ADW_RESPONSE_SUGGESTED);
  adw_message_dialog_set_default_response (dialog, "ok");
  adw_message_dialog_set_close_response (dialog, "cancel");
  g_object_set_data (G_OBJECT (dialog), "entry", entry);
  return dialog;
}

static void
new_session_response_cb (AdwMessageDialog *dialog,
                         const char       *response,
                         AtlWindow        *self)
{
  GtkEditable *entry = g_object_get_data (G_OBJECT (dialog), "entry");

  if (g_str_equal (response, "ok"))
    gtk_widget_activate_action (GTK_WIDGET (self), "win.new-session", "s",
                                gtk_editable_get_text (entry));
}

static void
new_session_action_cb (GtkWidget  *widget,
                       const char *action_name,
                       GVariant   *parameter)
{
  AtlWindow *self = ATL_WINDOW (widget);
  const char *name = g_variant_get_string (parameter, NULL);
  AtlDomain domain = _atl_window_get_domain (self);
  g_autoptr(GError) error = NULL;
  g_autofree char *trimmed = g_strstrip (g_strdup (name));
  gint64 id;

  gtk_popover_popdown (GTK_POPOVER (self->session_popover));
  if (trimmed[0] == '\0')
    {
      AdwMessageDialog *dialog = name_dialog_new (self, _("New Style Session"), _("C_reate"),
                                                  domain == ATL_DOMAIN_ART ? _("New Art Style")
                                                                           : _("New Music Style"));

      adw_message_dialog_set_body (dialog, _("A session keeps its own style, picks and "
                                             "fine-tuned generator. It starts from the shipped "
                                             "model."));
      g_signal_connect (dialog, "response", G_CALLBACK (new_session_response_cb), self);
      gtk_window_present (GTK_WINDOW (dialog));
      return;
    }
  id = atl_store_create_session (self->store, trimmed, domain, NULL, NULL, NULL, &error);
  if (id == 0)
    {
      _atl_window_toast (self, error->message);
      return;
    }
  _atl_window_set_session (self, domain, id);
}

static void
rename_response_cb (AdwMessageDialog *dialog,
                    const char       *response,
                    AtlWindow        *self)
{
  GtkEditable *entry = g_object_get_data (G_OBJECT (dialog), "entry");

  if (g_str_equal (response, "ok"))
    gtk_widget_activate_action (GTK_WIDGET (self), "win.rename-session", "s",
                                gtk_editable_get_text (entry));
}

static void
rename_session_action_cb (GtkWidget  *widget,
                          const char *action_name,
                          GVariant   *parameter)
{
  AtlWindow *self = ATL_WINDOW (widget);
  gint64 id = current_session (self);
  g_autoptr(AtlSession) session = id ? atl_store_get_session (self->store, id, NULL) : NULL;
  g_autofree char *name = g_strstrip (g_strdup (g_variant_get_string (parameter, NULL)));
  g_autoptr(GError) error = NULL;

  gtk_popover_popdown (GTK_POPOVER (self->session_popover));
  if (session == NULL)
    return;
  if (name[0] == '\0')
    {
      AdwMessageDialog *dialog = name_dialog_new (self, _("Rename Session"), _("_Rename"),
                                                  session->name);

      g_signal_connect (dialog, "response", G_CALLBACK (rename_response_cb), self);
      gtk_window_present (GTK_WINDOW (dialog));
      return;
    }
  if (!atl_store_rename_session (self->store, id, name, &error))
    _atl_window_toast (self, error->message);
  else
    g_settings_set_string (self->settings, session_key (session->domain), name);
  _atl_window_update_session_label (self);
}

static void
delete_response_cb (AdwMessageDialog *dialog,
                    const char       *response,
                    AtlWindow        *self)
{
  gint64 id = GPOINTER_TO_SIZE (g_object_get_data (G_OBJECT (dialog), "session"));
  AtlDomain domain = _atl_window_get_domain (self);
  g_autoptr(GError) error = NULL;

  if (!g_str_equal (response, "delete"))
    return;
  atl_grid_view_set_session (_atl_window_get_view (self, domain), 0);
  if (!atl_store_delete_session (self->store, id, &error))
    _atl_window_toast (self, error->message);
  g_settings_reset (self->settings, session_key (domain));
  _atl_window_setup_sessions (self);
}

static void
delete_session_action_cb (GtkWidget  *widget,
                          const char *action_name,
                          GVariant   *parameter)
{
  AtlWindow *self = ATL_WINDOW (widget);
  gint64 id = current_session (self);
  g_autoptr(AtlSession) session = id ? atl_store_get_session (self->store, id, NULL) : NULL;
  AdwMessageDialog *dialog;
  g_autofree char *heading = NULL;

  gtk_popover_popdown (GTK_POPOVER (self->session_popover));
  if (session == NULL)
    return;
  heading = g_strdup_printf (_("Delete “%s”?"), session->name);
  dialog = ADW_MESSAGE_DIALOG (adw_message_dialog_new (GTK_WINDOW (self), heading,
                                                       _("Its picks, rounds, collection and "
                                                         "fine-tuned versions are deleted "
                                                         "for good.")));
  adw_message_dialog_add_responses (dialog, "cancel", _("_Cancel"), "delete", _("_Delete"), NULL);
  adw_message_dialog_set_response_appearance (dialog, "delete", ADW_RESPONSE_DESTRUCTIVE);
  adw_message_dialog_set_default_response (dialog, "cancel");
  adw_message_dialog_set_close_response (dialog, "cancel");
  g_object_set_data (G_OBJECT (dialog), "session", GSIZE_TO_POINTER ((gsize) id));
  g_signal_connect (dialog, "response", G_CALLBACK (delete_response_cb), self);
  gtk_window_present (GTK_WINDOW (dialog));
}

static void
version_changed (AtlWindow *self,
                 gboolean   ok,
                 GError    *error,
                 const char *message)
{
  if (!ok)
    {
      _atl_window_toast (self, error->message);
      return;
    }
  atl_grid_view_reload_model (_atl_window_get_current_view (self));
  _atl_window_update_session_label (self);
  _atl_window_toast (self, message);
}

static void
restore_version_action_cb (GtkWidget  *widget,
                           const char *action_name,
                           GVariant   *parameter)
{
  AtlWindow *self = ATL_WINDOW (widget);
  guint number = g_variant_get_uint32 (parameter);
  g_autoptr(GError) error = NULL;
  g_autofree char *message = g_strdup_printf (_("Version %u restored: the next round draws from it"),
                                              number);
  gboolean ok = atl_store_restore_version (self->store, current_session (self), number, &error);

  version_changed (self, ok, error, message);
}

static void
reset_to_base_action_cb (GtkWidget  *widget,
                         const char *action_name,
                         GVariant   *parameter)
{
  AtlWindow *self = ATL_WINDOW (widget);
  g_autoptr(GError) error = NULL;
  gboolean ok = atl_store_reset_to_base (self->store, current_session (self), &error);

  version_changed (self, ok, error, _("Back to the shipped model; later versions stay listed"));
}

void
_atl_window_class_init_sessions (GtkWidgetClass *widget_class)
{
  gtk_widget_class_install_action (widget_class, "win.switch-session", "x", switch_session_action_cb);
  gtk_widget_class_install_action (widget_class, "win.new-session", "s", new_session_action_cb);
  gtk_widget_class_install_action (widget_class, "win.rename-session", "s", rename_session_action_cb);
  gtk_widget_class_install_action (widget_class, "win.delete-session", NULL, delete_session_action_cb);
  gtk_widget_class_install_action (widget_class, "win.restore-version", "u", restore_version_action_cb);
  gtk_widget_class_install_action (widget_class, "win.reset-to-base", NULL, reset_to_base_action_cb);
}
