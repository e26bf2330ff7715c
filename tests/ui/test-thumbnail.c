/* test-thumbnail.c: AtlThumbnail paints its image as it is — at its own size pixel for
 * pixel, and scaled to half by the same box a GtkPicture gives it — through the snapshot
 * and GSK's Cairo drawing, the path the Cairo renderer takes.
 */
#include <gtk/gtk.h>

#include "atl-thumbnail.h"

/* A 64² image: four quadrants of opaque colour, so scaling can only blur the seams. */
static cairo_surface_t *
make_quadrants (void)
{
  cairo_surface_t *surface = cairo_image_surface_create (CAIRO_FORMAT_ARGB32, 64, 64);
  cairo_t *cr = cairo_create (surface);
  const double colours[4][3] = { { 1, 0, 0 }, { 0, 1, 0 }, { 0, 0, 1 }, { 1, 1, 0 } };

  for (int q = 0; q < 4; q++)
    {
      cairo_set_source_rgb (cr, colours[q][0], colours[q][1], colours[q][2]);
      cairo_rectangle (cr, (q % 2) * 32, (q / 2) * 32, 32, 32);
      cairo_fill (cr);
    }
  cairo_destroy (cr);
  cairo_surface_flush (surface);
  return surface;
}

static guint32
pixel (cairo_surface_t *surface,
       int              x,
       int              y)
{
  const guchar *data = cairo_image_surface_get_data (surface);

  return *(const guint32 *) (data + y * cairo_image_surface_get_stride (surface) + 4 * x);
}

/* Draws the paintable at size² the way GSK's Cairo renderer would. */
static cairo_surface_t *
draw_at (GdkPaintable *paintable,
         int           size)
{
  GtkSnapshot *snapshot = gtk_snapshot_new ();
  GskRenderNode *node;
  cairo_surface_t *out = cairo_image_surface_create (CAIRO_FORMAT_ARGB32, size, size);
  cairo_t *cr = cairo_create (out);

  gdk_paintable_snapshot (paintable, snapshot, size, size);
  node = gtk_snapshot_free_to_node (snapshot);
  g_assert_nonnull (node);
  gsk_render_node_draw (node, cr);
  cairo_destroy (cr);
  gsk_render_node_unref (node);
  cairo_surface_flush (out);
  return out;
}

static void
test_paint (void)
{
  cairo_surface_t *source = make_quadrants ();
  g_autoptr(AtlThumbnail) thumbnail = atl_thumbnail_new (source);
  GdkPaintable *paintable = GDK_PAINTABLE (thumbnail);
  cairo_surface_t *same, *half;

  g_assert_cmpint (gdk_paintable_get_intrinsic_width (paintable), ==, 64);
  g_assert_cmpint (gdk_paintable_get_intrinsic_height (paintable), ==, 64);
  g_assert_cmpint (gdk_paintable_get_flags (paintable), ==,
                   GDK_PAINTABLE_STATIC_SIZE | GDK_PAINTABLE_STATIC_CONTENTS);

  same = draw_at (paintable, 64);
  for (int y = 0; y < 64; y++)
    for (int x = 0; x < 64; x++)
      g_assert_cmphex (pixel (same, x, y), ==, pixel (source, x, y));

  /* Halved: each quadrant's middle keeps its colour, and the edges are not faded. */
  half = draw_at (paintable, 32);
  for (int q = 0; q < 4; q++)
    {
      int x = (q % 2) * 16, y = (q / 2) * 16;

      g_assert_cmphex (pixel (half, x + 8, y + 8), ==, pixel (source, 2 * x + 16, 2 * y + 16));
      g_assert_cmphex (pixel (half, x + (q % 2) * 15, y + (q / 2) * 15), ==,
                       pixel (source, 2 * x + (q % 2) * 31, 2 * y + (q / 2) * 31));
    }

  /* The thumbnail keeps the image alive on its own. */
  cairo_surface_destroy (source);
  cairo_surface_destroy (same);
  same = draw_at (paintable, 64);
  g_assert_cmphex (pixel (same, 40, 40), ==, 0xffffff00);
  cairo_surface_destroy (same);
  cairo_surface_destroy (half);
}

int
main (int argc, char **argv)
{
  gtk_test_init (&argc, &argv, NULL);
  g_test_add_func ("/ui/thumbnail/paint", test_paint);
  return g_test_run ();
}
