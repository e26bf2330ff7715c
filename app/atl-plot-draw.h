/* atl-plot-draw.h: a line chart drawn with plain Cairo — the drawing of the studio's plot
 * widget (ui/atl-plot.c), kept here so headless code (`atelier bench scaling --plot`) draws
 * the very same chart into a PNG.
 *
 * The chart maps values[i] to evenly spaced x positions and lo … hi to the height, draws
 * faint rules at lo and hi with their numbers, an optional dashed reference line, the
 * series in the accent colour and the last value as a dot. Text goes through a callback so
 * the widget can use Pango with its theme's font; without one Cairo's own text is used.
 */
#pragma once

#include <cairo.h>
#include <glib.h>

G_BEGIN_DECLS

/* Draws text centred vertically on y, x at xalign (0 left, 1 right) of its width, in the
 * foreground colour at alpha. */
typedef void (*AtlPlotTextFunc) (cairo_t    *cr,
                                 const char *text,
                                 double      x,
                                 double      y,
                                 double      xalign,
                                 double      alpha,
                                 gpointer    user_data);

typedef struct
{
  const double       *values;     /* (n) */
  guint               n;
  double              lo, hi;     /* the drawn range, hi > lo */
  double              reference;  /* NaN: none */
  double              fg[3];      /* foreground (rules, text) */
  const char * const *x_labels;   /* (n) under the points, or NULL: none */
  const char         *title;      /* above the chart, or NULL */
  AtlPlotTextFunc     text;       /* NULL: Cairo's toy text in fg */
  gpointer            text_data;
} AtlPlotLine;

/* The range the widget uses: the finite values (and the reference), 5% padding (none
 * below zero for a series that never goes below it), a flat series centred. */
void atl_plot_line_fit_range (AtlPlotLine *line);
void atl_plot_draw_line      (cairo_t            *cr,
                              double              width,
                              double              height,
                              const AtlPlotLine  *line);

G_END_DECLS
