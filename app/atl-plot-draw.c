/* atl-plot-draw.c: the plot widget's line chart in plain Cairo (see atl-plot-draw.h). */
#include "atl-plot-draw.h"

#include <math.h>
#include <string.h>

void
atl_plot_line_fit_range (AtlPlotLine *line)
{
  double lo = INFINITY, hi = -INFINITY, least;

  for (guint i = 0; i < line->n; i++)
    if (isfinite (line->values[i]))
      {
        lo = MIN (lo, line->values[i]);
        hi = MAX (hi, line->values[i]);
      }
  if (isfinite (line->reference))
    {
      lo = MIN (lo, line->reference);
      hi = MAX (hi, line->reference);
    }
  if (!isfinite (lo))
    lo = 0, hi = 1;
  least = lo;
  if (hi - lo < 1e-9)
    lo -= 0.5, hi += 0.5;
  line->lo = lo - 0.05 * (hi - lo);
  line->hi = hi + 0.05 * (hi - lo);
  /* Padding never takes a scale of times, sizes or KL below zero: its axis read "-1". */
  if (least >= 0.0)
    line->lo = MAX (line->lo, 0.0);
}

/* value with digits decimals, without the sign of a value that rounds to zero ("-0"). */
static void
format_tick (char   *text,
             gsize   size,
             int     digits,
             double  value)
{
  g_snprintf (text, size, "%.*f", digits, value);
  if (text[0] == '-' && strspn (text + 1, "0.") == strlen (text + 1))
    memmove (text, text + 1, strlen (text));
}

static void
toy_text (cairo_t    *cr,
          const char *text,
          double      x,
          double      y,
          double      xalign,
          double      alpha,
          const double fg[3])
{
  cairo_text_extents_t ext;

  cairo_set_font_size (cr, 10.0);
  cairo_text_extents (cr, text, &ext);
  cairo_set_source_rgba (cr, fg[0], fg[1], fg[2], alpha);
  /* y is the middle of the text: the baseline sits half the ink height below it. */
  cairo_move_to (cr, x - xalign * ext.x_advance, y - ext.y_bearing / 2);
  cairo_show_text (cr, text);
}

static void
text_at (cairo_t           *cr,
         const AtlPlotLine *line,
         const char        *text,
         double             x,
         double             y,
         double             xalign,
         double             alpha)
{
  if (line->text != NULL)
    line->text (cr, text, x, y, xalign, alpha, line->text_data);
  else
    toy_text (cr, text, x, y, xalign, alpha, line->fg);
}

void
atl_plot_draw_line (cairo_t           *cr,
                    double             w,
                    double             h,
                    const AtlPlotLine *line)
{
  double left = 40, right = 12;
  double top = line->title != NULL ? 26 : 10, bottom = line->x_labels != NULL ? 24 : 10;
  double pw = w - left - right, ph = h - top - bottom;
  double lo = line->lo, hi = line->hi;
  guint n = line->n;
  const double *fg = line->fg;
  char text[32];

#define X(i) (left + (n > 1 ? (double) (i) / (n - 1) : 0.5) * pw)
#define Y(v) (top + (1 - ((v) - lo) / (hi - lo)) * ph)
  if (line->title != NULL)
    text_at (cr, line, line->title, left, 12, 0, 0.9);
  cairo_set_line_width (cr, 1);
  cairo_set_source_rgba (cr, fg[0], fg[1], fg[2], 0.15);
  cairo_move_to (cr, left, top + 0.5);
  cairo_line_to (cr, left + pw, top + 0.5);
  cairo_move_to (cr, left, top + ph - 0.5);
  cairo_line_to (cr, left + pw, top + ph - 0.5);
  cairo_stroke (cr);
  {
    /* Enough decimals that the two ticks differ: a KL of a few thousandths read
     * "0.00 … 0.00" at two. */
    int digits = (int) CLAMP (ceil (-log10 (MAX (hi - lo, 1e-9))) + 1, 0, 4);

    format_tick (text, sizeof text, digits, hi);
    text_at (cr, line, text, left - 6, top, 1, 0.55);
    format_tick (text, sizeof text, digits, lo);
    text_at (cr, line, text, left - 6, top + ph, 1, 0.55);
  }
  if (line->x_labels != NULL)
    for (guint i = 0; i < n; i++)
      text_at (cr, line, line->x_labels[i], X (i), top + ph + 12,
               n > 1 ? (double) i / (n - 1) : 0.5, 0.55);

  if (isfinite (line->reference))
    {
      static const double dash[] = { 4, 3 };

      cairo_set_source_rgba (cr, fg[0], fg[1], fg[2], 0.4);
      cairo_set_dash (cr, dash, 2, 0);
      cairo_move_to (cr, left, Y (line->reference));
      cairo_line_to (cr, left + pw, Y (line->reference));
      cairo_stroke (cr);
      cairo_set_dash (cr, NULL, 0, 0);
    }

  cairo_set_source_rgb (cr, 0.208, 0.518, 0.894);   /* libadwaita blue 3, the accent */
  cairo_set_line_width (cr, 2);
  cairo_set_line_join (cr, CAIRO_LINE_JOIN_ROUND);
  for (guint i = 0; i < n; i++)
    {
      if (i == 0)
        cairo_move_to (cr, X (i), Y (line->values[i]));
      else
        cairo_line_to (cr, X (i), Y (line->values[i]));
    }
  cairo_stroke (cr);
  if (n > 0)
    {
      cairo_arc (cr, X (n - 1), Y (line->values[n - 1]), 3.5, 0, 2 * G_PI);
      cairo_fill (cr);
    }
#undef X
#undef Y
}
