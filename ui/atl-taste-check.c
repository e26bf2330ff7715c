/* atl-taste-check.c: the blind A/B window; layout in atl-taste-check.ui. */
#include "atl-taste-check.h"

#include <glib/gi18n.h>

#include "atl-base-models.h"
#include "atl-config.h"
#include "atl-generator.h"
#include "atl-work-tile.h"

struct _AtlTasteCheck
{
  AdwWindow parent_instance;

  AtlStore     *store;
  GCancellable *cancellable;
  GPtrArray    *base;       /* AtlWorkItem *, from v0 */
  GPtrArray    *tuned;      /* AtlWorkItem *, from the current version */
  guint         at;         /* the pair shown */
  gboolean      tuned_left; /* where the tuned work is shown now */
  guint         wins;
  gboolean      ready;

  AdwWindowTitle *window_title;
  GtkStack       *stack;
  AtlWorkTile    *left_tile;
  AtlWorkTile    *right_tile;
  AdwStatusPage  *result_page;
};

G_DEFINE_FINAL_TYPE (AtlTasteCheck, atl_taste_check, ADW_TYPE_WINDOW)

typedef struct
{
  char   *dir;
  gint64  session_id;
  guint   n;
} DrawData;

static void
draw_data_free (DrawData *data)
{
  g_free (data->dir);
  g_free (data);
}

/* n works from one version, stored in the session, decoded and rendered. */
static GPtrArray *
draw_from (AtlStore               *store,
           const AtlSession       *session,
           const AtlModelVersion  *version,
           guint                   n,
           guint64                 seed,
           GError                **error)
{
  const AtlCodec *codec = atl_domain_get_codec (session->domain);
  g_autoptr(GPtrArray) items = g_ptr_array_new_with_free_func (g_object_unref);
  g_autoptr(AtlTokenSet) drawn = atl_token_set_new ();
  g_autofree guint64 *seeds = g_new (guint64, n);
  g_autofree AtlWorkSpec *specs = g_new0 (AtlWorkSpec, n);
  g_autofree gint64 *ids = g_new0 (gint64, n);
  AtlPolicy *policy = atl_version_load_policy (version, session->domain, error);
  AtlGenerator *gen = NULL;
  AtlStylePrefix prefix;
  gboolean ok;

  if (policy == NULL)
    return NULL;
  for (guint i = 0; i < n; i++)
    seeds[i] = seed + i;
  ok = atl_style_prefix_parse (codec, NULL, &prefix, error)
       && (gen = atl_generator_new (policy, codec, error)) != NULL
       && atl_generator_sample (gen, &prefix, NULL, 0, (int) n, seeds, 1.0f, 1.0f, drawn, NULL, error);
  if (gen != NULL)
    atl_generator_free (gen);
  atl_policy_free (policy);
  if (!ok)
    return NULL;
  for (guint i = 0; i < n; i++)
    {
      guint len;
      const int *seq = atl_token_set_get (drawn, i, &len);

      specs[i] = (AtlWorkSpec) { .tokens = (const gint32 *) seq, .n_tokens = len,
                                 .seed = seeds[i], .temperature = 1.0, .version_id = version->id };
    }
  if (!atl_store_add_works (store, session->id, specs, n, ids, error))
    return NULL;
  for (guint i = 0; i < n; i++)
    {
      AtlWork *work = atl_store_get_work (store, ids[i], error);
      AtlWorkItem *item = work ? atl_work_item_new (work, error) : NULL;

      if (item == NULL)
        return NULL;
      atl_work_item_set_lineage (item, version->number, 0);
      atl_work_item_render_thumbnail (item, 384);
      g_ptr_array_add (items, item);
    }
  return g_steal_pointer (&items);
}

static void
draw_worker (GTask        *task,
             gpointer      source_object,
             gpointer      task_data,
             GCancellable *cancellable)
{
  DrawData *data = task_data;
  g_autoptr(AtlStore) store = NULL;
  g_autoptr(AtlSession) session = NULL;
  g_autoptr(GPtrArray) versions = NULL;
  g_autoptr(AtlModelVersion) current = NULL;
  GPtrArray *pair[2] = { NULL, NULL };
  GError *error = NULL;
  guint64 seed = (guint64) g_random_int_range (100000, 999000);

  if ((store = atl_store_open (data->dir, &error)) == NULL
      || (session = atl_store_get_session (store, data->session_id, &error)) == NULL
      || (versions = atl_store_list_versions (store, data->session_id, &error)) == NULL
      || (current = atl_store_get_current_version (store, data->session_id, &error)) == NULL)
    {
      g_task_return_error (task, error);
      return;
    }
  if (current->number == 0)
    {
      g_task_return_new_error (task, G_IO_ERROR, G_IO_ERROR_NOT_SUPPORTED,
                               _("The current version is the base: train once, then compare"));
      return;
    }
  /* Different seeds per side: two close versions would otherwise draw the same work
   * twice, and a pair of twins teaches nothing. */
  if ((pair[0] = draw_from (store, session, g_ptr_array_index (versions, 0), data->n, seed, &error)) == NULL
      || (pair[1] = draw_from (store, session, current, data->n, seed + 1000, &error)) == NULL)
    {
      g_clear_pointer (&pair[0], g_ptr_array_unref);
      g_task_return_error (task, error);
      return;
    }
  g_ptr_array_add (pair[0], pair[1]);   /* the tuned list rides at the end of the base list */
  g_task_return_pointer (task, pair[0], (GDestroyNotify) g_ptr_array_unref);
}

static void
show_pair (AtlTasteCheck *self)
{
  g_autofree char *subtitle = NULL;
  AtlWorkItem *base, *tuned;

  if (self->at >= self->base->len)
    {
      g_autofree char *title = g_strdup_printf (_("You preferred the trained version %u of %u times"),
                                                self->wins, self->base->len);
      g_autofree char *body = g_strdup_printf (_("A win rate of %.0f%%. Each choice was saved as a "
                                                 "comparison, so this check teaches too."),
                                               100.0 * self->wins / MAX (self->base->len, 1));

      adw_status_page_set_title (self->result_page, title);
      adw_status_page_set_description (self->result_page, body);
      gtk_stack_set_visible_child_name (self->stack, "result");
      adw_window_title_set_subtitle (self->window_title, NULL);
      return;
    }
  base = g_ptr_array_index (self->base, self->at);
  tuned = g_ptr_array_index (self->tuned, self->at);
  self->tuned_left = g_random_boolean ();
  atl_work_tile_set_item (self->left_tile, self->tuned_left ? tuned : base);
  atl_work_tile_set_item (self->right_tile, self->tuned_left ? base : tuned);
  subtitle = g_strdup_printf (_("Pair %u of %u"), self->at + 1, self->base->len);
  adw_window_title_set_subtitle (self->window_title, subtitle);
  gtk_stack_set_visible_child_name (self->stack, "pair");
}

static void
draw_done_cb (GObject      *source,
              GAsyncResult *result,
              gpointer      user_data)
{
  g_autoptr(AtlTasteCheck) self = user_data;
  g_autoptr(GError) error = NULL;
  GPtrArray *items = g_task_propagate_pointer (G_TASK (result), &error);

  if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
    return;
  self->ready = TRUE;
  if (items == NULL)
    {
      adw_status_page_set_title (self->result_page, _("No Check Possible Yet"));
      adw_status_page_set_description (self->result_page, error->message);
      gtk_stack_set_visible_child_name (self->stack, "result");
      return;
    }
  self->tuned = g_ptr_array_steal_index (items, items->len - 1);
  self->base = items;
  show_pair (self);
}

static void
choose_action_cb (GtkWidget  *widget,
                  const char *action_name,
                  GVariant   *parameter)
{
  AtlTasteCheck *self = ATL_TASTE_CHECK (widget);
  int side = g_variant_get_int32 (parameter);
  AtlWorkItem *left, *right;
  g_autoptr(GError) error = NULL;

  if (self->base == NULL || self->at >= self->base->len)
    return;
  left = atl_work_tile_get_item (self->left_tile);
  right = atl_work_tile_get_item (self->right_tile);
  if (!atl_store_commit_ab (self->store, atl_work_item_get_id (side == 0 ? left : right),
                            atl_work_item_get_id (side == 0 ? right : left), side, NULL, &error))
    {
      adw_window_title_set_subtitle (self->window_title, error->message);
      return;
    }
  self->wins += (side == 0) == self->tuned_left;
  self->at++;
  show_pair (self);
}

static void
atl_taste_check_dispose (GObject *object)
{
  AtlTasteCheck *self = ATL_TASTE_CHECK (object);

  g_cancellable_cancel (self->cancellable);
  g_clear_object (&self->cancellable);
  gtk_widget_dispose_template (GTK_WIDGET (self), ATL_TYPE_TASTE_CHECK);
  g_clear_pointer (&self->base, g_ptr_array_unref);
  g_clear_pointer (&self->tuned, g_ptr_array_unref);
  g_clear_object (&self->store);
  G_OBJECT_CLASS (atl_taste_check_parent_class)->dispose (object);
}

static void
atl_taste_check_class_init (AtlTasteCheckClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->dispose = atl_taste_check_dispose;
  g_type_ensure (ATL_TYPE_WORK_TILE);
  gtk_widget_class_set_template_from_resource (widget_class,
                                               RESOURCE_PREFIX "/atl-taste-check.ui");
  gtk_widget_class_bind_template_child (widget_class, AtlTasteCheck, window_title);
  gtk_widget_class_bind_template_child (widget_class, AtlTasteCheck, stack);
  gtk_widget_class_bind_template_child (widget_class, AtlTasteCheck, left_tile);
  gtk_widget_class_bind_template_child (widget_class, AtlTasteCheck, right_tile);
  gtk_widget_class_bind_template_child (widget_class, AtlTasteCheck, result_page);
  gtk_widget_class_install_action (widget_class, "taste.choose", "i", choose_action_cb);
  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_Left, 0, "taste.choose", "i", 0);
  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_Right, 0, "taste.choose", "i", 1);
  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_Escape, 0, "window.close", NULL);
}

static void
atl_taste_check_init (AtlTasteCheck *self)
{
  gtk_widget_init_template (GTK_WIDGET (self));
  /* Blind: no seeds, lineage or marks that could give a side away. */
  atl_work_tile_set_blind (self->left_tile);
  atl_work_tile_set_blind (self->right_tile);
}

AtlTasteCheck *
atl_taste_check_new (GtkWindow *parent,
                     AtlStore  *store,
                     gint64     session_id,
                     guint      n_pairs)
{
  AtlTasteCheck *self = g_object_new (ATL_TYPE_TASTE_CHECK, "transient-for", parent, NULL);
  g_autoptr(GTask) task = NULL;
  DrawData *data = g_new0 (DrawData, 1);

  self->store = g_object_ref (store);
  self->cancellable = g_cancellable_new ();
  data->dir = g_path_get_dirname (atl_store_get_path (store));
  data->session_id = session_id;
  data->n = MAX (n_pairs, 1);
  task = g_task_new (NULL, self->cancellable, draw_done_cb, g_object_ref (self));
  g_task_set_task_data (task, data, (GDestroyNotify) draw_data_free);
  g_task_run_in_thread (task, draw_worker);
  return self;
}

gboolean
atl_taste_check_get_ready (AtlTasteCheck *self)
{
  return self->ready;
}

gboolean
atl_taste_check_get_finished (AtlTasteCheck *self)
{
  return self->base != NULL && self->at >= self->base->len;
}

guint
atl_taste_check_get_wins (AtlTasteCheck *self)
{
  return self->wins;
}

guint
atl_taste_check_get_answered (AtlTasteCheck *self)
{
  return self->at;
}
