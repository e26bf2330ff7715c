/* atl-plot.h: a small chart drawn with Cairo in snapshot — a line over steps (reward, KL,
 * accuracy per round) or labelled horizontal bars (what the reward model learned).
 *
 * Setters prepare the data (copies, ranges, labels); snapshot only draws it. A reference
 * line (chance level, a budget) is optional. With no data the plot shows its empty text.
 */
#pragma once

#include <gtk/gtk.h>

G_BEGIN_DECLS

#define ATL_TYPE_PLOT (atl_plot_get_type ())
G_DECLARE_FINAL_TYPE (AtlPlot, atl_plot, ATL, PLOT, GtkWidget)

GtkWidget *atl_plot_new           (void);
/* A line: values[i] at x = i. */
void       atl_plot_set_line      (AtlPlot            *self,
                                   const double       *values,
                                   guint               n);
void       atl_plot_append        (AtlPlot            *self,
                                   double              value);
/* Bars: labels[i] with a signed value (drawn right for > 0, left for < 0). */
void       atl_plot_set_bars      (AtlPlot            *self,
                                   const char * const *labels,
                                   const double       *values,
                                   guint               n);
void       atl_plot_clear         (AtlPlot            *self);
/* Fixes the y range (line) instead of fitting it to the data; NaN, NaN fits. */
void       atl_plot_set_range     (AtlPlot            *self,
                                   double              lo,
                                   double              hi);
/* A dashed horizontal line at y (NaN: none). */
void       atl_plot_set_reference (AtlPlot            *self,
                                   double              y);
void       atl_plot_set_empty_text (AtlPlot           *self,
                                    const char        *text);
guint      atl_plot_get_n_values  (AtlPlot            *self);

G_END_DECLS
