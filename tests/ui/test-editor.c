/* test-editor.c: the large view's editor — hit testing on a hand-made composition with
 * known answers, then real edits through the viewer's actions on works of a real grid
 * (move, recolour, delete a shape; transpose and delete a note), saved and checked in the
 * store: a new work whose parent is the original, decoding to the edit, and a comparison
 * that prefers it. A screenshot of each editor is written.
 */
#include <adwaita.h>

#include "atl-application.h"
#include "atl-art-codec.h"
#include "atl-grid-draw.h"
#include "atl-grid-view.h"
#include "atl-music-codec.h"
#include "atl-window.h"
#include "atl-work-tile.h"
#include "atl-work-edit.h"
#include "atl-work-viewer.h"
#include "ui-test-common.h"

static AtlApplication *app;

static void
test_hit_test (void)
{
  AtlArtwork art = { .palette = 0, .bg_slot = 0, .bg_light = 2, .n_elements = 2 };

  art.complexity = (uint8_t) atl_art_complexity_for (2);
  /* 0: a filled circle of radius 1/4 centred at (1/4, 1/4); 1: a square of half side 1/8
   * on top of it, same centre. */
  art.elements[0] = (AtlArtElement) { .kind = ATL_ART_CIRCLE, .x = 8, .y = 8, .size = 21,
                                      .slot = 1, .light = 2, .alpha = 7 };
  art.elements[1] = (AtlArtElement) { .kind = ATL_ART_RECT, .x = 8, .y = 8, .size = 16,
                                      .slot = 2, .light = 2, .alpha = 7 };
  g_assert_cmpint (atl_art_hit_test (&art, 0.25, 0.25), ==, 1);   /* topmost first */
  g_assert_cmpint (atl_art_hit_test (&art, 0.25, 0.45), ==, 0);   /* circle only */
  g_assert_cmpint (atl_art_hit_test (&art, 0.80, 0.80), ==, -1);  /* ground */
  g_assert_cmpint (atl_art_hit_test (&art, 1.5, 0.5), ==, -1);

  g_assert_true (atl_art_move_element (&art, 1, 30, -30));
  g_assert_cmpint (art.elements[1].x, ==, 31);                     /* clamped to the grid */
  g_assert_cmpint (art.elements[1].y, ==, 0);
  g_assert_false (atl_art_recolour_element (&art, 0, 6, 2));       /* no 7th colour */
  g_assert_true (atl_art_delete_element (&art, 1));
  g_assert_false (atl_art_delete_element (&art, 0));               /* never empty */
}

/* Opens the first work of the domain's grid large; returns the viewer. */
static AtlWorkViewer *
open_first (const char *domain,
            AtlDomain   which,
            gint64     *out_id)
{
  AtlWindow *window = ui_test_get_window ();
  AtlGridView *view;
  GtkWindow *viewer;

  gtk_widget_activate_action (GTK_WIDGET (window), "win.domain", "s", domain);
  view = atl_window_get_grid_view (window, which);
  g_assert_true (ui_test_wait_until (ui_test_grid_ready, view, 30));
  *out_id = atl_work_item_get_id (atl_grid_view_get_item (view, 0));
  gtk_widget_activate_action (GTK_WIDGET (window), "win.open-work", "x", *out_id);
  viewer = ui_test_find_toplevel (ATL_TYPE_WORK_VIEWER);
  g_assert_nonnull (viewer);
  ui_test_wait_for_frames (GTK_WIDGET (viewer), 5);
  return ATL_WORK_VIEWER (viewer);
}

/* The stored edit: parent is the original, and the original lost to it. */
static AtlWork *
check_saved (gint64 original_id,
             gint64 edit_id)
{
  AtlStore *store = atl_window_get_store (ui_test_get_window ());
  g_autoptr(GPtrArray) prefs = NULL;
  AtlWork *edit = atl_store_get_work (store, edit_id, NULL);
  gboolean found = FALSE;

  g_assert_nonnull (edit);
  g_assert_cmpint (edit->parent_id, ==, original_id);
  prefs = atl_store_list_preferences (store, edit->session_id, NULL);
  for (guint i = 0; prefs != NULL && i < prefs->len; i++)
    {
      AtlPreference *p = g_ptr_array_index (prefs, i);

      found |= p->kind == ATL_COMPARISON_EDIT && p->winner->id == edit_id
               && p->loser->id == original_id;
    }
  g_assert_true (found);
  return edit;
}

static void
decode_art (const AtlWork *work,
            AtlArtwork    *art)
{
  g_autofree int *tokens = g_new (int, work->n_tokens);
  AtlMsg msg = { { 0 } };

  for (gsize i = 0; i < work->n_tokens; i++)
    tokens[i] = work->tokens[i];
  g_assert_cmpint (atl_art_decode (tokens, (int) work->n_tokens, art, &msg), ==, ATL_OK);
}

static void
test_edit_art (void)
{
  gint64 original_id, edit_id;
  AtlWorkViewer *viewer = open_first ("art", ATL_DOMAIN_ART, &original_id);
  g_autoptr(AtlWork) original = atl_store_get_work (atl_window_get_store (ui_test_get_window ()),
                                                    original_id, NULL);
  g_autoptr(AtlWork) edit = NULL;
  g_autofree char *shot = NULL;
  AtlArtwork before, after;
  int top, x, y;

  decode_art (original, &before);
  top = before.n_elements - 1;
  /* Nothing selected yet: nothing to save. */
  g_assert_cmpint (atl_work_viewer_save (viewer), ==, 0);

  /* Select the topmost element by clicking its anchor, through the hit test. */
  {
    int hit = -1;

    /* An outline or an arc may have no ink at its anchor: try the anchors top down. */
    for (int i = before.n_elements - 1; i >= 0 && hit < 0; i--)
      hit = atl_art_hit_test (&before, (before.elements[i].x + 0.5) / 32.0,
                              (before.elements[i].y + 0.5) / 32.0);
    g_assert_cmpint (hit, >=, 0);
    top = hit;
  }
  x = before.elements[top].x;
  y = before.elements[top].y;
  /* A click selects what the hit test found; viewer.select is the same step. */
  gtk_widget_activate_action (GTK_WIDGET (viewer), "viewer.select", "i", top);
  gtk_widget_activate_action (GTK_WIDGET (viewer), "viewer.nudge", "(ii)", x < 31 ? 1 : -1, 0);
  gtk_widget_activate_action (GTK_WIDGET (viewer), "viewer.colour", "i",
                              (before.elements[top].slot + 1) % 5);
  gtk_widget_activate_action (GTK_WIDGET (viewer), "viewer.lightness", "i",
                              before.elements[top].light < 4 ? 1 : -1);
  ui_test_wait_for_frames (GTK_WIDGET (viewer), 5);
  shot = ui_test_screenshot (GTK_WIDGET (viewer), "editor-art");
  edit_id = atl_work_viewer_save (viewer);
  g_assert_cmpint (edit_id, >, 0);
  edit = check_saved (original_id, edit_id);
  decode_art (edit, &after);
  g_assert_cmpint (after.n_elements, ==, before.n_elements);
  g_assert_cmpint (after.elements[top].x, ==, x < 31 ? x + 1 : x - 1);
  g_assert_cmpint (after.elements[top].y, ==, y);
  g_assert_cmpint (after.elements[top].slot, ==, (before.elements[top].slot + 1) % 5);
  g_assert_cmpint (after.elements[top].light, !=, before.elements[top].light);

  /* Delete it: one element fewer in the next saved work. */
  if (before.n_elements > 1)
    {
      g_autoptr(AtlWork) edit2 = NULL;
      gint64 id2;

      gtk_widget_activate_action (GTK_WIDGET (viewer), "viewer.select", "i", top);
      gtk_widget_activate_action (GTK_WIDGET (viewer), "viewer.delete", NULL);
      id2 = atl_work_viewer_save (viewer);
      edit2 = check_saved (original_id, id2);
      decode_art (edit2, &after);
      g_assert_cmpint (after.n_elements, ==, before.n_elements - 1);
    }
  gtk_window_destroy (GTK_WINDOW (viewer));
}

static void
test_edit_music (void)
{
  gint64 original_id, edit_id;
  AtlWorkViewer *viewer = open_first ("music", ATL_DOMAIN_MUSIC, &original_id);
  AtlStore *store = atl_window_get_store (ui_test_get_window ());
  g_autoptr(AtlWork) original = atl_store_get_work (store, original_id, NULL);
  g_autoptr(AtlWork) edit = NULL;
  g_autofree int *tokens = NULL;
  g_autofree char *shot = NULL;
  AtlMelody before, after;
  AtlMsg msg = { { 0 } };
  int note = 0;

  tokens = g_new (int, original->n_tokens);
  for (gsize i = 0; i < original->n_tokens; i++)
    tokens[i] = original->tokens[i];
  g_assert_cmpint (atl_music_decode (tokens, (int) original->n_tokens, &before, NULL, &msg), ==, ATL_OK);
  g_assert_cmpint (before.n_notes, >=, 2);
  /* A note that can go up a semitone. */
  while (note < before.n_notes - 1 && before.notes[note].pitch >= 24)
    note++;
  gtk_widget_activate_action (GTK_WIDGET (viewer), "viewer.select", "i", note);
  gtk_widget_activate_action (GTK_WIDGET (viewer), "viewer.nudge", "(ii)", 0, -1);
  ui_test_wait_for_frames (GTK_WIDGET (viewer), 5);
  shot = ui_test_screenshot (GTK_WIDGET (viewer), "editor-music");
  gtk_widget_activate_action (GTK_WIDGET (viewer), "viewer.select", "i", before.n_notes - 1);
  gtk_widget_activate_action (GTK_WIDGET (viewer), "viewer.delete", NULL);
  edit_id = atl_work_viewer_save (viewer);
  g_assert_cmpint (edit_id, >, 0);
  edit = check_saved (original_id, edit_id);
  g_free (tokens);
  tokens = g_new (int, edit->n_tokens);
  for (gsize i = 0; i < edit->n_tokens; i++)
    tokens[i] = edit->tokens[i];
  g_assert_cmpint (atl_music_decode (tokens, (int) edit->n_tokens, &after, NULL, &msg), ==, ATL_OK);
  g_assert_cmpint (after.n_notes, ==, before.n_notes - 1);
  g_assert_cmpint (after.notes[note].pitch, ==, before.notes[note].pitch + 1);
  gtk_window_destroy (GTK_WINDOW (viewer));
}

static void
collect_tiles (GtkWidget *widget,
               GPtrArray *out)
{
  if (ATL_IS_WORK_TILE (widget))
    g_ptr_array_add (out, widget);
  for (GtkWidget *child = gtk_widget_get_first_child (widget); child != NULL;
       child = gtk_widget_get_next_sibling (child))
    collect_tiles (child, out);
}

/* "Continue This" on a tile: a new round whose works all begin with the first half of
 * the original, token for token, and name it as their parent. */
static void
test_continue (void)
{
  AtlWindow *window = ui_test_get_window ();
  AtlStore *store = atl_window_get_store (window);
  AtlGridView *view;
  AtlWorkTile *tile = NULL;
  g_autoptr(AtlWork) original = NULL;
  gint64 grid_before;
  int keep = 0;

  gtk_widget_activate_action (GTK_WIDGET (window), "win.domain", "s", "music");
  view = atl_window_get_grid_view (window, ATL_DOMAIN_MUSIC);
  g_assert_true (ui_test_wait_until (ui_test_grid_ready, view, 30));
  grid_before = atl_grid_view_get_grid_id (view);
  /* A melody of two bars or more, so there is a first half to keep. */
  {
    g_autoptr(GPtrArray) tiles = g_ptr_array_new ();

    collect_tiles (GTK_WIDGET (view), tiles);
    for (guint i = 0; i < tiles->len; i++)
      {
        tile = g_ptr_array_index (tiles, i);
        g_clear_pointer (&original, atl_work_free);
        original = atl_store_get_work (store, atl_work_item_get_id (atl_work_tile_get_item (tile)), NULL);
        keep = atl_work_continue_prefix_len (original);
        if (keep > 1 + ATL_MUSIC_PREFIX_LEN)
          break;
      }
  }
  g_assert_cmpint (keep, >, 1 + ATL_MUSIC_PREFIX_LEN);
  g_assert_cmpint (keep, <, (int) original->n_tokens - 1);
  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (tile), "tile.continue", NULL));
  g_assert_true (ui_test_wait_until (ui_test_grid_ready, view, 30));
  g_assert_cmpint (atl_grid_view_get_grid_id (view), !=, grid_before);
  for (guint i = 0; i < atl_grid_view_get_n_items (view); i++)
    {
      const AtlWork *work = atl_work_item_get_work (atl_grid_view_get_item (view, i));

      g_assert_cmpint (work->parent_id, ==, original->id);
      g_assert_cmpuint (work->n_tokens, >=, (gsize) keep);
      for (int t = 0; t < keep; t++)
        g_assert_cmpint (work->tokens[t], ==, original->tokens[t]);
    }
}

int
main (int argc, char **argv)
{
  g_autofree char *root = NULL;
  int status = 1;

  gtk_test_init (&argc, &argv, NULL);
  adw_init ();
  root = ui_test_setup_store_and_models (TRUE, TRUE);

  g_test_add_func ("/ui/editor/hit-test", test_hit_test);
  g_test_add_func ("/ui/editor/art", test_edit_art);
  g_test_add_func ("/ui/editor/music", test_edit_music);
  g_test_add_func ("/ui/editor/continue", test_continue);

  app = atl_application_new ();
  g_application_set_flags (G_APPLICATION (app), G_APPLICATION_NON_UNIQUE);
  g_signal_connect_after (app, "activate", G_CALLBACK (ui_test_run_tests_cb), &status);
  g_application_run (G_APPLICATION (app), 0, NULL);
  g_clear_object (&app);
  ui_test_cleanup (root);
  return status;
}
