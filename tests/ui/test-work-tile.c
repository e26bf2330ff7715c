/* test-work-tile.c: a waiting tile's spinner turns only while it can be seen. A running
 * CSS animation anywhere in a window, unmapped or not, makes GTK restyle and lay out the
 * whole window on every frame: a tile built but never shown (the other domain's grid)
 * must not spin.
 */
#include <adwaita.h>

#include "atl-work-tile.h"
#include "ui-test-common.h"

static GtkSpinner *
find_spinner (GtkWidget *widget)
{
  if (GTK_IS_SPINNER (widget))
    return GTK_SPINNER (widget);
  for (GtkWidget *child = gtk_widget_get_first_child (widget); child != NULL;
       child = gtk_widget_get_next_sibling (child))
    {
      GtkSpinner *spinner = find_spinner (child);

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

static void
test_spinner (void)
{
  GtkWidget *tile = atl_work_tile_new ();
  GtkWidget *window = gtk_window_new ();
  GtkSpinner *spinner = find_spinner (tile);

  g_assert_nonnull (spinner);
  g_assert_null (atl_work_tile_get_item (ATL_WORK_TILE (tile)));
  g_assert_false (gtk_spinner_get_spinning (spinner));   /* waiting, but not shown */

  gtk_window_set_child (GTK_WINDOW (window), tile);
  gtk_window_present (GTK_WINDOW (window));
  g_assert_true (ui_test_wait_until (mapped, spinner, 10));
  g_assert_true (gtk_spinner_get_spinning (spinner));

  gtk_widget_set_visible (tile, FALSE);
  g_assert_false (gtk_widget_get_mapped (GTK_WIDGET (spinner)));
  g_assert_false (gtk_spinner_get_spinning (spinner));
  gtk_widget_set_visible (tile, TRUE);
  g_assert_true (gtk_spinner_get_spinning (spinner));

  /* Emptied again while hidden: stays still until shown. */
  gtk_widget_set_visible (tile, FALSE);
  atl_work_tile_set_item (ATL_WORK_TILE (tile), NULL);
  g_assert_false (gtk_spinner_get_spinning (spinner));
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
