/* atl-plot.c: line and bar charts.
 *
 * The data side keeps the values and their range (lo … hi, padded so a flat line sits in
 * the middle); the draw side maps them to the widget's size and draws axis ticks at lo
 * and hi, the series in the accent colour, and the last value as a dot with its number.
 */
#include "atl-plot.h"

#include <math.h>

#include "atl-plot-draw.h"

typedef enum { PLOT_LINE, PLOT_BARS } PlotKind;

struct _AtlPlot
{
  GtkWidget parent_instance;

  PlotKind   kind;
  GArray    *values;     /* double */
  GPtrArray *labels;     /* char *, bars only */
  double     fixed_lo, fixed_hi;
  double     lo, hi;     /* the drawn range */
  double     reference;
  char      *empty_text;
};

G_DEFINE_FINAL_TYPE (AtlPlot, atl_plot, GTK_TYPE_WIDGET)

static void
update_range (AtlPlot *self)
{
  double lo = INFINITY, hi = -INFINITY;

  for (guint i = 0; i < self->values->len; i++)
    {
      double v = g_array_index (self->values, double, i);

      if (isfinite (v))
        {
          lo = MIN (lo, v);
          hi = MAX (hi, v);
        }
    }
  if (isfinite (self->reference))
    {
      lo = MIN (lo, self->reference);
      hi = MAX (hi, self->reference);
    }
  if (!isfinite (lo))
    lo = 0, hi = 1;
  if (hi - lo < 1e-9)
    lo -= 0.5, hi += 0.5;
  self->lo = isfinite (self->fixed_lo) ? self->fixed_lo : lo - 0.05 * (hi - lo);
  self->hi = isfinite (self->fixed_hi) ? self->fixed_hi : hi + 0.05 * (hi - lo);
  gtk_widget_queue_draw (GTK_WIDGET (self));
}

static void
get_fg (GtkWidget *widget,
        GdkRGBA   *fg)
{
#if GTK_CHECK_VERSION (4, 10, 0)
  gtk_widget_get_color (widget, fg);
#else
  gtk_style_context_get_color (gtk_widget_get_style_context (widget), fg);
#endif
}

static void
draw_text (GtkWidget  *widget,
           cairo_t    *cr,
           const char *text,
           double      x,
           double      y,
           double      xalign,
           double      alpha)
{
  PangoLayout *layout = gtk_widget_create_pango_layout (widget, text);
  PangoAttrList *attrs = pango_attr_list_new ();
  int w, h;
  GdkRGBA fg;

  pango_attr_list_insert (attrs, pango_attr_scale_new (0.8));
  pango_layout_set_attributes (layout, attrs);
  pango_layout_get_pixel_size (layout, &w, &h);
  get_fg (widget, &fg);
  cairo_set_source_rgba (cr, fg.red, fg.green, fg.blue, alpha);
  cairo_move_to (cr, x - xalign * w, y - h / 2.0);
  pango_cairo_show_layout (cr, layout);
  pango_attr_list_unref (attrs);
  g_object_unref (layout);
}

static void
text_cb (cairo_t    *cr,
         const char *text,
         double      x,
         double      y,
         double      xalign,
         double      alpha,
         gpointer    user_data)
{
  draw_text (GTK_WIDGET (user_data), cr, text, x, y, xalign, alpha);
}

/* The chart itself is app/atl-plot-draw.c, shared with the headless PNG plots. */
static void
draw_line (AtlPlot *self,
           cairo_t *cr,
           double   w,
           double   h)
{
  GdkRGBA fg;
  AtlPlotLine line = {
    .values = (const double *) self->values->data, .n = self->values->len,
    .lo = self->lo, .hi = self->hi, .reference = self->reference,
    .text = text_cb, .text_data = self,
  };

  get_fg (GTK_WIDGET (self), &fg);
  line.fg[0] = fg.red;
  line.fg[1] = fg.green;
  line.fg[2] = fg.blue;
  atl_plot_draw_line (cr, w, h, &line);
}

static void
draw_bars (AtlPlot *self,
           cairo_t *cr,
           double   w,
           double   h)
{
  GtkWidget *widget = GTK_WIDGET (self);
  guint n = self->values->len;
  double label_w = w * 0.45, mid = label_w + (w - label_w) / 2, half = (w - label_w) / 2 - 6;
  double row = h / MAX (n, 1), max = 0;
  GdkRGBA fg;

  get_fg (widget, &fg);
  for (guint i = 0; i < n; i++)
    max = MAX (max, fabs (g_array_index (self->values, double, i)));
  cairo_set_source_rgba (cr, fg.red, fg.green, fg.blue, 0.25);
  cairo_set_line_width (cr, 1);
  cairo_move_to (cr, floor (mid) + 0.5, 0);
  cairo_line_to (cr, floor (mid) + 0.5, h);
  cairo_stroke (cr);
  for (guint i = 0; i < n; i++)
    {
      double v = g_array_index (self->values, double, i);
      double len = max > 0 ? fabs (v) / max * half : 0;
      double y = i * row + row * 0.2, bh = row * 0.6;

      draw_text (widget, cr, g_ptr_array_index (self->labels, i), label_w - 8, y + bh / 2, 1, 0.9);
      if (v >= 0)
        cairo_set_source_rgb (cr, 0.149, 0.635, 0.412);   /* libadwaita green 4 */
      else
        cairo_set_source_rgb (cr, 0.878, 0.106, 0.141);   /* red 3 */
      cairo_rectangle (cr, v >= 0 ? mid : mid - len, y, len, bh);
      cairo_fill (cr);
    }
}

static void
atl_plot_snapshot (GtkWidget   *widget,
                   GtkSnapshot *snapshot)
{
  AtlPlot *self = ATL_PLOT (widget);
  double w = gtk_widget_get_width (widget), h = gtk_widget_get_height (widget);
  cairo_t *cr;

  if (w < 20 || h < 20)
    return;
  cr = gtk_snapshot_append_cairo (snapshot, &GRAPHENE_RECT_INIT (0, 0, w, h));
  if (self->values->len == 0)
    draw_text (widget, cr, self->empty_text ? self->empty_text : "", w / 2, h / 2, 0.5, 0.45);
  else if (self->kind == PLOT_LINE)
    draw_line (self, cr, w, h);
  else
    draw_bars (self, cr, w, h);
  cairo_destroy (cr);
}

static void
atl_plot_measure (GtkWidget      *widget,
                  GtkOrientation  orientation,
                  int             for_size,
                  int            *minimum,
                  int            *natural,
                  int            *minimum_baseline,
                  int            *natural_baseline)
{
  AtlPlot *self = ATL_PLOT (widget);

  if (orientation == GTK_ORIENTATION_HORIZONTAL)
    *minimum = 120, *natural = 280;
  else if (self->kind == PLOT_BARS)
    *minimum = *natural = MAX (40, 26 * (int) self->values->len);
  else
    *minimum = 60, *natural = 90;
}

static void
atl_plot_finalize (GObject *object)
{
  AtlPlot *self = ATL_PLOT (object);

  g_clear_pointer (&self->values, g_array_unref);
  g_clear_pointer (&self->labels, g_ptr_array_unref);
  g_clear_pointer (&self->empty_text, g_free);
  G_OBJECT_CLASS (atl_plot_parent_class)->finalize (object);
}

static void
atl_plot_class_init (AtlPlotClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->finalize = atl_plot_finalize;
  widget_class->snapshot = atl_plot_snapshot;
  widget_class->measure = atl_plot_measure;
  gtk_widget_class_set_css_name (widget_class, "plot");
  gtk_widget_class_set_accessible_role (widget_class, GTK_ACCESSIBLE_ROLE_IMG);
}

static void
atl_plot_init (AtlPlot *self)
{
  self->values = g_array_new (FALSE, FALSE, sizeof (double));
  self->labels = g_ptr_array_new_with_free_func (g_free);
  self->fixed_lo = self->fixed_hi = NAN;
  self->reference = NAN;
  self->lo = 0;
  self->hi = 1;
}

GtkWidget *
atl_plot_new (void)
{
  return g_object_new (ATL_TYPE_PLOT, NULL);
}

void
atl_plot_set_line (AtlPlot      *self,
                   const double *values,
                   guint         n)
{
  g_return_if_fail (ATL_IS_PLOT (self));
  self->kind = PLOT_LINE;
  g_array_set_size (self->values, 0);
  g_ptr_array_set_size (self->labels, 0);
  g_array_append_vals (self->values, values, n);
  update_range (self);
}

void
atl_plot_append (AtlPlot *self,
                 double   value)
{
  g_return_if_fail (ATL_IS_PLOT (self));
  self->kind = PLOT_LINE;
  g_array_append_val (self->values, value);
  update_range (self);
}

void
atl_plot_set_bars (AtlPlot            *self,
                   const char * const *labels,
                   const double       *values,
                   guint               n)
{
  g_return_if_fail (ATL_IS_PLOT (self));
  self->kind = PLOT_BARS;
  g_array_set_size (self->values, 0);
  g_ptr_array_set_size (self->labels, 0);
  g_array_append_vals (self->values, values, n);
  for (guint i = 0; i < n; i++)
    g_ptr_array_add (self->labels, g_strdup (labels[i]));
  gtk_widget_queue_resize (GTK_WIDGET (self));
}

void
atl_plot_clear (AtlPlot *self)
{
  g_return_if_fail (ATL_IS_PLOT (self));
  g_array_set_size (self->values, 0);
  g_ptr_array_set_size (self->labels, 0);
  update_range (self);
}

void
atl_plot_set_range (AtlPlot *self,
                    double   lo,
                    double   hi)
{
  g_return_if_fail (ATL_IS_PLOT (self));
  self->fixed_lo = lo;
  self->fixed_hi = hi;
  update_range (self);
}

void
atl_plot_set_reference (AtlPlot *self,
                        double   y)
{
  g_return_if_fail (ATL_IS_PLOT (self));
  self->reference = y;
  update_range (self);
}

void
atl_plot_set_empty_text (AtlPlot    *self,
                         const char *text)
{
  g_return_if_fail (ATL_IS_PLOT (self));
  g_free (self->empty_text);
  self->empty_text = g_strdup (text);
  gtk_widget_queue_draw (GTK_WIDGET (self));
}

guint
atl_plot_get_n_values (AtlPlot *self)
{
  g_return_val_if_fail (ATL_IS_PLOT (self), 0);
  return self->values->len;
}
