/* atl-spinner.c: a three-quarter arc in the foreground colour, one turn a second. */
#include "atl-spinner.h"

#include <math.h>

#define SIZE 16                          /* px, as GtkSpinner's default */
#define PERIOD_US (G_USEC_PER_SEC)       /* one turn */

struct _AtlSpinner
{
  GtkWidget parent_instance;

  gboolean spinning;
  guint    tick_id;    /* while turning */
  double   angle;      /* radians, of the arc's start */
};

enum {
  PROP_0,
  PROP_SPINNING,
  N_PROPS
};

static GParamSpec *properties[N_PROPS];

G_DEFINE_FINAL_TYPE (AtlSpinner, atl_spinner, GTK_TYPE_WIDGET)

static gboolean
tick_cb (GtkWidget     *widget,
         GdkFrameClock *clock,
         gpointer       data)
{
  AtlSpinner *self = ATL_SPINNER (widget);
  gint64 t = gdk_frame_clock_get_frame_time (clock) % PERIOD_US;

  self->angle = 2 * G_PI * t / PERIOD_US;
  gtk_widget_queue_draw (widget);
  return G_SOURCE_CONTINUE;
}

/* Turns exactly while spinning and mapped: an unmapped spinner costs nothing. */
static void
update_tick (AtlSpinner *self)
{
  GtkWidget *widget = GTK_WIDGET (self);
  gboolean turn = self->spinning && gtk_widget_get_mapped (widget);

  if (turn && self->tick_id == 0)
    self->tick_id = gtk_widget_add_tick_callback (widget, tick_cb, NULL, NULL);
  else if (!turn && self->tick_id != 0)
    {
      gtk_widget_remove_tick_callback (widget, self->tick_id);
      self->tick_id = 0;
    }
  gtk_widget_queue_draw (widget);
}

static void
atl_spinner_snapshot (GtkWidget   *widget,
                      GtkSnapshot *snapshot)
{
  AtlSpinner *self = ATL_SPINNER (widget);
  double w = gtk_widget_get_width (widget), h = gtk_widget_get_height (widget);
  double r = MIN (w, h) / 2 - 1.5;
  GdkRGBA fg;
  cairo_t *cr;

  if (!self->spinning || r <= 0)
    return;
#if GTK_CHECK_VERSION (4, 10, 0)
  gtk_widget_get_color (widget, &fg);
#else
  gtk_style_context_get_color (gtk_widget_get_style_context (widget), &fg);
#endif
  cr = gtk_snapshot_append_cairo (snapshot, &GRAPHENE_RECT_INIT (0, 0, w, h));
  cairo_set_line_width (cr, 2);
  cairo_set_line_cap (cr, CAIRO_LINE_CAP_ROUND);
  cairo_set_source_rgba (cr, fg.red, fg.green, fg.blue, fg.alpha * 0.2);
  cairo_arc (cr, w / 2, h / 2, r, 0, 2 * G_PI);
  cairo_stroke (cr);
  cairo_set_source_rgba (cr, fg.red, fg.green, fg.blue, fg.alpha);
  cairo_arc (cr, w / 2, h / 2, r, self->angle, self->angle + 1.5 * G_PI);
  cairo_stroke (cr);
  cairo_destroy (cr);
}

static void
atl_spinner_measure (GtkWidget      *widget,
                     GtkOrientation  orientation,
                     int             for_size,
                     int            *minimum,
                     int            *natural,
                     int            *minimum_baseline,
                     int            *natural_baseline)
{
  *minimum = *natural = SIZE;
}

static void
atl_spinner_map (GtkWidget *widget)
{
  GTK_WIDGET_CLASS (atl_spinner_parent_class)->map (widget);
  update_tick (ATL_SPINNER (widget));
}

static void
atl_spinner_unmap (GtkWidget *widget)
{
  GTK_WIDGET_CLASS (atl_spinner_parent_class)->unmap (widget);
  update_tick (ATL_SPINNER (widget));
}

static void
atl_spinner_get_property (GObject    *object,
                          guint       prop_id,
                          GValue     *value,
                          GParamSpec *pspec)
{
  AtlSpinner *self = ATL_SPINNER (object);

  switch (prop_id)
    {
    case PROP_SPINNING:
      g_value_set_boolean (value, self->spinning);
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
atl_spinner_set_property (GObject      *object,
                          guint         prop_id,
                          const GValue *value,
                          GParamSpec   *pspec)
{
  AtlSpinner *self = ATL_SPINNER (object);

  switch (prop_id)
    {
    case PROP_SPINNING:
      atl_spinner_set_spinning (self, g_value_get_boolean (value));
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
atl_spinner_class_init (AtlSpinnerClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->get_property = atl_spinner_get_property;
  object_class->set_property = atl_spinner_set_property;
  widget_class->snapshot = atl_spinner_snapshot;
  widget_class->measure = atl_spinner_measure;
  widget_class->map = atl_spinner_map;
  widget_class->unmap = atl_spinner_unmap;

  properties[PROP_SPINNING] =
    g_param_spec_boolean ("spinning", NULL, NULL, FALSE,
                          G_PARAM_READWRITE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);
  g_object_class_install_properties (object_class, N_PROPS, properties);

  gtk_widget_class_set_css_name (widget_class, "atlspinner");
  gtk_widget_class_set_accessible_role (widget_class, GTK_ACCESSIBLE_ROLE_PROGRESS_BAR);
}

static void
atl_spinner_init (AtlSpinner *self)
{
}

GtkWidget *
atl_spinner_new (void)
{
  return g_object_new (ATL_TYPE_SPINNER, NULL);
}

void
atl_spinner_set_spinning (AtlSpinner *self,
                          gboolean    spinning)
{
  g_return_if_fail (ATL_IS_SPINNER (self));

  spinning = !!spinning;
  if (self->spinning == spinning)
    return;
  self->spinning = spinning;
  update_tick (self);
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_SPINNING]);
}

gboolean
atl_spinner_get_spinning (AtlSpinner *self)
{
  g_return_val_if_fail (ATL_IS_SPINNER (self), FALSE);
  return self->spinning;
}

gboolean
atl_spinner_get_turning (AtlSpinner *self)
{
  g_return_val_if_fail (ATL_IS_SPINNER (self), FALSE);
  return self->tick_id != 0;
}
