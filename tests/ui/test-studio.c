/* test-studio.c: drives the real studio window through its actions on a real display
 * (Xvfb in CI), with a private store and tiny base models made in the setup: draw a
 * grid, pick, undo, next round, keep a cell, browse history, play a melody, sessions and
 * versions, drag a work out — checking the store and the files — and writes screenshots
 * of each screen into $ATL_BUILD_DIR/screenshots.
 */
#include <adwaita.h>
#include <string.h>

#include "atl-application.h"
#include "atl-collection-view.h"
#include "atl-taste-check.h"
#include "atl-work-viewer.h"
#include "atl-grid-view.h"
#include "atl-piano-roll.h"
#include "atl-plot.h"
#include "atl-style-panel.h"
#include "atl-work-tile.h"
#include "atl-window.h"
#include "ui-test-common.h"

static AtlApplication *app;

static void
wait_for_grid (AtlGridView *view)
{
  g_assert_true (ui_test_wait_until (ui_test_grid_ready, view, 30));
}

static AtlGridView *
show_domain (const char *name)
{
  AtlWindow *window = ui_test_get_window ();

  gtk_widget_activate_action (GTK_WIDGET (window), "win.domain", "s", name);
  ui_test_wait_idle ();
  return atl_window_get_grid_view (window, g_str_equal (name, "art") ? ATL_DOMAIN_ART
                                                                    : ATL_DOMAIN_MUSIC);
}

static void
test_art_grid (void)
{
  AtlWindow *window = ui_test_get_window ();
  AtlGridView *view = show_domain ("art");
  AtlStore *store = atl_window_get_store (window);
  g_autoptr(GPtrArray) grids = NULL;
  g_autofree char *shot = NULL;
  gint64 start = g_get_monotonic_time ();

  wait_for_grid (view);
  g_test_message ("first art grid ready after %.0f ms",
                  (g_get_monotonic_time () - start) / 1000.0);
  g_assert_cmpuint (atl_grid_view_get_n_items (view), ==, 12);
  grids = atl_store_list_grids (store, atl_grid_view_get_session_id (view), NULL);
  g_assert_cmpuint (grids->len, ==, 1);
  for (guint i = 0; i < 12; i++)
    g_assert_nonnull (atl_work_item_get_thumbnail (atl_grid_view_get_item (view, i)));

  /* Two marks for the screenshot, undone by the next test's own picks. */
  atl_work_item_set_favourite (atl_grid_view_get_item (view, 1), TRUE);
  atl_work_item_set_rejected (atl_grid_view_get_item (view, 5), TRUE);
  ui_test_wait_for_frames (GTK_WIDGET (window), 20);
  shot = ui_test_screenshot (GTK_WIDGET (window), "grid-art");
}

static gboolean
grid_changed (gpointer data)
{
  gpointer *args = data;
  AtlGridView *view = args[0];

  return ui_test_grid_ready (view) && atl_grid_view_get_grid_id (view) != *(gint64 *) args[1];
}

static void
next_round (AtlGridView *view)
{
  gint64 before = atl_grid_view_get_grid_id (view);
  gpointer args[2] = { view, &before };

  gtk_widget_activate_action (GTK_WIDGET (view), "grid.next-round", NULL);
  g_assert_true (ui_test_wait_until (grid_changed, args, 30));
}

static void
test_pick_undo_next (void)
{
  AtlWindow *window = ui_test_get_window ();
  AtlGridView *view = show_domain ("art");
  AtlStore *store = atl_window_get_store (window);
  gint64 session = atl_grid_view_get_session_id (view);
  gint64 first_grid = atl_grid_view_get_grid_id (view);
  gint64 fav0 = atl_work_item_get_id (atl_grid_view_get_item (view, 0));
  gint64 fav1 = atl_work_item_get_id (atl_grid_view_get_item (view, 1));
  gint64 rej = atl_work_item_get_id (atl_grid_view_get_item (view, 2));
  AtlComparisonCounts counts;
  g_autoptr(AtlWork) work = NULL;
  g_autoptr(GPtrArray) collection = NULL;

  atl_work_item_set_rejected (atl_grid_view_get_item (view, 5), FALSE);
  /* 1 on the keyboard favourites cell 0, through the grid's own action. */
  gtk_widget_activate_action (GTK_WIDGET (view), "grid.favourite", "i", 0);
  g_assert_true (atl_work_item_get_favourite (atl_grid_view_get_item (view, 0)));
  atl_work_item_set_rejected (atl_grid_view_get_item (view, 2), TRUE);

  next_round (view);
  g_assert_cmpint (atl_grid_view_get_grid_id (view), !=, first_grid);
  g_assert_true (atl_store_count_comparisons (store, session, &counts, NULL));
  /* 2 favourites × 10 others, + the reject losing to the 9 non-favourite others. */
  g_assert_cmpuint (counts.by_kind[ATL_COMPARISON_GRID], ==, 2 * 10 + 9);
  work = atl_store_get_work (store, fav0, NULL);
  g_assert_true (work->favourite && work->in_collection);
  g_clear_pointer (&work, atl_work_free);
  work = atl_store_get_work (store, fav1, NULL);
  g_assert_true (work->favourite);
  g_clear_pointer (&work, atl_work_free);
  work = atl_store_get_work (store, rej, NULL);
  g_assert_true (work->rejected);
  g_clear_pointer (&work, atl_work_free);

  /* The toast's Undo: comparisons inactive, flags back, out of the collection. */
  gtk_widget_activate_action (GTK_WIDGET (view), "grid.undo-pick", NULL);
  g_assert_true (atl_store_count_comparisons (store, session, &counts, NULL));
  g_assert_cmpuint (counts.active, ==, 0);
  work = atl_store_get_work (store, fav0, NULL);
  g_assert_false (work->favourite);
  g_assert_false (work->in_collection);
  collection = atl_store_list_collection (store, session, NULL);
  g_assert_cmpuint (collection->len, ==, 0);

  /* Picks again on the new round, kept for the collection screens. */
  atl_work_item_set_favourite (atl_grid_view_get_item (view, 3), TRUE);
  atl_work_item_set_favourite (atl_grid_view_get_item (view, 7), TRUE);
  next_round (view);
  g_assert_true (atl_store_count_comparisons (store, session, &counts, NULL));
  g_assert_cmpuint (counts.active, ==, 2 * 10);
}

static void
test_lock (void)
{
  AtlWindow *window = ui_test_get_window ();
  AtlGridView *view = show_domain ("art");
  AtlStore *store = atl_window_get_store (window);
  AtlWorkItem *kept = atl_grid_view_get_item (view, 4);
  gint64 kept_id = atl_work_item_get_id (kept);
  const AtlWork *old, *now;

  atl_work_item_set_locked (kept, TRUE);
  old = atl_work_item_get_work (kept);
  g_object_ref (kept);
  next_round (view);

  now = atl_work_item_get_work (atl_grid_view_get_item (view, 4));
  g_assert_cmpint (now->parent_id, ==, kept_id);
  g_assert_cmpint (now->grid_id, ==, atl_grid_view_get_grid_id (view));
  g_assert_cmpuint (now->n_tokens, ==, old->n_tokens);
  g_assert_cmpmem (now->tokens, now->n_tokens * 4, old->tokens, old->n_tokens * 4);
  g_assert_true (atl_work_item_get_locked (atl_grid_view_get_item (view, 4)));
  g_object_unref (kept);
  (void) store;

  /* Unlocked again, the next round draws the cell anew. */
  atl_work_item_set_locked (atl_grid_view_get_item (view, 4), FALSE);
  next_round (view);
  g_assert_cmpint (atl_work_item_get_work (atl_grid_view_get_item (view, 4))->parent_id, ==, 0);
}

static void
test_history (void)
{
  AtlWindow *window = ui_test_get_window ();
  AtlGridView *view = show_domain ("art");
  AtlStore *store = atl_window_get_store (window);
  g_autoptr(GPtrArray) grids = atl_store_list_grids (store, atl_grid_view_get_session_id (view), NULL);
  gint64 latest = atl_grid_view_get_grid_id (view);
  gint64 earlier = ((AtlGrid *) g_ptr_array_index (grids, grids->len - 2))->id;
  gpointer args[2] = { view, &latest };

  g_assert_cmpint (((AtlGrid *) g_ptr_array_index (grids, grids->len - 1))->id, ==, latest);
  gtk_widget_activate_action (GTK_WIDGET (view), "grid.show-round", "i", -1);
  g_assert_true (ui_test_wait_until (grid_changed, args, 30));
  g_assert_cmpint (atl_grid_view_get_grid_id (view), ==, earlier);
  /* Lineage: every work knows its round. */
  g_assert_cmpuint (atl_work_item_get_round (atl_grid_view_get_item (view, 0)), ==,
                    ((AtlGrid *) g_ptr_array_index (grids, grids->len - 2))->round);

  gtk_widget_activate_action (GTK_WIDGET (view), "grid.goto-grid", "x", latest);
  g_assert_true (ui_test_wait_until (ui_test_grid_ready, view, 30));
  g_assert_cmpint (atl_grid_view_get_grid_id (view), ==, latest);
}

/* The last widget of type under root, depth first. */
static GtkWidget *
find_last (GtkWidget *root,
           GType      type)
{
  GtkWidget *last = g_type_is_a (G_OBJECT_TYPE (root), type) ? root : NULL;

  for (GtkWidget *child = gtk_widget_get_first_child (root); child != NULL;
       child = gtk_widget_get_next_sibling (child))
    {
      GtkWidget *found = find_last (child, type);

      if (found != NULL)
        last = found;
    }
  return last;
}

/* A label under root whose text contains needle, or NULL. */
static GtkWidget *
find_label_with (GtkWidget  *root,
                 const char *needle)
{
  if (GTK_IS_LABEL (root) && strstr (gtk_label_get_label (GTK_LABEL (root)), needle) != NULL)
    return root;
  for (GtkWidget *child = gtk_widget_get_first_child (root); child != NULL;
       child = gtk_widget_get_next_sibling (child))
    {
      GtkWidget *found = find_label_with (child, needle);

      if (found != NULL)
        return found;
    }
  return NULL;
}

/* The exploration slider is the session's, and a round after picks comes from a pool. */
static void
test_exploration (void)
{
  AtlWindow *window = ui_test_get_window ();
  AtlGridView *view = show_domain ("art");
  AtlStore *store = atl_window_get_store (window);
  GtkWidget *panel = ui_test_find_descendant (GTK_WIDGET (view), ATL_TYPE_STYLE_PANEL);
  GtkWidget *scale = find_last (panel, GTK_TYPE_SCALE);
  GtkWidget *scroller = ui_test_find_descendant (panel, GTK_TYPE_SCROLLED_WINDOW);
  g_autoptr(AtlSession) session = NULL;
  g_autoptr(GPtrArray) works = NULL;
  g_autofree char *shot = NULL;
  guint64 lo = G_MAXUINT64, hi = 0;

  g_assert_nonnull (scale);
  gtk_range_set_value (GTK_RANGE (scale), 0.6);
  session = atl_store_get_session (store, atl_grid_view_get_session_id (view), NULL);
  g_assert_cmpfloat_with_epsilon (session->exploration, 0.6, 1e-9);
  g_assert_cmpfloat_with_epsilon (atl_style_panel_get_exploration (ATL_STYLE_PANEL (panel)),
                                  0.6, 1e-9);

  /* The session has picks: the new cells are a third of a pool of seeds S … S + 3n − 1,
   * not the first n. */
  atl_work_item_set_favourite (atl_grid_view_get_item (view, 1), TRUE);
  next_round (view);
  works = atl_store_list_grid_works (store, atl_grid_view_get_grid_id (view), NULL);
  g_assert_nonnull (works);
  for (guint i = 0; i < works->len; i++)
    {
      AtlWork *w = works->pdata[i];

      lo = MIN (lo, w->seed);
      hi = MAX (hi, w->seed);
    }
  g_assert_cmpuint (hi - lo, >=, works->len);
  g_assert_cmpuint (hi - lo, <, 3 * works->len);

  /* The panel scrolled down to the new group, for the screenshot. */
  if (scroller != NULL)
    {
      GtkAdjustment *adj = gtk_scrolled_window_get_vadjustment (GTK_SCROLLED_WINDOW (scroller));

      gtk_adjustment_set_value (adj, gtk_adjustment_get_upper (adj));
    }
  ui_test_wait_for_frames (GTK_WIDGET (window), 10);
  shot = ui_test_screenshot (GTK_WIDGET (window), "style-exploration");
  gtk_range_set_value (GTK_RANGE (scale), 0.25);
}

static void
test_drag_file (void)
{
  AtlGridView *view = show_domain ("art");
  GtkWidget *tile = ui_test_find_descendant (GTK_WIDGET (view), ATL_TYPE_WORK_TILE);
  g_autoptr(GError) error = NULL;
  g_autoptr(GFile) file = atl_work_tile_write_drag_file (ATL_WORK_TILE (tile), &error);
  g_autoptr(GdkTexture) texture = NULL;

  g_assert_no_error (error);
  texture = gdk_texture_new_from_file (file, &error);
  g_assert_no_error (error);
  g_assert_cmpint (gdk_texture_get_width (texture), ==, 1024);
  g_file_delete (file, NULL, NULL);
}

static gboolean
playing (gpointer data)
{
  return atl_piano_roll_get_playhead (data) > 0;
}

static void
test_music_grid (void)
{
  AtlWindow *window = ui_test_get_window ();
  AtlGridView *view = show_domain ("music");
  GtkWidget *tile, *roll;
  g_autofree char *shot = NULL;
  g_autoptr(GError) error = NULL;
  g_autoptr(GFile) file = NULL;

  wait_for_grid (view);
  g_assert_nonnull (atl_work_item_get_melody (atl_grid_view_get_item (view, 0)));
  tile = ui_test_find_descendant (GTK_WIDGET (view), ATL_TYPE_WORK_TILE);
  roll = ui_test_find_descendant (tile, ATL_TYPE_PIANO_ROLL);
  gtk_widget_activate_action (tile, "tile.play", NULL);
  /* Real playback on ALSA's null device: the playhead appears and moves (a short melody
   * on a loaded machine may end before a position update; then it only appeared). */
  g_assert_cmpfloat (atl_piano_roll_get_playhead (ATL_PIANO_ROLL (roll)), >=, 0);
  if (!ui_test_wait_until (playing, roll, 5))
    g_test_message ("the playhead did not move before the melody ended");
  atl_work_item_set_favourite (atl_grid_view_get_item (view, 2), TRUE);
  ui_test_wait_for_frames (GTK_WIDGET (window), 10);
  shot = ui_test_screenshot (GTK_WIDGET (window), "grid-music");
  /* Play again (the melody may have ended by now) and stop at once: the playhead goes. */
  if (atl_piano_roll_get_playhead (ATL_PIANO_ROLL (roll)) < 0)
    gtk_widget_activate_action (tile, "tile.play", NULL);
  g_assert_cmpfloat (atl_piano_roll_get_playhead (ATL_PIANO_ROLL (roll)), >=, 0);
  gtk_widget_activate_action (tile, "tile.play", NULL);
  g_assert_cmpfloat (atl_piano_roll_get_playhead (ATL_PIANO_ROLL (roll)), <, 0);

  file = atl_work_tile_write_drag_file (ATL_WORK_TILE (tile), &error);
  g_assert_no_error (error);
  g_assert_true (g_str_has_suffix (g_file_peek_path (file), ".wav"));
  g_file_delete (file, NULL, NULL);
}

static gboolean
not_training (gpointer data)
{
  return !atl_training_panel_get_training (data);
}

static void
test_train (void)
{
  AtlWindow *window = ui_test_get_window ();
  AtlGridView *view = show_domain ("art");
  AtlStore *store = atl_window_get_store (window);
  AtlTrainingPanel *panel = atl_window_get_training_panel (window);
  gint64 session = atl_grid_view_get_session_id (view);
  g_autoptr(AtlModelVersion) current = NULL;
  g_autofree char *shot = NULL;
  GtkWidget *plot;

  gtk_widget_activate_action (GTK_WIDGET (window), "win.show-training", NULL);
  atl_training_panel_set_steps (panel, 4);
  gtk_widget_activate_action (GTK_WIDGET (panel), "training.train-now", NULL);
  g_assert_true (atl_training_panel_get_training (panel));
  /* The grid stays usable while the round trains on its thread. */
  atl_work_item_set_favourite (atl_grid_view_get_item (view, 0), TRUE);
  g_assert_true (ui_test_wait_until (not_training, panel, 120));

  current = atl_store_get_current_version (store, session, NULL);
  g_assert_cmpuint (current->number, ==, 1);
  g_assert_true (g_file_test (current->path, G_FILE_TEST_IS_REGULAR));
  plot = ui_test_find_descendant (GTK_WIDGET (panel), ATL_TYPE_PLOT);
  g_assert_cmpuint (atl_plot_get_n_values (ATL_PLOT (plot)), >=, 1);

  next_round (view);
  g_assert_cmpuint (atl_work_item_get_version_number (atl_grid_view_get_item (view, 0)), ==, 1);
  ui_test_wait_for_frames (GTK_WIDGET (window), 30);
  shot = ui_test_screenshot (GTK_WIDGET (window), "training");
}

static gboolean
taste_ready (gpointer data)
{
  return atl_taste_check_get_ready (data);
}

static void
test_taste_check (void)
{
  AtlWindow *window = ui_test_get_window ();
  AtlGridView *view = show_domain ("art");
  AtlStore *store = atl_window_get_store (window);
  AtlComparisonCounts before, after;
  AtlTasteCheck *check;
  g_autofree char *shot = NULL;

  atl_store_count_comparisons (store, atl_grid_view_get_session_id (view), &before, NULL);
  gtk_widget_activate_action (GTK_WIDGET (window), "win.taste-check", NULL);
  check = ATL_TASTE_CHECK (ui_test_find_toplevel (ATL_TYPE_TASTE_CHECK));
  g_assert_nonnull (check);
  g_assert_true (ui_test_wait_until (taste_ready, check, 60));
  ui_test_wait_for_frames (GTK_WIDGET (check), 10);
  shot = ui_test_screenshot (GTK_WIDGET (check), "taste-check");
  for (int i = 0; i < 8; i++)
    gtk_widget_activate_action (GTK_WIDGET (check), "taste.choose", "i", i % 2);
  g_assert_true (atl_taste_check_get_finished (check));
  g_assert_cmpuint (atl_taste_check_get_answered (check), ==, 8);
  g_assert_cmpuint (atl_taste_check_get_wins (check), <=, 8);
  atl_store_count_comparisons (store, atl_grid_view_get_session_id (view), &after, NULL);
  g_assert_cmpuint (after.by_kind[ATL_COMPARISON_AB], ==, before.by_kind[ATL_COMPARISON_AB] + 8);
  ui_test_wait_for_frames (GTK_WIDGET (check), 5);
  g_free (shot);
  shot = ui_test_screenshot (GTK_WIDGET (check), "taste-check-result");
  gtk_window_destroy (GTK_WINDOW (check));
}

static gboolean
collection_idle (gpointer data)
{
  return !atl_collection_view_get_busy (data);
}

static int
count_files (const char *dir,
             const char *suffix)
{
  g_autoptr(GDir) d = g_dir_open (dir, 0, NULL);
  const char *name;
  int n = 0;

  while (d != NULL && (name = g_dir_read_name (d)) != NULL)
    n += g_str_has_suffix (name, suffix);
  return n;
}

static void
test_collection_export (void)
{
  AtlWindow *window = ui_test_get_window ();
  AtlGridView *view = show_domain ("art");
  AtlStore *store = atl_window_get_store (window);
  AtlCollectionView *collection;
  g_autoptr(GPtrArray) kept = atl_store_list_collection (store, atl_grid_view_get_session_id (view), NULL);
  g_autofree char *dir = g_dir_make_tmp ("atelier-export-XXXXXX", NULL);
  g_autofree char *svg = g_build_filename (dir, "single.svg", NULL);
  g_autoptr(GFile) folder = g_file_new_for_path (dir);
  g_autofree char *shot = NULL;
  gint64 first_id;

  g_assert_cmpuint (kept->len, >=, 2);
  first_id = ((AtlWork *) g_ptr_array_index (kept, 0))->id;
  gtk_widget_activate_action (GTK_WIDGET (window), "win.domain", "s", "collection");
  collection = ATL_COLLECTION_VIEW (ui_test_find_descendant (GTK_WIDGET (window),
                                                             ATL_TYPE_COLLECTION_VIEW));
  g_assert_true (ui_test_wait_until (collection_idle, collection, 30));
  g_assert_cmpuint (atl_collection_view_get_n_works (collection), ==, kept->len);
  ui_test_wait_for_frames (GTK_WIDGET (window), 10);
  shot = ui_test_screenshot (GTK_WIDGET (window), "collection");

  /* A batch: everything (nothing selected), PNG at the settings' size, named by pattern. */
  atl_collection_view_export_to (collection, folder);
  g_assert_true (atl_collection_view_get_busy (collection));
  g_assert_true (ui_test_wait_until (collection_idle, collection, 60));
  g_assert_cmpint (count_files (dir, ".png"), ==, (int) kept->len);

  /* One work through the window's export, SVG by its extension. */
  gtk_widget_activate_action (GTK_WIDGET (window), "win.export-work-to", "(xs)", first_id, svg);
  {
    gint64 deadline = g_get_monotonic_time () + 10 * G_USEC_PER_SEC;

    while (!g_file_test (svg, G_FILE_TEST_EXISTS) && g_get_monotonic_time () < deadline)
      g_main_context_iteration (NULL, TRUE);
  }
  g_assert_true (g_file_test (svg, G_FILE_TEST_EXISTS));

  /* Open large, rate 4 stars: stored. */
  gtk_widget_activate_action (GTK_WIDGET (window), "win.open-work", "x", first_id);
  {
    GtkWindow *viewer = ui_test_find_toplevel (ATL_TYPE_WORK_VIEWER);
    g_autoptr(AtlWork) work = NULL;
    g_autofree char *viewer_shot = NULL;

    g_assert_nonnull (viewer);
    gtk_widget_activate_action (GTK_WIDGET (viewer), "viewer.rate", "i", 4);
    work = atl_store_get_work (store, first_id, NULL);
    g_assert_cmpint (work->rating, ==, 4);
    {
      /* Its lineage line names the round it was drawn in (it said round 0). */
      g_autoptr(AtlGrid) grid = atl_store_get_grid (store, work->grid_id, NULL);
      g_autofree char *want = g_strdup_printf ("round %u", grid->round);

      g_assert_cmpuint (grid->round, >, 0);
      g_assert_nonnull (find_label_with (GTK_WIDGET (viewer), want));
    }
    ui_test_wait_for_frames (GTK_WIDGET (viewer), 10);
    viewer_shot = ui_test_screenshot (GTK_WIDGET (viewer), "viewer");
    gtk_window_destroy (viewer);
  }

  /* Remove one from the collection. */
  gtk_widget_activate_action (GTK_WIDGET (collection), "collection.remove", "x", first_id);
  g_assert_true (ui_test_wait_until (collection_idle, collection, 30));
  g_assert_cmpuint (atl_collection_view_get_n_works (collection), ==, kept->len - 1);
  ui_test_cleanup (dir);
  show_domain ("art");
}

static void
test_sessions_and_versions (void)
{
  AtlWindow *window = ui_test_get_window ();
  AtlGridView *view = show_domain ("art");
  AtlStore *store = atl_window_get_store (window);
  gint64 first = atl_grid_view_get_session_id (view);
  g_autoptr(AtlSession) session = NULL;
  g_autoptr(AtlModelVersion) current = NULL;
  g_autofree char *base = g_build_filename (g_getenv ("ATL_MODELS_DIR"), "art-base.safetensors", NULL);
  g_autofree char *contents = NULL;
  g_autofree char *sha = NULL;
  gsize length;
  gint64 v1;

  gtk_widget_activate_action (GTK_WIDGET (window), "win.new-session", "s", "Bauhaus Studies");
  session = atl_store_lookup_session (store, "Bauhaus Studies", NULL);
  g_assert_nonnull (session);
  g_assert_cmpint (atl_grid_view_get_session_id (view), ==, session->id);
  wait_for_grid (view);

  gtk_widget_activate_action (GTK_WIDGET (window), "win.rename-session", "s", "Bauhaus");
  g_clear_pointer (&session, atl_session_free);
  session = atl_store_lookup_session (store, "Bauhaus", NULL);
  g_assert_nonnull (session);

  /* A fine-tuned v1 (here: the base's bytes under another name), then restore v0 and v1. */
  g_assert_true (g_file_get_contents (base, &contents, &length, NULL));
  sha = g_compute_checksum_for_data (G_CHECKSUM_SHA256, (const guchar *) contents, length);
  v1 = atl_store_add_version (store, session->id, 0, base, sha,
                              "{\"accuracy\": 0.81}", TRUE, NULL);
  g_assert_cmpint (v1, >, 0);
  gtk_widget_activate_action (GTK_WIDGET (window), "win.restore-version", "u", 0);
  current = atl_store_get_current_version (store, session->id, NULL);
  g_assert_cmpuint (current->number, ==, 0);
  g_clear_pointer (&current, atl_model_version_free);
  gtk_widget_activate_action (GTK_WIDGET (window), "win.restore-version", "u", 1);
  current = atl_store_get_current_version (store, session->id, NULL);
  g_assert_cmpuint (current->number, ==, 1);
  next_round (view);
  g_assert_cmpuint (atl_work_item_get_version_number (atl_grid_view_get_item (view, 0)), ==, 1);
  gtk_widget_activate_action (GTK_WIDGET (window), "win.reset-to-base", NULL);
  g_clear_pointer (&current, atl_model_version_free);
  current = atl_store_get_current_version (store, session->id, NULL);
  g_assert_cmpuint (current->number, ==, 0);

  /* The switcher's popover, open, for the screenshot. */
  {
    GtkWidget *button = ui_test_find_descendant (GTK_WIDGET (window), GTK_TYPE_MENU_BUTTON);
    GtkPopover *popover = gtk_menu_button_get_popover (GTK_MENU_BUTTON (button));
    g_autofree char *shot = NULL;

    gtk_menu_button_popup (GTK_MENU_BUTTON (button));
    ui_test_wait_for_frames (GTK_WIDGET (window), 20);
    shot = ui_test_screenshot (GTK_WIDGET (popover), "sessions");
    gtk_menu_button_popdown (GTK_MENU_BUTTON (button));
  }

  gtk_widget_activate_action (GTK_WIDGET (window), "win.switch-session", "x", first);
  g_assert_cmpint (atl_grid_view_get_session_id (view), ==, first);
  wait_for_grid (view);
}

int
main (int argc, char **argv)
{
  g_autofree char *root = NULL;
  int status = 1;

  gtk_test_init (&argc, &argv, NULL);
  adw_init ();
  root = ui_test_setup_store_and_models (TRUE, TRUE);

  g_test_add_func ("/ui/studio/art-grid", test_art_grid);
  g_test_add_func ("/ui/studio/pick-undo-next", test_pick_undo_next);
  g_test_add_func ("/ui/studio/lock", test_lock);
  g_test_add_func ("/ui/studio/history", test_history);
  g_test_add_func ("/ui/studio/exploration", test_exploration);
  g_test_add_func ("/ui/studio/drag-file", test_drag_file);
  g_test_add_func ("/ui/studio/music-grid", test_music_grid);
  g_test_add_func ("/ui/studio/train", test_train);
  g_test_add_func ("/ui/studio/taste-check", test_taste_check);
  g_test_add_func ("/ui/studio/collection-export", test_collection_export);
  g_test_add_func ("/ui/studio/sessions-and-versions", test_sessions_and_versions);

  app = atl_application_new ();
  g_application_set_flags (G_APPLICATION (app), G_APPLICATION_NON_UNIQUE);
  g_signal_connect_after (app, "activate", G_CALLBACK (ui_test_run_tests_cb), &status);
  g_application_run (G_APPLICATION (app), 0, NULL);
  g_clear_object (&app);
  ui_test_cleanup (root);
  return status;
}
