/* atl-session-popover.c: lists filled from the store each time the window asks. */
#include "atl-session-popover.h"

#include <adwaita.h>
#include <glib/gi18n.h>
#include <json-glib/json-glib.h>

#include "atl-config.h"

struct _AtlSessionPopover
{
  GtkPopover parent_instance;

  GtkLabel   *sessions_heading;
  GtkListBox *sessions_list;
  GtkListBox *versions_list;
};

G_DEFINE_FINAL_TYPE (AtlSessionPopover, atl_session_popover, GTK_TYPE_POPOVER)

static void
clear_list (GtkListBox *list)
{
  GtkWidget *child;

  while ((child = gtk_widget_get_first_child (GTK_WIDGET (list))) != NULL)
    gtk_list_box_remove (list, child);
}

/* "accuracy 0.78" from a version's metrics, or NULL. */
static char *
metrics_summary (const char *json)
{
  g_autoptr(JsonParser) parser = json_parser_new ();
  JsonObject *object;

  if (json == NULL || !json_parser_load_from_data (parser, json, -1, NULL)
      || !JSON_NODE_HOLDS_OBJECT (json_parser_get_root (parser)))
    return NULL;
  object = json_node_get_object (json_parser_get_root (parser));
  if (json_object_has_member (object, "accuracy"))
    return g_strdup_printf (_("held-out accuracy %.0f%%"),
                            100 * json_object_get_double_member (object, "accuracy"));
  return NULL;
}

void
atl_session_popover_refresh (AtlSessionPopover *self,
                             AtlStore          *store,
                             AtlDomain          domain,
                             gint64             session_id)
{
  g_autoptr(GPtrArray) sessions = atl_store_list_sessions (store, NULL);
  g_autoptr(GPtrArray) versions = NULL;
  g_autoptr(AtlSession) current = session_id ? atl_store_get_session (store, session_id, NULL) : NULL;

  g_return_if_fail (ATL_IS_SESSION_POPOVER (self));

  gtk_label_set_label (self->sessions_heading, domain == ATL_DOMAIN_ART ? _("Art Sessions")
                                                                        : _("Music Sessions"));
  clear_list (self->sessions_list);
  for (guint i = 0; sessions != NULL && i < sessions->len; i++)
    {
      AtlSession *session = g_ptr_array_index (sessions, i);
      GtkWidget *row;

      if (session->domain != domain)
        continue;
      row = adw_action_row_new ();
      adw_preferences_row_set_title (ADW_PREFERENCES_ROW (row), session->name);
      adw_preferences_row_set_use_markup (ADW_PREFERENCES_ROW (row), FALSE);
      gtk_list_box_row_set_activatable (GTK_LIST_BOX_ROW (row), TRUE);
      gtk_actionable_set_action_name (GTK_ACTIONABLE (row), "win.switch-session");
      gtk_actionable_set_action_target (GTK_ACTIONABLE (row), "x", session->id);
      if (session->id == session_id)
        adw_action_row_add_suffix (ADW_ACTION_ROW (row),
                                   gtk_image_new_from_icon_name ("object-select-symbolic"));
      gtk_list_box_append (self->sessions_list, row);
    }

  clear_list (self->versions_list);
  if (current != NULL)
    versions = atl_store_list_versions (store, session_id, NULL);
  for (guint i = versions ? versions->len : 0; i-- > 0;)
    {
      AtlModelVersion *version = g_ptr_array_index (versions, i);
      g_autoptr(GDateTime) when = g_date_time_new_from_unix_local (version->created / G_USEC_PER_SEC);
      g_autofree char *title = version->number == 0 ? g_strdup (_("v0 · shipped base"))
                                                    : g_strdup_printf ("v%u", version->number);
      g_autofree char *date = g_date_time_format (when, "%x %H:%M");
      g_autofree char *metrics = metrics_summary (version->metrics_json);
      g_autofree char *subtitle = metrics ? g_strdup_printf ("%s · %s", date, metrics)
                                          : g_strdup (date);
      GtkWidget *row = adw_action_row_new ();

      adw_preferences_row_set_title (ADW_PREFERENCES_ROW (row), title);
      adw_action_row_set_subtitle (ADW_ACTION_ROW (row), subtitle);
      if (version->id == current->current_version_id)
        adw_action_row_add_suffix (ADW_ACTION_ROW (row),
                                   gtk_image_new_from_icon_name ("object-select-symbolic"));
      else
        {
          GtkWidget *button = gtk_button_new_with_mnemonic (_("_Restore"));
          g_autofree char *label = g_strdup_printf (_("Restore version %u"), version->number);

          gtk_widget_set_valign (button, GTK_ALIGN_CENTER);
          gtk_actionable_set_action_name (GTK_ACTIONABLE (button), "win.restore-version");
          gtk_actionable_set_action_target (GTK_ACTIONABLE (button), "u", version->number);
          gtk_accessible_update_property (GTK_ACCESSIBLE (button),
                                          GTK_ACCESSIBLE_PROPERTY_LABEL, label, -1);
          adw_action_row_add_suffix (ADW_ACTION_ROW (row), button);
        }
      gtk_list_box_append (self->versions_list, row);
    }
}

static void
atl_session_popover_class_init (AtlSessionPopoverClass *klass)
{
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  gtk_widget_class_set_template_from_resource (widget_class,
                                               RESOURCE_PREFIX "/atl-session-popover.ui");
  gtk_widget_class_bind_template_child (widget_class, AtlSessionPopover, sessions_heading);
  gtk_widget_class_bind_template_child (widget_class, AtlSessionPopover, sessions_list);
  gtk_widget_class_bind_template_child (widget_class, AtlSessionPopover, versions_list);
}

static void
atl_session_popover_init (AtlSessionPopover *self)
{
  gtk_widget_init_template (GTK_WIDGET (self));
}
