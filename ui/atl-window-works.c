/* atl-window-works.c: the window's actions on single works — win.open-work(x) shows a
 * work large, win.export-work(x) saves it through the file chooser (the portal under
 * flatpak), format from the chosen extension.
 */
#include "atl-window-private.h"

#include <glib/gi18n.h>

#include "atl-collection-view.h"
#include "atl-export-task.h"
#include "atl-work-export.h"
#include "atl-work-viewer.h"

/* The work as an item, with its session (for names and sound), or NULL with a toast. */
static AtlWorkItem *
load_item (AtlWindow   *self,
           gint64       work_id,
           AtlSession **out_session)
{
  g_autoptr(GError) error = NULL;
  AtlWork *work = atl_store_get_work (self->store, work_id, &error);
  AtlWorkItem *item;

  if (work == NULL
      || (*out_session = atl_store_get_session (self->store, work->session_id, &error)) == NULL)
    {
      atl_work_free (work);
      _atl_window_toast (self, error->message);
      return NULL;
    }
  item = atl_work_item_new (work, &error);
  if (item == NULL)
    _atl_window_toast (self, error->message);
  else   /* the viewer's "Model version …, round …" line */
    atl_work_item_read_lineage (item, self->store);
  return item;
}

static void
open_work_action_cb (GtkWidget  *widget,
                     const char *action_name,
                     GVariant   *parameter)
{
  AtlWindow *self = ATL_WINDOW (widget);
  g_autoptr(AtlSession) session = NULL;
  g_autoptr(AtlWorkItem) item = load_item (self, g_variant_get_int64 (parameter), &session);
  AtlSynthParams synth;

  if (item == NULL)
    return;
  atl_synth_params_from_sliders (session->sliders_json,
                                 g_settings_get_int (self->settings, "sample-rate"), &synth);
  gtk_window_present (GTK_WINDOW (atl_work_viewer_new (GTK_WINDOW (self), self->store,
                                                       self->player, item, &synth)));
}

static void
export_done_cb (GObject      *source,
                GAsyncResult *result,
                gpointer      user_data)
{
  g_autoptr(AtlWindow) self = user_data;
  g_autoptr(GError) error = NULL;

  if (atl_export_job_run_finish (result, &error) < 0)
    _atl_window_toast (self, error->message);
  else
    _atl_window_toast (self, _("Exported"));
}

static void
export_response_cb (GtkNativeDialog *chooser,
                    int              response,
                    AtlWindow       *self)
{
  gint64 id = GPOINTER_TO_SIZE (g_object_get_data (G_OBJECT (chooser), "work"));
  g_autoptr(GFile) file = NULL;
  g_autofree char *path = NULL;

  if (response == GTK_RESPONSE_ACCEPT)
    {
      file = gtk_file_chooser_get_file (GTK_FILE_CHOOSER (chooser));
      path = g_file_get_path (file);
    }
  g_object_unref (chooser);
  if (path != NULL)
    gtk_widget_activate_action (GTK_WIDGET (self), "win.export-work-to", "(xs)", id, path);
}

/* win.export-work-to((xs)): writes work x to path s, the format from its extension. */
static void
export_work_to_action_cb (GtkWidget  *widget,
                          const char *action_name,
                          GVariant   *parameter)
{
  AtlWindow *self = ATL_WINDOW (widget);
  g_autoptr(AtlSession) session = NULL;
  g_autoptr(AtlWorkItem) item = NULL;
  g_autoptr(AtlExportJob) job = atl_export_job_new ();
  const char *path, *dot, *format = NULL;
  const char * const *formats;
  AtlSynthParams synth;
  gint64 id;

  g_variant_get (parameter, "(x&s)", &id, &path);
  item = load_item (self, id, &session);
  if (item == NULL)
    return;
  dot = strrchr (path, '.');
  formats = atl_work_export_formats (session->domain);
  for (guint i = 0; dot != NULL && formats[i] != NULL; i++)
    if (g_ascii_strcasecmp (dot + 1, formats[i]) == 0
        || (g_ascii_strcasecmp (dot + 1, "midi") == 0 && g_str_equal (formats[i], "mid")))
      format = formats[i];
  if (format == NULL)
    {
      g_autofree char *list = g_strjoinv (", ", (char **) formats);
      g_autofree char *message = g_strdup_printf (_("Name the file with one of these endings: %s"), list);

      _atl_window_toast (self, message);
      return;
    }
  atl_synth_params_from_sliders (session->sliders_json,
                                 g_settings_get_int (self->settings, "sample-rate"), &synth);
  atl_export_job_add (job, atl_work_item_get_work (item), format, path, session->name,
                      0, &synth, g_settings_get_int (self->settings, "export-png-size"));
  atl_export_job_run_async (g_steal_pointer (&job), NULL, NULL, NULL, export_done_cb,
                            g_object_ref (self));
}

static void
export_work_action_cb (GtkWidget  *widget,
                       const char *action_name,
                       GVariant   *parameter)
{
  AtlWindow *self = ATL_WINDOW (widget);
  gint64 id = g_variant_get_int64 (parameter);
  g_autoptr(AtlWork) work = atl_store_get_work (self->store, id, NULL);
  g_autoptr(AtlSession) session = work ? atl_store_get_session (self->store, work->session_id, NULL) : NULL;
  g_autofree char *pattern = g_settings_get_string (self->settings, "export-pattern");
  g_autofree char *base = NULL;
  g_autofree char *name = NULL;
  GtkFileChooserNative *chooser;

  if (session == NULL)
    return;
  base = atl_export_file_name (pattern, work, session->name);
  name = g_strdup_printf ("%s.%s", base, work->domain == ATL_DOMAIN_ART ? "png" : "wav");
  chooser = gtk_file_chooser_native_new (_("Export Work"), GTK_WINDOW (self),
                                         GTK_FILE_CHOOSER_ACTION_SAVE, _("_Export"), _("_Cancel"));
  gtk_file_chooser_set_current_name (GTK_FILE_CHOOSER (chooser), name);
  gtk_native_dialog_set_modal (GTK_NATIVE_DIALOG (chooser), TRUE);
  g_object_set_data (G_OBJECT (chooser), "work", GSIZE_TO_POINTER ((gsize) id));
  g_signal_connect (chooser, "response", G_CALLBACK (export_response_cb), self);
  gtk_native_dialog_show (GTK_NATIVE_DIALOG (chooser));
}

void
_atl_window_class_init_works (GtkWidgetClass *widget_class)
{
  gtk_widget_class_install_action (widget_class, "win.open-work", "x", open_work_action_cb);
  gtk_widget_class_install_action (widget_class, "win.export-work", "x", export_work_action_cb);
  gtk_widget_class_install_action (widget_class, "win.export-work-to", "(xs)", export_work_to_action_cb);
}
