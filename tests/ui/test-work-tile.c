/* test-work-tile.c: a waiting tile's spinner turns only while it can be seen, and turns
 * without restyling: a running CSS animation anywhere in a window, unmapped or not, makes
 * GTK restyle and lay out the whole window on every frame. A screenshot of the waiting
 * tile is written.
 */
#include <adwaita.h>

#include "atl-spinner.h"
#include "atl-work-tile.h"
#include "ui-test-common.h"

static AtlSpinner *
find_spinner (GtkWidget *widget)
{
  if (ATL_IS_SPINNER (widget))
    return ATL_SPINNER (widget);
  for (GtkWidget *child = gtk_widget_get_first_child (widget); child != NULL;
       child = gtk_widget_get_next_sibling (child))
    {
      AtlSpinner *spinner = find_spinner (child);

      if (spinner != NULL)
        return spinner;
    }
  return NULL;
}

static gboolean
mapped (gpointer data)
{
  return gtk_widget_get_mapped (data);
}

static guint layouts;

static void
layout_cb (GdkFrameClock *clock)
{
  layouts++;
}

static void
test_spinner (void)
{
  GtkWidget *tile = atl_work_tile_new ();
  GtkWidget *window = gtk_window_new ();
  AtlSpinner *spinner = find_spinner (tile);
  GdkFrameClock *clock;

  g_assert_nonnull (spinner);
  g_assert_null (atl_work_tile_get_item (ATL_WORK_TILE (tile)));
  g_assert_true (atl_spinner_get_spinning (spinner));
  g_assert_false (atl_spinner_get_turning (spinner));   /* waiting, but not shown */

  gtk_window_set_child (GTK_WINDOW (window), tile);
  gtk_window_present (GTK_WINDOW (window));
  g_assert_true (ui_test_wait_until (mapped, spinner, 10));
  g_assert_true (atl_spinner_get_turning (spinner));
  gtk_window_set_default_size (GTK_WINDOW (window), 220, 240);
  ui_test_wait_for_frames (window, 5);
  g_free (ui_test_screenshot (window, "tile-waiting"));

  /* Turning asks for redraws only: no layout phase frame after frame. */
  ui_test_wait_for_frames (window, 10);
  clock = gtk_widget_get_frame_clock (window);
  g_signal_connect (clock, "layout", G_CALLBACK (layout_cb), NULL);
  ui_test_wait_for_frames (window, 20);
  g_signal_handlers_disconnect_by_func (clock, layout_cb, NULL);
  g_assert_cmpuint (layouts, <, 5);

  gtk_widget_set_visible (tile, FALSE);
  g_assert_false (gtk_widget_get_mapped (GTK_WIDGET (spinner)));
  g_assert_false (atl_spinner_get_turning (spinner));
  gtk_widget_set_visible (tile, TRUE);
  g_assert_true (atl_spinner_get_turning (spinner));
  gtk_window_destroy (GTK_WINDOW (window));
}

int
main (int argc, char **argv)
{
  gtk_test_init (&argc, &argv, NULL);
  adw_init ();
  g_test_add_func ("/ui/work-tile/spinner", test_spinner);
  return g_test_run ();
}
