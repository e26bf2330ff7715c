/* atl-thumbnail.c: GdkPaintable over a Cairo image surface (see the header for why). */
#include "atl-thumbnail.h"

struct _AtlThumbnail
{
  GObject parent_instance;

  cairo_surface_t *surface;   /* image, never drawn into after construction */
  int              width, height;
};

static void atl_thumbnail_paintable_init (GdkPaintableInterface *iface);

G_DEFINE_FINAL_TYPE_WITH_CODE (AtlThumbnail, atl_thumbnail, G_TYPE_OBJECT,
                               G_IMPLEMENT_INTERFACE (GDK_TYPE_PAINTABLE,
                                                      atl_thumbnail_paintable_init))

static void
atl_thumbnail_snapshot (GdkPaintable *paintable,
                        GdkSnapshot  *snapshot,
                        double        width,
                        double        height)
{
  AtlThumbnail *self = ATL_THUMBNAIL (paintable);
  cairo_pattern_t *pattern;
  cairo_matrix_t matrix;
  cairo_t *cr;

  if (width <= 0 || height <= 0 || self->width <= 0 || self->height <= 0)
    return;
  cr = gtk_snapshot_append_cairo (GTK_SNAPSHOT (snapshot),
                                  &GRAPHENE_RECT_INIT (0, 0, width, height));
  pattern = cairo_pattern_create_for_surface (self->surface);
  /* As GTK draws a texture: scaled to the box, edges padded rather than faded. Bilinear,
   * as the GL renderers sample a texture: Cairo's default filter shrinks a 320² image
   * to a ~160² tile by convolution, ~1 ms a tile on every paint that reaches it. */
  cairo_pattern_set_extend (pattern, CAIRO_EXTEND_PAD);
  cairo_pattern_set_filter (pattern, CAIRO_FILTER_BILINEAR);
  cairo_matrix_init_scale (&matrix, self->width / width, self->height / height);
  cairo_pattern_set_matrix (pattern, &matrix);
  cairo_set_source (cr, pattern);
  cairo_rectangle (cr, 0, 0, width, height);
  cairo_fill (cr);
  cairo_pattern_destroy (pattern);
  cairo_destroy (cr);
}

static GdkPaintableFlags
atl_thumbnail_get_flags (GdkPaintable *paintable)
{
  return GDK_PAINTABLE_STATIC_SIZE | GDK_PAINTABLE_STATIC_CONTENTS;
}

static int
atl_thumbnail_get_intrinsic_width (GdkPaintable *paintable)
{
  return ATL_THUMBNAIL (paintable)->width;
}

static int
atl_thumbnail_get_intrinsic_height (GdkPaintable *paintable)
{
  return ATL_THUMBNAIL (paintable)->height;
}

static void
atl_thumbnail_paintable_init (GdkPaintableInterface *iface)
{
  iface->snapshot = atl_thumbnail_snapshot;
  iface->get_flags = atl_thumbnail_get_flags;
  iface->get_intrinsic_width = atl_thumbnail_get_intrinsic_width;
  iface->get_intrinsic_height = atl_thumbnail_get_intrinsic_height;
}

static void
atl_thumbnail_finalize (GObject *object)
{
  AtlThumbnail *self = ATL_THUMBNAIL (object);

  g_clear_pointer (&self->surface, cairo_surface_destroy);
  G_OBJECT_CLASS (atl_thumbnail_parent_class)->finalize (object);
}

static void
atl_thumbnail_class_init (AtlThumbnailClass *klass)
{
  G_OBJECT_CLASS (klass)->finalize = atl_thumbnail_finalize;
}

static void
atl_thumbnail_init (AtlThumbnail *self)
{
}

AtlThumbnail *
atl_thumbnail_new (cairo_surface_t *surface)
{
  AtlThumbnail *self;

  g_return_val_if_fail (surface != NULL, NULL);
  g_return_val_if_fail (cairo_surface_get_type (surface) == CAIRO_SURFACE_TYPE_IMAGE, NULL);

  self = g_object_new (ATL_TYPE_THUMBNAIL, NULL);
  self->surface = cairo_surface_reference (surface);
  self->width = cairo_image_surface_get_width (surface);
  self->height = cairo_image_surface_get_height (surface);
  return self;
}
