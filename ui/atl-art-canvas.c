/* atl-art-canvas.c: snapshot draws the artwork with the engine's renderer, then the
 * selection: a dashed box of the element's extent around its anchor, in two tones so it
 * reads on any ground.
 */
#include "atl-art-canvas.h"

#include <math.h>

#include "atl-art-render.h"

struct _AtlArtCanvas
{
  GtkWidget  parent_instance;

  AtlArtwork art;
  gboolean   has_art;
  int        selected;   /* element index, −1: none */
};

G_DEFINE_FINAL_TYPE (AtlArtCanvas, atl_art_canvas, GTK_TYPE_WIDGET)

/* The square the picture fills: origin (ox, oy) and side s, in widget pixels. */
static void
layout (AtlArtCanvas *self,
        double       *ox,
        double       *oy,
        double       *s)
{
  double w = gtk_widget_get_width (GTK_WIDGET (self));
  double h = gtk_widget_get_height (GTK_WIDGET (self));

  *s = MIN (w, h);
  *ox = floor ((w - *s) / 2);
  *oy = floor ((h - *s) / 2);
}

static void
atl_art_canvas_snapshot (GtkWidget   *widget,
                         GtkSnapshot *snapshot)
{
  AtlArtCanvas *self = ATL_ART_CANVAS (widget);
  double ox, oy, s;
  cairo_t *cr;

  layout (self, &ox, &oy, &s);
  if (!self->has_art || s < 4)
    return;
  cr = gtk_snapshot_append_cairo (snapshot, &GRAPHENE_RECT_INIT (ox, oy, s, s));
  cairo_translate (cr, ox, oy);
  atl_art_render (cr, &self->art, s, s);
  if (self->selected >= 0 && self->selected < self->art.n_elements)
    {
      const AtlArtElement *el = &self->art.elements[self->selected];
      double e = atl_art_extent (el->size) * s;
      double cx = (double) el->x / ATL_ART_GRID * s, cy = (double) el->y / ATL_ART_GRID * s;
      double dash[] = { 6, 4 };

      e = MAX (e, 6);
      cairo_rectangle (cr, cx - e - 3, cy - e - 3, 2 * e + 6, 2 * e + 6);
      cairo_set_line_width (cr, 3);
      cairo_set_source_rgba (cr, 1, 1, 1, 0.9);
      cairo_stroke_preserve (cr);
      cairo_set_dash (cr, dash, 2, 0);
      cairo_set_line_width (cr, 1.5);
      cairo_set_source_rgb (cr, 0.208, 0.518, 0.894);
      cairo_stroke (cr);
    }
  cairo_destroy (cr);
}

static void
atl_art_canvas_measure (GtkWidget      *widget,
                        GtkOrientation  orientation,
                        int             for_size,
                        int            *minimum,
                        int            *natural,
                        int            *minimum_baseline,
                        int            *natural_baseline)
{
  *minimum = 128;
  *natural = 560;
}

static void
atl_art_canvas_class_init (AtlArtCanvasClass *klass)
{
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  widget_class->snapshot = atl_art_canvas_snapshot;
  widget_class->measure = atl_art_canvas_measure;
  gtk_widget_class_set_css_name (widget_class, "artcanvas");
  gtk_widget_class_set_accessible_role (widget_class, GTK_ACCESSIBLE_ROLE_IMG);
}

static void
atl_art_canvas_init (AtlArtCanvas *self)
{
  self->selected = -1;
}

void
atl_art_canvas_set_artwork (AtlArtCanvas     *self,
                            const AtlArtwork *art)
{
  g_return_if_fail (ATL_IS_ART_CANVAS (self));
  self->has_art = art != NULL;
  if (art != NULL)
    self->art = *art;
  gtk_widget_queue_draw (GTK_WIDGET (self));
}

void
atl_art_canvas_set_selected (AtlArtCanvas *self,
                             int           element)
{
  g_return_if_fail (ATL_IS_ART_CANVAS (self));
  self->selected = element;
  gtk_widget_queue_draw (GTK_WIDGET (self));
}

gboolean
atl_art_canvas_to_unit (AtlArtCanvas *self,
                        double        x,
                        double        y,
                        double       *u,
                        double       *v)
{
  double ox, oy, s;

  layout (self, &ox, &oy, &s);
  if (s <= 0)
    return FALSE;
  *u = (x - ox) / s;
  *v = (y - oy) / s;
  return *u >= 0 && *u < 1 && *v >= 0 && *v < 1;
}

double
atl_art_canvas_get_scale (AtlArtCanvas *self)
{
  double ox, oy, s;

  layout (self, &ox, &oy, &s);
  return s;
}
