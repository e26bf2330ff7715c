/* atl-collection-view.c: the Collection page; layout in atl-collection-view.ui. */
#include "atl-collection-view.h"

#include <adwaita.h>
#include <glib/gi18n.h>

#include "atl-config.h"
#include "atl-export-task.h"
#include "atl-work-item.h"
#include "atl-work-tile.h"

typedef struct
{
  AtlWorkItem *item;
  char        *session_name;
  char        *sliders_json;
} Kept;

struct _AtlCollectionView
{
  GtkWidget parent_instance;

  AtlStore     *store;
  GSettings    *settings;
  GCancellable *cancellable;
  GPtrArray    *kept;      /* Kept * */
  GPtrArray    *checks;    /* GtkCheckButton *, by kept index */
  gboolean      busy;

  GtkStack       *stack;
  GtkFlowBox     *flow;
  GtkRevealer    *progress_revealer;
  GtkProgressBar *progress_bar;
  GtkLabel       *count_label;
  GtkDropDown    *image_format;
  GtkSpinButton  *size_spin;
  GtkDropDown    *audio_format;
  GtkEntry       *pattern_entry;
};

G_DEFINE_FINAL_TYPE (AtlCollectionView, atl_collection_view, GTK_TYPE_WIDGET)

static const char *image_formats[] = { "png", "svg", "pdf" };
static const char *audio_formats[] = { "wav", "flac", "ogg", "wav24", "mid" };

static void
kept_free (Kept *kept)
{
  g_clear_object (&kept->item);
  g_free (kept->session_name);
  g_free (kept->sliders_json);
  g_free (kept);
}

static void
set_busy (AtlCollectionView *self,
          gboolean           busy)
{
  self->busy = busy;
  gtk_widget_action_set_enabled (GTK_WIDGET (self), "collection.export",
                                 !busy && self->kept->len > 0);
}

static void
toast (AtlCollectionView *self,
       const char        *message)
{
  GtkWidget *overlay = gtk_widget_get_ancestor (GTK_WIDGET (self), ADW_TYPE_TOAST_OVERLAY);

  if (overlay != NULL)
    adw_toast_overlay_add_toast (ADW_TOAST_OVERLAY (overlay), adw_toast_new (message));
}

static void
load_worker (GTask        *task,
             gpointer      source_object,
             gpointer      task_data,
             GCancellable *cancellable)
{
  const char *dir = task_data;
  g_autoptr(GPtrArray) out = g_ptr_array_new_with_free_func ((GDestroyNotify) kept_free);
  g_autoptr(AtlStore) store = NULL;
  g_autoptr(GPtrArray) sessions = NULL;
  GError *error = NULL;

  store = atl_store_open (dir, &error);
  if (store == NULL || (sessions = atl_store_list_sessions (store, &error)) == NULL)
    {
      g_task_return_error (task, error);
      return;
    }
  for (guint s = 0; s < sessions->len; s++)
    {
      AtlSession *session = g_ptr_array_index (sessions, s);
      g_autoptr(GPtrArray) works = atl_store_list_collection (store, session->id, &error);

      if (works == NULL)
        {
          g_task_return_error (task, error);
          return;
        }
      for (guint w = 0; w < works->len; w++)
        {
          AtlWork *work = g_ptr_array_index (works, w);
          AtlWorkItem *item;
          Kept *kept;

          g_ptr_array_index (works, w) = NULL;
          item = atl_work_item_new (work, NULL);
          if (item == NULL)
            continue;   /* a work that no longer decodes is skipped, not fatal */
          atl_work_item_read_lineage (item, store);
          atl_work_item_render_thumbnail (item, 256);
          kept = g_new0 (Kept, 1);
          kept->item = item;
          kept->session_name = g_strdup (session->name);
          kept->sliders_json = g_strdup (session->sliders_json);
          g_ptr_array_add (out, kept);
        }
      if (g_cancellable_set_error_if_cancelled (cancellable, &error))
        {
          g_task_return_error (task, error);
          return;
        }
    }
  g_task_return_pointer (task, g_steal_pointer (&out), (GDestroyNotify) g_ptr_array_unref);
}

static void
tile_request_cb (AtlWorkTile       *tile,
                 const char        *what,
                 AtlCollectionView *self)
{
  GtkWidget *window = GTK_WIDGET (gtk_widget_get_root (GTK_WIDGET (self)));
  gint64 id = atl_work_item_get_id (atl_work_tile_get_item (tile));

  if (g_str_equal (what, "open") || g_str_equal (what, "export"))
    {
      g_autofree char *action = g_strdup_printf ("win.%s-work", what);

      gtk_widget_activate_action (window, action, "x", id);
    }
  else if (g_str_equal (what, "play"))
    gtk_widget_activate_action (window, "win.open-work", "x", id);
}

static GtkWidget *
make_cell (AtlCollectionView *self,
           Kept              *kept,
           guint              index)
{
  GtkWidget *box = gtk_box_new (GTK_ORIENTATION_VERTICAL, 6);
  GtkWidget *row = gtk_box_new (GTK_ORIENTATION_HORIZONTAL, 6);
  GtkWidget *tile = atl_work_tile_new ();
  GtkWidget *check = gtk_check_button_new_with_label (kept->session_name);
  GtkWidget *remove = gtk_button_new_from_icon_name ("user-trash-symbolic");

  atl_work_tile_set_item (ATL_WORK_TILE (tile), kept->item);
  atl_work_tile_set_position (ATL_WORK_TILE (tile), (int) index);
  atl_work_tile_set_lockable (ATL_WORK_TILE (tile), FALSE);
  gtk_widget_set_size_request (tile, 180, 200);
  g_signal_connect (tile, "request", G_CALLBACK (tile_request_cb), self);
  gtk_widget_set_hexpand (check, TRUE);
  gtk_widget_set_tooltip_text (check, _("Select for export"));
  gtk_widget_set_tooltip_text (remove, _("Remove from Collection"));
  gtk_accessible_update_property (GTK_ACCESSIBLE (remove), GTK_ACCESSIBLE_PROPERTY_LABEL,
                                  _("Remove from collection"), -1);
  gtk_widget_add_css_class (remove, "flat");
  gtk_actionable_set_action_name (GTK_ACTIONABLE (remove), "collection.remove");
  gtk_actionable_set_action_target (GTK_ACTIONABLE (remove), "x", atl_work_item_get_id (kept->item));
  gtk_box_append (GTK_BOX (row), check);
  gtk_box_append (GTK_BOX (row), remove);
  gtk_box_append (GTK_BOX (box), tile);
  gtk_box_append (GTK_BOX (box), row);
  g_ptr_array_add (self->checks, check);
  return box;
}

static void
load_done_cb (GObject      *source,
              GAsyncResult *result,
              gpointer      user_data)
{
  g_autoptr(AtlCollectionView) self = user_data;
  g_autoptr(GError) error = NULL;
  g_autoptr(GPtrArray) kept = g_task_propagate_pointer (G_TASK (result), &error);
  g_autofree char *count = NULL;

  if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
    return;
  {
    GtkWidget *child;

    while ((child = gtk_widget_get_first_child (GTK_WIDGET (self->flow))) != NULL)
      gtk_flow_box_remove (self->flow, child);
  }
  g_ptr_array_set_size (self->checks, 0);
  g_ptr_array_set_size (self->kept, 0);
  if (kept == NULL)
    {
      toast (self, error->message);
      kept = g_ptr_array_new ();
    }
  for (guint i = 0; i < kept->len; i++)
    {
      Kept *k = g_ptr_array_steal_index (kept, 0);

      g_ptr_array_add (self->kept, k);
      gtk_flow_box_append (self->flow, make_cell (self, k, self->kept->len - 1));
      i--;
    }
  count = g_strdup_printf (ngettext ("%u work kept", "%u works kept", self->kept->len),
                           self->kept->len);
  gtk_label_set_label (self->count_label, count);
  gtk_stack_set_visible_child_name (self->stack, self->kept->len ? "works" : "empty");
  set_busy (self, FALSE);
}

void
atl_collection_view_reload (AtlCollectionView *self)
{
  g_autoptr(GTask) task = NULL;

  g_return_if_fail (ATL_IS_COLLECTION_VIEW (self));
  if (self->store == NULL)
    return;
  g_cancellable_cancel (self->cancellable);
  g_clear_object (&self->cancellable);
  self->cancellable = g_cancellable_new ();
  set_busy (self, TRUE);
  task = g_task_new (NULL, self->cancellable, load_done_cb, g_object_ref (self));
  g_task_set_task_data (task, g_path_get_dirname (atl_store_get_path (self->store)), g_free);
  g_task_run_in_thread (task, load_worker);
}

static void
export_progress_cb (double   fraction,
                    gpointer user_data)
{
  AtlCollectionView *self = user_data;

  gtk_progress_bar_set_fraction (self->progress_bar, fraction);
}

static void
export_done_cb (GObject      *source,
                GAsyncResult *result,
                gpointer      user_data)
{
  g_autoptr(AtlCollectionView) self = user_data;
  g_autoptr(GError) error = NULL;
  int n = atl_export_job_run_finish (result, &error);
  g_autofree char *message = NULL;

  gtk_revealer_set_reveal_child (self->progress_revealer, FALSE);
  set_busy (self, FALSE);
  if (n < 0)
    {
      toast (self, error->message);
      return;
    }
  message = g_strdup_printf (ngettext ("Exported %d file", "Exported %d files", n), n);
  toast (self, message);
}

void
atl_collection_view_export_to (AtlCollectionView *self,
                               GFile             *folder)
{
  g_autoptr(AtlExportJob) job = atl_export_job_new ();
  g_autofree char *dir = g_file_get_path (folder);
  const char *pattern = gtk_editable_get_text (GTK_EDITABLE (self->pattern_entry));
  const char *image = image_formats[MIN (gtk_drop_down_get_selected (self->image_format), 2)];
  const char *audio = audio_formats[MIN (gtk_drop_down_get_selected (self->audio_format), 4)];
  gboolean any_selected = FALSE;
  g_autoptr(GHashTable) used = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);

  g_return_if_fail (ATL_IS_COLLECTION_VIEW (self));
  if (self->busy || dir == NULL)
    return;
  for (guint i = 0; i < self->checks->len; i++)
    any_selected |= gtk_check_button_get_active (g_ptr_array_index (self->checks, i));
  for (guint i = 0; i < self->kept->len; i++)
    {
      Kept *k = g_ptr_array_index (self->kept, i);
      const AtlWork *work = atl_work_item_get_work (k->item);
      const char *format = work->domain == ATL_DOMAIN_ART ? image : audio;
      const char *ext = g_str_equal (format, "wav24") ? "wav" : format;
      g_autofree char *base = atl_export_file_name (pattern, work, k->session_name);
      g_autofree char *name = g_strdup_printf ("%s.%s", base, ext);
      g_autofree char *path = NULL;
      AtlSynthParams synth;

      if (any_selected && !gtk_check_button_get_active (g_ptr_array_index (self->checks, i)))
        continue;
      /* Two works whose patterns give one name get -2, -3, … rather than overwrite. */
      for (int n = 2; g_hash_table_contains (used, name); n++)
        {
          g_free (name);
          name = g_strdup_printf ("%s-%d.%s", base, n, ext);
        }
      g_hash_table_add (used, g_strdup (name));
      path = g_build_filename (dir, name, NULL);
      atl_synth_params_from_sliders (k->sliders_json,
                                     g_settings_get_int (self->settings, "sample-rate"), &synth);
      atl_export_job_add (job, work, format, path, k->session_name,
                          atl_work_item_get_version_number (k->item), &synth,
                          gtk_spin_button_get_value_as_int (self->size_spin));
    }
  if (atl_export_job_get_size (job) == 0)
    return;
  set_busy (self, TRUE);
  gtk_progress_bar_set_fraction (self->progress_bar, 0);
  gtk_revealer_set_reveal_child (self->progress_revealer, TRUE);
  atl_export_job_run_async (g_steal_pointer (&job), export_progress_cb, self, NULL,
                            export_done_cb, g_object_ref (self));
}

static void
chooser_response_cb (GtkNativeDialog   *chooser,
                     int                response,
                     AtlCollectionView *self)
{
  if (response == GTK_RESPONSE_ACCEPT)
    {
      g_autoptr(GFile) folder = gtk_file_chooser_get_file (GTK_FILE_CHOOSER (chooser));

      atl_collection_view_export_to (self, folder);
    }
  g_object_unref (chooser);
}

static void
export_action_cb (GtkWidget  *widget,
                  const char *action_name,
                  GVariant   *parameter)
{
  AtlCollectionView *self = ATL_COLLECTION_VIEW (widget);
  GtkFileChooserNative *chooser;

  chooser = gtk_file_chooser_native_new (_("Export to Folder"),
                                         GTK_WINDOW (gtk_widget_get_root (widget)),
                                         GTK_FILE_CHOOSER_ACTION_SELECT_FOLDER,
                                         _("_Export"), _("_Cancel"));
  gtk_native_dialog_set_modal (GTK_NATIVE_DIALOG (chooser), TRUE);
  g_signal_connect (chooser, "response", G_CALLBACK (chooser_response_cb), self);
  gtk_native_dialog_show (GTK_NATIVE_DIALOG (chooser));
}

static void
remove_action_cb (GtkWidget  *widget,
                  const char *action_name,
                  GVariant   *parameter)
{
  AtlCollectionView *self = ATL_COLLECTION_VIEW (widget);
  g_autoptr(GError) error = NULL;

  if (!atl_store_set_in_collection (self->store, g_variant_get_int64 (parameter), FALSE, &error))
    toast (self, error->message);
  atl_collection_view_reload (self);
}

void
atl_collection_view_setup (AtlCollectionView *self,
                           AtlStore          *store,
                           GSettings         *settings)
{
  g_return_if_fail (ATL_IS_COLLECTION_VIEW (self));
  g_set_object (&self->store, store);
  g_set_object (&self->settings, settings);
  g_settings_bind (settings, "export-png-size", self->size_spin, "value", G_SETTINGS_BIND_DEFAULT);
  g_settings_bind (settings, "export-pattern", self->pattern_entry, "text", G_SETTINGS_BIND_DEFAULT);
  g_settings_bind (settings, "export-image-format", self->image_format, "selected",
                   G_SETTINGS_BIND_DEFAULT);
  g_settings_bind (settings, "export-audio-format", self->audio_format, "selected",
                   G_SETTINGS_BIND_DEFAULT);
}

gboolean
atl_collection_view_get_busy (AtlCollectionView *self)
{
  return self->busy;
}

guint
atl_collection_view_get_n_works (AtlCollectionView *self)
{
  return self->kept->len;
}

void
atl_collection_view_select (AtlCollectionView *self,
                            guint              index,
                            gboolean           selected)
{
  g_return_if_fail (index < self->checks->len);
  gtk_check_button_set_active (g_ptr_array_index (self->checks, index), selected);
}

static void
atl_collection_view_dispose (GObject *object)
{
  AtlCollectionView *self = ATL_COLLECTION_VIEW (object);

  g_cancellable_cancel (self->cancellable);
  g_clear_object (&self->cancellable);
  gtk_widget_dispose_template (GTK_WIDGET (self), ATL_TYPE_COLLECTION_VIEW);
  g_clear_object (&self->store);
  g_clear_object (&self->settings);
  G_OBJECT_CLASS (atl_collection_view_parent_class)->dispose (object);
}

static void
atl_collection_view_finalize (GObject *object)
{
  AtlCollectionView *self = ATL_COLLECTION_VIEW (object);

  g_clear_pointer (&self->kept, g_ptr_array_unref);
  g_clear_pointer (&self->checks, g_ptr_array_unref);
  G_OBJECT_CLASS (atl_collection_view_parent_class)->finalize (object);
}

static void
atl_collection_view_class_init (AtlCollectionViewClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->dispose = atl_collection_view_dispose;
  object_class->finalize = atl_collection_view_finalize;

  gtk_widget_class_set_template_from_resource (widget_class,
                                               RESOURCE_PREFIX "/atl-collection-view.ui");
  gtk_widget_class_bind_template_child (widget_class, AtlCollectionView, stack);
  gtk_widget_class_bind_template_child (widget_class, AtlCollectionView, flow);
  gtk_widget_class_bind_template_child (widget_class, AtlCollectionView, progress_revealer);
  gtk_widget_class_bind_template_child (widget_class, AtlCollectionView, progress_bar);
  gtk_widget_class_bind_template_child (widget_class, AtlCollectionView, count_label);
  gtk_widget_class_bind_template_child (widget_class, AtlCollectionView, image_format);
  gtk_widget_class_bind_template_child (widget_class, AtlCollectionView, size_spin);
  gtk_widget_class_bind_template_child (widget_class, AtlCollectionView, audio_format);
  gtk_widget_class_bind_template_child (widget_class, AtlCollectionView, pattern_entry);
  gtk_widget_class_install_action (widget_class, "collection.export", NULL, export_action_cb);
  gtk_widget_class_install_action (widget_class, "collection.remove", "x", remove_action_cb);
  gtk_widget_class_set_layout_manager_type (widget_class, GTK_TYPE_BIN_LAYOUT);
}

static void
atl_collection_view_init (AtlCollectionView *self)
{
  gtk_widget_init_template (GTK_WIDGET (self));
  self->kept = g_ptr_array_new_with_free_func ((GDestroyNotify) kept_free);
  self->checks = g_ptr_array_new ();
  set_busy (self, FALSE);
}
