/* atl-grid-view.c: rounds, picks and history for one domain; layout in atl-grid-view.ui. */
#include "atl-grid-view.h"

#include <glib/gi18n.h>

#include "atl-config.h"
#include "atl-grid-draw.h"
#include "atl-style-panel.h"
#include "atl-work-tile.h"

struct _AtlGridView
{
  GtkWidget parent_instance;

  AtlDomain       domain;
  AtlStore       *store;
  GSettings      *settings;
  AtlPlayer      *player;
  AtlPolicyCache *cache;
  GCancellable   *cancellable;

  gint64     session_id;
  gint64     grid_id;
  guint      round;
  GPtrArray *tiles;          /* AtlWorkTile *, by position */
  GPtrArray *arrived;        /* AtlWorkItem * (owned) or NULL, by position: not shown yet */
  gint64     filled_us;      /* frame time of the last batch of arrivals shown */
  guint      fill_tick;      /* tick callback showing the next batch, 0: none */
  GArray    *grid_ids;       /* gint64: the session's grids, by round */
  gboolean   busy;
  gboolean   dirty;          /* marks changed since the last commit */
  AtlWorkTile *playing;      /* the tile whose melody plays, or NULL */

  AdwFlap         *flap;
  AtlStylePanel   *style_panel;
  GtkStack        *content_stack;
  AdwStatusPage   *status_page;
  GtkGrid         *cells;
  GtkMenuButton   *round_button;
  GtkPopover      *round_popover;
  GtkListBox      *round_list;
  GtkLabel        *summary_label;
  GtkButton       *next_round_button;
};

enum {
  PROP_0,
  PROP_BUSY,
  PROP_GRID_ID,
  N_PROPS
};

enum {
  SIGNAL_PICKS_COMMITTED,
  SIGNAL_TOAST,
  N_SIGNALS
};

static GParamSpec *properties[N_PROPS];
static guint signals[N_SIGNALS];

G_DEFINE_FINAL_TYPE (AtlGridView, atl_grid_view, GTK_TYPE_WIDGET)

static void draw_round (AtlGridView *self, gint64 grid_id, gint64 parent_id,
                        gboolean continue_half);

static void
show_toast (AtlGridView *self,
            AdwToast    *toast)
{
  GtkWidget *overlay = gtk_widget_get_ancestor (GTK_WIDGET (self), ADW_TYPE_TOAST_OVERLAY);

  if (overlay != NULL)
    adw_toast_overlay_add_toast (ADW_TOAST_OVERLAY (overlay), toast);
  else
    g_object_unref (g_object_ref_sink (toast));
}

static void
show_error (AtlGridView  *self,
            const GError *error)
{
  show_toast (self, adw_toast_new (error->message));
}

static void
set_busy (AtlGridView *self,
          gboolean     busy)
{
  if (self->busy == busy)
    return;
  self->busy = busy;
  gtk_widget_action_set_enabled (GTK_WIDGET (self), "grid.next-round", !busy);
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_BUSY]);
}

static void
update_summary (AtlGridView *self)
{
  guint fav = 0, rej = 0, kept = 0;
  g_autofree char *text = NULL;

  for (guint i = 0; i < self->tiles->len; i++)
    {
      AtlWorkItem *item = atl_work_tile_get_item (g_ptr_array_index (self->tiles, i));

      if (item == NULL)
        continue;
      fav += atl_work_item_get_favourite (item);
      rej += atl_work_item_get_rejected (item);
      kept += atl_work_item_get_locked (item);
    }
  if (self->grid_id == 0)
    text = g_strdup ("");
  else if (fav + rej + kept == 0)
    text = g_strdup (_("Star the ones you like, reject the ones you don’t"));
  else
    {
      /* Translators: the first part of the marks of the shown round, e.g.
       * "1 favourite · 2 rejected · 1 kept". */
      g_autofree char *favs = g_strdup_printf (ngettext ("%u favourite", "%u favourites", fav),
                                               fav);

      /* Translators: "%s" is the favourites part ("1 favourite"). */
      text = g_strdup_printf (_("%s · %u rejected · %u kept"), favs, rej, kept);
    }
  gtk_label_set_label (self->summary_label, text);
}

static void
item_marked_cb (AtlGridView *self,
                GParamSpec  *pspec)
{
  if (!g_str_equal (pspec->name, "locked"))
    self->dirty = TRUE;
  update_summary (self);
}

static void
stop_playing (AtlGridView *self)
{
  if (self->playing == NULL)
    return;
  atl_work_tile_set_playhead (self->playing, -1);
  self->playing = NULL;
  atl_player_stop (self->player);
}

static void
player_position_cb (AtlGridView *self)
{
  AtlWorkItem *item;
  AtlSynthParams params;
  const AtlMelody *melody;
  double total;

  if (self->playing == NULL || (item = atl_work_tile_get_item (self->playing)) == NULL)
    return;
  if (atl_player_get_state (self->player) != ATL_PLAYER_STATE_PLAYING)
    {
      atl_work_tile_set_playhead (self->playing, -1);
      self->playing = NULL;
      return;
    }
  melody = atl_work_item_get_melody (item);
  atl_synth_params_init (&params);
  atl_style_panel_apply_synth (self->style_panel, &params);
  total = atl_synth_step_seconds (melody, &params,
                                  melody->n_bars * atl_metre_steps_per_bar (melody->metre));
  atl_work_tile_set_playhead (self->playing,
                              total > 0 ? atl_player_get_position (self->player) / total : 0);
}

static void
play_tile (AtlGridView *self,
           AtlWorkTile *tile)
{
  AtlWorkItem *item = atl_work_tile_get_item (tile);
  g_autoptr(GError) error = NULL;
  AtlSynthParams params;

  if (tile == self->playing)
    {
      stop_playing (self);
      return;
    }
  stop_playing (self);
  if (item == NULL || atl_work_item_get_melody (item) == NULL)
    return;
  if (atl_player_get_state (self->player) == ATL_PLAYER_STATE_UNAVAILABLE)
    {
      show_toast (self, adw_toast_new (atl_player_get_unavailable_reason (self->player)));
      return;
    }
  atl_synth_params_init (&params);
  params.sample_rate = g_settings_get_int (self->settings, "sample-rate");
  atl_style_panel_apply_synth (self->style_panel, &params);
  if (!atl_player_play (self->player, atl_work_item_get_melody (item), &params, &error))
    {
      show_error (self, error);
      return;
    }
  self->playing = tile;
  atl_work_tile_set_playhead (tile, 0);
}

static void
tile_request_cb (AtlWorkTile *tile,
                 const char  *what,
                 AtlGridView *self)
{
  AtlWorkItem *item = atl_work_tile_get_item (tile);
  g_autoptr(GError) error = NULL;

  if (g_str_equal (what, "play"))
    play_tile (self, tile);
  else if (g_str_equal (what, "more-like-this") || g_str_equal (what, "continue"))
    {
      if (!self->busy)
        {
          if (!atl_grid_view_commit_picks (self, NULL, &error))
            show_error (self, error);
          draw_round (self, 0, atl_work_item_get_id (item), g_str_equal (what, "continue"));
        }
    }
  else if (g_str_equal (what, "collect"))
    {
      if (atl_store_set_in_collection (self->store, atl_work_item_get_id (item), TRUE, &error))
        show_toast (self, adw_toast_new (_("Added to the collection")));
      else
        show_error (self, error);
    }
  else
    {
      /* open / export: the window owns the viewer and the file chooser. */
      GtkWidget *window = GTK_WIDGET (gtk_widget_get_root (GTK_WIDGET (self)));
      g_autofree char *action = g_strdup_printf ("win.%s-work", what);

      if (window != NULL)
        gtk_widget_activate_action (window, action, "x", atl_work_item_get_id (item));
    }
}

static guint
columns_for (guint n)
{
  return n <= 9 ? 3 : 4;
}

static void
clear_fill_tick (AtlGridView *self)
{
  if (self->fill_tick != 0)
    gtk_widget_remove_tick_callback (GTK_WIDGET (self), self->fill_tick);
  self->fill_tick = 0;
}

/* arrived holds NULL for the tiles with nothing waiting. */
static void
unref_arrival (gpointer item)
{
  if (item != NULL)
    g_object_unref (item);
}

/* Empties the grid and puts n empty tiles in it, to be filled as works arrive. */
static void
reset_cells (AtlGridView *self,
             guint        n)
{
  guint cols = columns_for (n);
  AtlSynthParams params;

  stop_playing (self);
  clear_fill_tick (self);
  g_ptr_array_set_size (self->arrived, 0);
  atl_synth_params_init (&params);
  atl_style_panel_apply_synth (self->style_panel, &params);
  /* A new round of the same size empties the tiles it has rather than building new ones:
   * twelve tiles from their template (CSS, popovers, a first layout) cost the main thread
   * more than a frame while a round trains beside it. */
  if (self->tiles->len == n)
    {
      for (guint i = 0; i < n; i++)
        {
          AtlWorkTile *tile = g_ptr_array_index (self->tiles, i);

          atl_work_tile_set_item (tile, NULL);
          atl_work_tile_set_synth_params (tile, &params);
        }
      gtk_stack_set_visible_child_name (self->content_stack, "grid");
      return;
    }
  for (guint i = 0; i < self->tiles->len; i++)
    {
      AtlWorkTile *tile = g_ptr_array_index (self->tiles, i);

      g_signal_handlers_disconnect_by_data (tile, self);
      gtk_grid_remove (self->cells, GTK_WIDGET (tile));
    }
  g_ptr_array_set_size (self->tiles, 0);

  for (guint i = 0; i < n; i++)
    {
      AtlWorkTile *tile = ATL_WORK_TILE (atl_work_tile_new ());

      atl_work_tile_set_position (tile, (int) i);
      atl_work_tile_set_synth_params (tile, &params);
      g_signal_connect (tile, "request", G_CALLBACK (tile_request_cb), self);
      gtk_grid_attach (self->cells, GTK_WIDGET (tile), (int) (i % cols), (int) (i / cols), 1, 1);
      g_ptr_array_add (self->tiles, tile);
    }
  gtk_stack_set_visible_child_name (self->content_stack, "grid");
}

static void
fill_tile (AtlGridView *self,
           guint        position,
           AtlWorkItem *item)
{
  atl_work_tile_set_item (g_ptr_array_index (self->tiles, position), item);
  g_signal_connect_object (item, "notify", G_CALLBACK (item_marked_cb), self, G_CONNECT_SWAPPED);
}

static void
show_arrived (AtlGridView *self)
{
  clear_fill_tick (self);
  for (guint i = 0; i < self->arrived->len; i++)
    {
      g_autoptr(AtlWorkItem) item = g_steal_pointer (&g_ptr_array_index (self->arrived, i));

      if (item != NULL && i < self->tiles->len)
        fill_tile (self, i, item);
    }
  g_ptr_array_set_size (self->arrived, 0);
  update_summary (self);
}

/* Every tile filled is a relayout of the whole window (a new picture, a seed, a caption),
 * and the worker finishes tiles a frame or two apart: shown one by one they would make a
 * dozen frames in a row pay that. Arrivals are shown in batches instead, at most one
 * every FILL_INTERVAL_US of frame time — still a tile or few at a time to the eye. */
#define FILL_INTERVAL_US (G_USEC_PER_SEC / 10)

static gboolean
fill_tick_cb (GtkWidget     *widget,
              GdkFrameClock *clock,
              gpointer       data)
{
  AtlGridView *self = ATL_GRID_VIEW (widget);
  gint64 now = gdk_frame_clock_get_frame_time (clock);

  if (now - self->filled_us < FILL_INTERVAL_US)
    return G_SOURCE_CONTINUE;
  self->fill_tick = 0;
  self->filled_us = now;
  show_arrived (self);
  return G_SOURCE_REMOVE;
}

static void
cell_ready_cb (int          position,
               AtlWorkItem *item,
               gpointer     user_data)
{
  AtlGridView *self = user_data;

  if ((guint) position >= self->tiles->len)
    return;
  if (self->arrived->len <= (guint) position)
    g_ptr_array_set_size (self->arrived, position + 1);
  g_set_object ((AtlWorkItem **) &g_ptr_array_index (self->arrived, position), item);
  /* Unmapped, there are no frames to spare: show it at once. */
  if (!gtk_widget_get_mapped (GTK_WIDGET (self)))
    show_arrived (self);
  else if (self->fill_tick == 0)
    self->fill_tick = gtk_widget_add_tick_callback (GTK_WIDGET (self), fill_tick_cb, NULL, NULL);
}

static void
show_status (AtlGridView *self,
             const char  *title,
             const char  *description)
{
  stop_playing (self);
  adw_status_page_set_icon_name (self->status_page,
                                 self->domain == ATL_DOMAIN_ART ? "image-x-generic-symbolic"
                                                                : "audio-x-generic-symbolic");
  adw_status_page_set_title (self->status_page, title);
  adw_status_page_set_description (self->status_page, description);
  gtk_stack_set_visible_child_name (self->content_stack, "status");
}

static void
update_round_list (AtlGridView *self)
{
  g_autoptr(GPtrArray) grids = NULL;
  GtkWidget *child;
  g_autofree char *label = NULL;
  guint position = 0;

  while ((child = gtk_widget_get_first_child (GTK_WIDGET (self->round_list))) != NULL)
    gtk_list_box_remove (self->round_list, child);
  g_array_set_size (self->grid_ids, 0);
  if (self->session_id != 0)
    grids = atl_store_list_grids (self->store, self->session_id, NULL);
  for (guint i = 0; grids != NULL && i < grids->len; i++)
    {
      AtlGrid *grid = g_ptr_array_index (grids, i);
      g_autoptr(GDateTime) when = g_date_time_new_from_unix_local (grid->created / G_USEC_PER_SEC);
      g_autofree char *time = g_date_time_format (when, "%x %X");
      g_autofree char *title = g_strdup_printf (_("Round %u"), grid->round);
      GtkWidget *row = adw_action_row_new ();

      adw_preferences_row_set_title (ADW_PREFERENCES_ROW (row), title);
      adw_action_row_set_subtitle (ADW_ACTION_ROW (row), time);
      gtk_list_box_row_set_activatable (GTK_LIST_BOX_ROW (row), TRUE);
      gtk_actionable_set_action_name (GTK_ACTIONABLE (row), "grid.goto-grid");
      gtk_actionable_set_action_target (GTK_ACTIONABLE (row), "x", grid->id);
      if (grid->id == self->grid_id)
        {
          adw_action_row_add_suffix (ADW_ACTION_ROW (row),
                                     gtk_image_new_from_icon_name ("object-select-symbolic"));
          position = self->grid_ids->len;
        }
      gtk_list_box_prepend (self->round_list, row);
      g_array_append_val (self->grid_ids, grid->id);
    }

  label = self->grid_id != 0 ? g_strdup_printf (_("Round %u"), self->round) : g_strdup (_("No Rounds"));
  gtk_menu_button_set_label (self->round_button, label);
  gtk_widget_action_set_enabled (GTK_WIDGET (self), "grid.show-round",
                                 self->grid_ids->len > 1);
  (void) position;
}

static void
draw_done_cb (GObject      *source,
              GAsyncResult *result,
              gpointer      user_data)
{
  g_autoptr(AtlGridView) self = user_data;
  g_autoptr(GError) error = NULL;
  g_autoptr(AtlDrawResult) drawn = atl_grid_draw_finish (result, &error);

  if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
    return;
  set_busy (self, FALSE);
  if (drawn == NULL)
    {
      g_autofree char *title = NULL;

      if (g_error_matches (error, G_FILE_ERROR, G_FILE_ERROR_NOENT))
        title = g_strdup (self->domain == ATL_DOMAIN_ART ? _("The art model is not installed")
                                                         : _("The music model is not installed"));
      else
        title = g_strdup (self->domain == ATL_DOMAIN_ART ? _("Could not draw images")
                                                         : _("Could not draw melodies"));
      show_status (self, title, error->message);
      self->grid_id = 0;
      update_round_list (self);
      return;
    }
  /* The round is whole once the draw is done: the last batch shows now, not a tick later. */
  show_arrived (self);
  for (guint i = 0; i < drawn->items->len; i++)
    {
      AtlWorkTile *tile = i < self->tiles->len ? g_ptr_array_index (self->tiles, i) : NULL;

      if (tile != NULL && atl_work_tile_get_item (tile) == NULL)
        fill_tile (self, i, g_ptr_array_index (drawn->items, i));
    }
  update_summary (self);
  self->grid_id = drawn->grid_id;
  self->round = drawn->round;
  self->dirty = FALSE;
  g_debug ("round %u: sampled in %.1f ms, rendered %u tiles in %.1f ms", drawn->round,
           drawn->sample_ms, drawn->items->len, drawn->render_ms);
  if (drawn->problem != NULL)
    show_toast (self, adw_toast_new (drawn->problem));
  update_round_list (self);
  update_summary (self);
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_GRID_ID]);
}

/* grid_id ≠ 0 reloads that grid; else draws a new round (keeping locked cells), with
 * parent_id ≠ 0 continuing that work: from its first third ("more like this") or, with
 * continue_half, from its first half ("continue"). */
static void
draw_round (AtlGridView *self,
            gint64       grid_id,
            gint64       parent_id,
            gboolean     continue_half)
{
  g_autoptr(AtlDrawRequest) request = atl_draw_request_new ();
  guint n;

  if (self->session_id == 0)
    return;
  g_cancellable_cancel (self->cancellable);
  g_clear_object (&self->cancellable);
  self->cancellable = g_cancellable_new ();

  request->store_dir = g_path_get_dirname (atl_store_get_path (self->store));
  request->session_id = self->session_id;
  request->grid_id = grid_id;
  request->count = g_settings_get_int (self->settings, "grid-size");
  /* Six-digit seeds: short enough to read off a badge and type back in. */
  request->seed = (guint64) g_random_int_range (100000, 999000);
  request->temperature = atl_style_panel_get_temperature (self->style_panel);
  request->style = atl_style_panel_dup_style (self->style_panel);
  request->parent_id = parent_id;
  request->continue_half = continue_half;
  request->thumb_size = 320 * gtk_widget_get_scale_factor (GTK_WIDGET (self));
  if (grid_id == 0 && parent_id == 0)
    {
      request->keep_ids = g_new0 (gint64, request->count);
      for (guint i = 0; i < self->tiles->len; i++)
        {
          AtlWorkItem *item = atl_work_tile_get_item (g_ptr_array_index (self->tiles, i));

          if (item != NULL && atl_work_item_get_locked (item) && i < (guint) request->count)
            request->keep_ids[i] = atl_work_item_get_id (item);
        }
    }
  if (grid_id != 0)
    {
      g_autoptr(GPtrArray) works = atl_store_list_grid_works (self->store, grid_id, NULL);

      n = works != NULL ? works->len : 0;
    }
  else
    n = (guint) request->count;

  reset_cells (self, n);
  set_busy (self, TRUE);
  atl_grid_draw_async (g_steal_pointer (&request), self->cache, cell_ready_cb, self,
                       self->cancellable, draw_done_cb, g_object_ref (self));
}

gboolean
atl_grid_view_commit_picks (AtlGridView  *self,
                            gint64       *out_batch_id,
                            GError      **error)
{
  g_autoptr(GArray) favourites = g_array_new (FALSE, FALSE, sizeof (gint64));
  g_autoptr(GArray) rejects = g_array_new (FALSE, FALSE, sizeof (gint64));
  gint64 batch = 0;

  g_return_val_if_fail (ATL_IS_GRID_VIEW (self), FALSE);

  if (out_batch_id != NULL)
    *out_batch_id = 0;
  if (self->grid_id == 0 || !self->dirty)
    return TRUE;
  for (guint i = 0; i < self->tiles->len; i++)
    {
      AtlWorkItem *item = atl_work_tile_get_item (g_ptr_array_index (self->tiles, i));
      gint64 id;

      if (item == NULL)
        continue;
      id = atl_work_item_get_id (item);
      if (atl_work_item_get_favourite (item))
        g_array_append_val (favourites, id);
      else if (atl_work_item_get_rejected (item))
        g_array_append_val (rejects, id);
    }
  if (!atl_store_commit_picks (self->store, self->grid_id,
                               (gint64 *) favourites->data, favourites->len,
                               (gint64 *) rejects->data, rejects->len, &batch, error))
    return FALSE;
  /* Favourites are what the artist keeps: they join the collection. */
  for (guint i = 0; i < favourites->len; i++)
    atl_store_set_in_collection (self->store, g_array_index (favourites, gint64, i), TRUE, NULL);
  self->dirty = FALSE;
  if (batch != 0)
    g_signal_emit (self, signals[SIGNAL_PICKS_COMMITTED], 0, favourites->len + rejects->len);
  if (out_batch_id != NULL)
    *out_batch_id = batch;
  return TRUE;
}

static void
undo_toast_cb (AdwToast    *toast,
               AtlGridView *self)
{
  gtk_widget_activate_action (GTK_WIDGET (self), "grid.undo-pick", NULL);
}

static void
next_round_action_cb (GtkWidget  *widget,
                      const char *action_name,
                      GVariant   *parameter)
{
  AtlGridView *self = ATL_GRID_VIEW (widget);
  g_autoptr(GError) error = NULL;
  gint64 batch = 0;

  if (self->busy || self->session_id == 0)
    return;
  if (!atl_grid_view_commit_picks (self, &batch, &error))
    {
      /* The picks stay on screen: nothing moves on until they are safe. */
      show_error (self, error);
      return;
    }
  if (batch != 0)
    {
      AdwToast *toast = adw_toast_new (_("Picks saved"));

      adw_toast_set_button_label (toast, _("_Undo"));
      g_signal_connect_object (toast, "button-clicked", G_CALLBACK (undo_toast_cb), self, 0);
      show_toast (self, toast);
    }
  draw_round (self, 0, 0, FALSE);
}

static void
undo_pick_action_cb (GtkWidget  *widget,
                     const char *action_name,
                     GVariant   *parameter)
{
  AtlGridView *self = ATL_GRID_VIEW (widget);
  g_autoptr(GError) error = NULL;
  g_autoptr(GPtrArray) works = NULL;

  if (self->session_id == 0)
    return;
  if (!atl_store_undo_last_pick (self->store, self->session_id, NULL, &error))
    {
      show_error (self, error);
      return;
    }
  /* The undone favourites leave the collection again; the shown grid's marks follow the
   * store if it was the undone one. */
  works = atl_store_list_works (self->store, self->session_id, NULL);
  for (guint i = 0; works != NULL && i < works->len; i++)
    {
      AtlWork *work = g_ptr_array_index (works, i);

      if (work->in_collection && !work->favourite && work->grid_id != 0)
        atl_store_set_in_collection (self->store, work->id, FALSE, NULL);
      for (guint t = 0; work->grid_id == self->grid_id && t < self->tiles->len; t++)
        {
          AtlWorkItem *item = atl_work_tile_get_item (g_ptr_array_index (self->tiles, t));

          if (item != NULL && atl_work_item_get_id (item) == work->id)
            {
              atl_work_item_set_favourite (item, work->favourite);
              atl_work_item_set_rejected (item, work->rejected);
            }
        }
    }
  self->dirty = FALSE;
  show_toast (self, adw_toast_new (_("Picks undone")));
}

static void
goto_grid_action_cb (GtkWidget  *widget,
                     const char *action_name,
                     GVariant   *parameter)
{
  AtlGridView *self = ATL_GRID_VIEW (widget);
  g_autoptr(GError) error = NULL;
  gint64 grid_id = g_variant_get_int64 (parameter);

  gtk_popover_popdown (self->round_popover);
  if (grid_id == self->grid_id && !self->busy)
    return;
  if (!atl_grid_view_commit_picks (self, NULL, &error))
    {
      show_error (self, error);
      return;
    }
  draw_round (self, grid_id, 0, FALSE);
}

static void
show_round_action_cb (GtkWidget  *widget,
                      const char *action_name,
                      GVariant   *parameter)
{
  AtlGridView *self = ATL_GRID_VIEW (widget);
  int step = g_variant_get_int32 (parameter);
  int at = -1;

  for (guint i = 0; i < self->grid_ids->len; i++)
    if (g_array_index (self->grid_ids, gint64, i) == self->grid_id)
      at = (int) i;
  at += step;
  if (at < 0 || at >= (int) self->grid_ids->len || self->busy)
    return;
  gtk_widget_activate_action (widget, "grid.goto-grid", "x",
                              g_array_index (self->grid_ids, gint64, at));
}

static void
favourite_action_cb (GtkWidget  *widget,
                     const char *action_name,
                     GVariant   *parameter)
{
  AtlGridView *self = ATL_GRID_VIEW (widget);
  int cell = g_variant_get_int32 (parameter);
  AtlWorkItem *item = cell >= 0 ? atl_grid_view_get_item (self, (guint) cell) : NULL;

  if (item != NULL)
    atl_work_item_set_favourite (item, !atl_work_item_get_favourite (item));
}

static void
move_action_cb (GtkWidget  *widget,
                const char *action_name,
                GVariant   *parameter)
{
  AtlGridView *self = ATL_GRID_VIEW (widget);
  GtkWidget *focus = gtk_root_get_focus (gtk_widget_get_root (widget));
  int dx, dy, at = -1, cols = (int) columns_for (self->tiles->len), n = (int) self->tiles->len;

  g_variant_get (parameter, "(ii)", &dx, &dy);
  for (int i = 0; i < n && focus != NULL; i++)
    {
      GtkWidget *tile = g_ptr_array_index (self->tiles, i);

      if (focus == tile || gtk_widget_is_ancestor (focus, tile))
        at = i;
    }
  if (n == 0)
    return;
  if (at < 0)
    at = 0;
  else
    {
      int next = at + dx + dy * cols;

      if (next >= 0 && next < n && (dy != 0 || next / cols == at / cols))
        at = next;
    }
  gtk_widget_grab_focus (g_ptr_array_index (self->tiles, at));
}

static void
style_changed_cb (AtlGridView *self)
{
  g_autofree char *json = atl_style_panel_dup_sliders_json (self->style_panel);
  g_autoptr(GError) error = NULL;
  AtlSynthParams params;

  if (self->session_id != 0
      && (!atl_store_set_sliders (self->store, self->session_id, json, &error)
          || !atl_store_set_exploration (self->store, self->session_id,
                                         atl_style_panel_get_exploration (self->style_panel),
                                         &error)))
    show_error (self, error);
  atl_synth_params_init (&params);
  atl_style_panel_apply_synth (self->style_panel, &params);
  for (guint i = 0; i < self->tiles->len; i++)
    atl_work_tile_set_synth_params (g_ptr_array_index (self->tiles, i), &params);
}

void
atl_grid_view_setup (AtlGridView *self,
                     AtlDomain    domain,
                     AtlStore    *store,
                     GSettings   *settings,
                     AtlPlayer   *player)
{
  g_return_if_fail (ATL_IS_GRID_VIEW (self) && self->store == NULL);

  self->domain = domain;
  self->store = g_object_ref (store);
  self->settings = g_object_ref (settings);
  self->player = g_object_ref (player);
  atl_style_panel_set_domain (self->style_panel, domain);
  g_signal_connect_object (player, "notify::position", G_CALLBACK (player_position_cb), self,
                           G_CONNECT_SWAPPED);
  g_signal_connect_object (player, "notify::state", G_CALLBACK (player_position_cb), self,
                           G_CONNECT_SWAPPED);
  g_settings_bind (settings, domain == ATL_DOMAIN_ART ? "art-style-panel" : "music-style-panel",
                   self->flap, "reveal-flap", G_SETTINGS_BIND_DEFAULT);
  show_status (self, _("No Session"), NULL);
}

void
atl_grid_view_set_session (AtlGridView *self,
                           gint64       session_id)
{
  g_autoptr(AtlSession) session = NULL;
  g_autoptr(GPtrArray) grids = NULL;
  g_autoptr(GError) error = NULL;

  g_return_if_fail (ATL_IS_GRID_VIEW (self));

  if (!atl_grid_view_commit_picks (self, NULL, &error))
    show_error (self, error);
  g_clear_error (&error);
  g_cancellable_cancel (self->cancellable);
  set_busy (self, FALSE);
  atl_policy_cache_clear (self->cache);
  self->session_id = 0;
  self->grid_id = 0;
  reset_cells (self, 0);
  if (session_id != 0)
    session = atl_store_get_session (self->store, session_id, &error);
  if (session == NULL)
    {
      show_status (self, _("No Session"), error ? error->message : NULL);
      update_round_list (self);
      return;
    }
  self->session_id = session_id;
  {
    g_autofree char *timbre = g_settings_get_string (self->settings, "default-timbre");

    atl_style_panel_set_default_timbre (self->style_panel, timbre);
  }
  atl_style_panel_set_sliders_json (self->style_panel, session->sliders_json);
  atl_style_panel_set_exploration (self->style_panel, session->exploration);
  grids = atl_store_list_grids (self->store, session_id, NULL);
  if (grids != NULL && grids->len > 0)
    draw_round (self, ((AtlGrid *) g_ptr_array_index (grids, grids->len - 1))->id, 0, FALSE);
  else
    draw_round (self, 0, 0, FALSE);
}

void
atl_grid_view_reload_model (AtlGridView *self)
{
  g_return_if_fail (ATL_IS_GRID_VIEW (self));
  atl_policy_cache_clear (self->cache);
}

AtlDomain
atl_grid_view_get_domain (AtlGridView *self)
{
  return self->domain;
}

gint64
atl_grid_view_get_session_id (AtlGridView *self)
{
  return self->session_id;
}

gint64
atl_grid_view_get_grid_id (AtlGridView *self)
{
  return self->grid_id;
}

gboolean
atl_grid_view_get_busy (AtlGridView *self)
{
  return self->busy;
}

guint
atl_grid_view_get_n_items (AtlGridView *self)
{
  return self->tiles->len;
}

AtlWorkItem *
atl_grid_view_get_item (AtlGridView *self,
                        guint        position)
{
  g_return_val_if_fail (ATL_IS_GRID_VIEW (self), NULL);
  if (position >= self->tiles->len)
    return NULL;
  return atl_work_tile_get_item (g_ptr_array_index (self->tiles, position));
}

static void
atl_grid_view_get_property (GObject    *object,
                            guint       prop_id,
                            GValue     *value,
                            GParamSpec *pspec)
{
  AtlGridView *self = ATL_GRID_VIEW (object);

  switch (prop_id)
    {
    case PROP_BUSY:
      g_value_set_boolean (value, self->busy);
      break;
    case PROP_GRID_ID:
      g_value_set_int64 (value, self->grid_id);
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
atl_grid_view_dispose (GObject *object)
{
  AtlGridView *self = ATL_GRID_VIEW (object);

  if (self->player != NULL)
    stop_playing (self);
  g_cancellable_cancel (self->cancellable);
  g_clear_object (&self->cancellable);
  clear_fill_tick (self);
  g_ptr_array_set_size (self->arrived, 0);
  gtk_widget_dispose_template (GTK_WIDGET (self), ATL_TYPE_GRID_VIEW);
  g_clear_object (&self->store);
  g_clear_object (&self->settings);
  g_clear_object (&self->player);
  G_OBJECT_CLASS (atl_grid_view_parent_class)->dispose (object);
}

static void
atl_grid_view_finalize (GObject *object)
{
  AtlGridView *self = ATL_GRID_VIEW (object);

  g_clear_pointer (&self->tiles, g_ptr_array_unref);
  g_clear_pointer (&self->arrived, g_ptr_array_unref);
  g_clear_pointer (&self->grid_ids, g_array_unref);
  /* The last draw task holds a reference on the view, so no worker uses the cache now. */
  g_clear_pointer (&self->cache, atl_policy_cache_free);
  G_OBJECT_CLASS (atl_grid_view_parent_class)->finalize (object);
}

static void
atl_grid_view_class_init (AtlGridViewClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->dispose = atl_grid_view_dispose;
  object_class->finalize = atl_grid_view_finalize;
  object_class->get_property = atl_grid_view_get_property;

  properties[PROP_BUSY] =
    g_param_spec_boolean ("busy", NULL, NULL, FALSE,
                          G_PARAM_READABLE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);
  properties[PROP_GRID_ID] =
    g_param_spec_int64 ("grid-id", NULL, NULL, 0, G_MAXINT64, 0,
                        G_PARAM_READABLE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);
  g_object_class_install_properties (object_class, N_PROPS, properties);

  /* picks-committed (n_marks): a batch of picks reached the store (auto-training counts). */
  signals[SIGNAL_PICKS_COMMITTED] =
    g_signal_new ("picks-committed", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST, 0,
                  NULL, NULL, NULL, G_TYPE_NONE, 1, G_TYPE_UINT);

  g_type_ensure (ATL_TYPE_STYLE_PANEL);
  gtk_widget_class_set_template_from_resource (widget_class,
                                               RESOURCE_PREFIX "/atl-grid-view.ui");
  gtk_widget_class_bind_template_child (widget_class, AtlGridView, flap);
  gtk_widget_class_bind_template_child (widget_class, AtlGridView, style_panel);
  gtk_widget_class_bind_template_child (widget_class, AtlGridView, content_stack);
  gtk_widget_class_bind_template_child (widget_class, AtlGridView, status_page);
  gtk_widget_class_bind_template_child (widget_class, AtlGridView, cells);
  gtk_widget_class_bind_template_child (widget_class, AtlGridView, round_button);
  gtk_widget_class_bind_template_child (widget_class, AtlGridView, round_popover);
  gtk_widget_class_bind_template_child (widget_class, AtlGridView, round_list);
  gtk_widget_class_bind_template_child (widget_class, AtlGridView, summary_label);
  gtk_widget_class_bind_template_child (widget_class, AtlGridView, next_round_button);

  gtk_widget_class_install_action (widget_class, "grid.next-round", NULL, next_round_action_cb);
  gtk_widget_class_install_action (widget_class, "grid.undo-pick", NULL, undo_pick_action_cb);
  gtk_widget_class_install_action (widget_class, "grid.goto-grid", "x", goto_grid_action_cb);
  gtk_widget_class_install_action (widget_class, "grid.show-round", "i", show_round_action_cb);
  gtk_widget_class_install_action (widget_class, "grid.favourite", "i", favourite_action_cb);
  gtk_widget_class_install_action (widget_class, "grid.move", "(ii)", move_action_cb);

  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_Return, 0, "grid.next-round", NULL);
  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_KP_Enter, 0, "grid.next-round", NULL);
  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_z, GDK_CONTROL_MASK, "grid.undo-pick", NULL);
  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_Left, 0, "grid.move", "(ii)", -1, 0);
  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_Right, 0, "grid.move", "(ii)", 1, 0);
  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_Up, 0, "grid.move", "(ii)", 0, -1);
  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_Down, 0, "grid.move", "(ii)", 0, 1);
  for (int i = 0; i < 9; i++)
    {
      gtk_widget_class_add_binding_action (widget_class, GDK_KEY_1 + i, 0, "grid.favourite", "i", i);
      gtk_widget_class_add_binding_action (widget_class, GDK_KEY_KP_1 + i, 0, "grid.favourite", "i", i);
    }
  gtk_widget_class_set_layout_manager_type (widget_class, GTK_TYPE_BIN_LAYOUT);
  gtk_widget_class_set_css_name (widget_class, "gridview");
}

static void
atl_grid_view_init (AtlGridView *self)
{
  gtk_widget_init_template (GTK_WIDGET (self));
  self->tiles = g_ptr_array_new ();
  self->arrived = g_ptr_array_new_with_free_func (unref_arrival);
  self->grid_ids = g_array_new (FALSE, FALSE, sizeof (gint64));
  self->cache = atl_policy_cache_new ();
  g_signal_connect_swapped (self->style_panel, "changed", G_CALLBACK (style_changed_cb), self);
}
