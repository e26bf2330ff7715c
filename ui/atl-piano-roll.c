/* atl-piano-roll.c: drawing a melody in snapshot with Cairo.
 *
 * Layout units: x in sixteenth steps (0 … n_steps), y in semitones above the lowest pitch
 * shown (0 … span). The widget maps them to pixels at draw time, so a resize costs
 * nothing but the draw.
 */
#include "atl-piano-roll.h"

#include <glib/gi18n.h>
#include <math.h>

typedef struct
{
  float step;     /* start, in sixteenths */
  float length;   /* in sixteenths */
  float row;      /* semitones above low */
} NoteRect;

struct _AtlPianoRoll
{
  GtkWidget parent_instance;

  NoteRect *notes;      /* (n_notes) */
  int       n_notes;
  int       n_steps;    /* sixteenths in the melody */
  int       steps_per_bar;
  int       span;       /* semitones between the lowest and highest row, ≥ 12 */
  double    playhead;   /* 0 … 1, −1: none */
  int       selected;   /* note being edited, −1: none */
};

enum {
  PROP_0,
  PROP_PLAYHEAD,
  N_PROPS
};

static GParamSpec *properties[N_PROPS];

G_DEFINE_FINAL_TYPE (AtlPianoRoll, atl_piano_roll, GTK_TYPE_WIDGET)

static void
foreground_rgba (GtkWidget *widget,
                 GdkRGBA   *out)
{
#if GTK_CHECK_VERSION (4, 10, 0)
  gtk_widget_get_color (widget, out);
#else
  gtk_style_context_get_color (gtk_widget_get_style_context (widget), out);
#endif
}

static void
atl_piano_roll_snapshot (GtkWidget   *widget,
                         GtkSnapshot *snapshot)
{
  AtlPianoRoll *self = ATL_PIANO_ROLL (widget);
  double w = gtk_widget_get_width (widget);
  double h = gtk_widget_get_height (widget);
  double pad = 6, sx, sy;
  GdkRGBA fg;
  cairo_t *cr;

  if (w <= 2 * pad || h <= 2 * pad || self->n_steps <= 0)
    return;
  foreground_rgba (widget, &fg);
  cr = gtk_snapshot_append_cairo (snapshot, &GRAPHENE_RECT_INIT (0, 0, w, h));

  sx = (w - 2 * pad) / self->n_steps;
  sy = (h - 2 * pad) / (self->span + 1);

  /* Octave guides of the tonic, then bar lines. */
  cairo_set_line_width (cr, 1);
  for (int row = 0; row <= self->span; row++)
    if (row % 12 == 0)
      {
        double y = h - pad - (row + 0.5) * sy;

        cairo_set_source_rgba (cr, fg.red, fg.green, fg.blue, 0.08);
        cairo_rectangle (cr, pad, y - sy / 2, w - 2 * pad, sy);
        cairo_fill (cr);
      }
  for (int step = 0; step <= self->n_steps; step += self->steps_per_bar)
    {
      double x = floor (pad + step * sx) + 0.5;

      cairo_set_source_rgba (cr, fg.red, fg.green, fg.blue, 0.18);
      cairo_move_to (cr, x, pad);
      cairo_line_to (cr, x, h - pad);
      cairo_stroke (cr);
    }

  /* Notes: libadwaita's accent blue, rounded. */
  cairo_set_source_rgba (cr, 0.208, 0.518, 0.894, 0.95);
  for (int i = 0; i < self->n_notes; i++)
    {
      const NoteRect *n = &self->notes[i];
      double x = pad + n->step * sx + 0.5;
      double y = h - pad - (n->row + 1) * sy + 0.5;
      double nw = MAX (n->length * sx - 1.5, 2.0);
      double nh = MAX (sy - 1.0, 2.0);
      double r = MIN (nh / 2, 3.0);

      cairo_new_sub_path (cr);
      cairo_arc (cr, x + nw - r, y + r, r, -G_PI / 2, 0);
      cairo_arc (cr, x + nw - r, y + nh - r, r, 0, G_PI / 2);
      cairo_arc (cr, x + r, y + nh - r, r, G_PI / 2, G_PI);
      cairo_arc (cr, x + r, y + r, r, G_PI, 3 * G_PI / 2);
      cairo_close_path (cr);
    }
  cairo_fill (cr);

  /* The note being edited: the same shape again, in the accent's orange, outlined. */
  if (self->selected >= 0 && self->selected < self->n_notes)
    {
      const NoteRect *n = &self->notes[self->selected];
      double x = pad + n->step * sx + 0.5;
      double y = h - pad - (n->row + 1) * sy + 0.5;

      cairo_rectangle (cr, x - 1, y - 1, MAX (n->length * sx - 1.5, 2.0) + 2,
                       MAX (sy - 1.0, 2.0) + 2);
      cairo_set_source_rgb (cr, 0.902, 0.380, 0.0);
      cairo_fill_preserve (cr);
      cairo_set_line_width (cr, 1.5);
      cairo_set_source_rgba (cr, fg.red, fg.green, fg.blue, 0.8);
      cairo_stroke (cr);
    }

  if (self->playhead >= 0)
    {
      double x = pad + self->playhead * (w - 2 * pad);

      cairo_set_source_rgba (cr, 0.878, 0.106, 0.141, 0.9);
      cairo_set_line_width (cr, 2);
      cairo_move_to (cr, x, pad / 2);
      cairo_line_to (cr, x, h - pad / 2);
      cairo_stroke (cr);
    }
  cairo_destroy (cr);
}

static void
atl_piano_roll_measure (GtkWidget      *widget,
                        GtkOrientation  orientation,
                        int             for_size,
                        int            *minimum,
                        int            *natural,
                        int            *minimum_baseline,
                        int            *natural_baseline)
{
  *minimum = orientation == GTK_ORIENTATION_HORIZONTAL ? 96 : 64;
  *natural = orientation == GTK_ORIENTATION_HORIZONTAL ? 200 : 140;
}

static void
atl_piano_roll_get_property (GObject    *object,
                             guint       prop_id,
                             GValue     *value,
                             GParamSpec *pspec)
{
  AtlPianoRoll *self = ATL_PIANO_ROLL (object);

  switch (prop_id)
    {
    case PROP_PLAYHEAD:
      g_value_set_double (value, self->playhead);
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
atl_piano_roll_set_property (GObject      *object,
                             guint         prop_id,
                             const GValue *value,
                             GParamSpec   *pspec)
{
  AtlPianoRoll *self = ATL_PIANO_ROLL (object);

  switch (prop_id)
    {
    case PROP_PLAYHEAD:
      atl_piano_roll_set_playhead (self, g_value_get_double (value));
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
atl_piano_roll_finalize (GObject *object)
{
  AtlPianoRoll *self = ATL_PIANO_ROLL (object);

  g_clear_pointer (&self->notes, g_free);
  G_OBJECT_CLASS (atl_piano_roll_parent_class)->finalize (object);
}

static void
atl_piano_roll_class_init (AtlPianoRollClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->finalize = atl_piano_roll_finalize;
  object_class->get_property = atl_piano_roll_get_property;
  object_class->set_property = atl_piano_roll_set_property;
  widget_class->snapshot = atl_piano_roll_snapshot;
  widget_class->measure = atl_piano_roll_measure;

  properties[PROP_PLAYHEAD] =
    g_param_spec_double ("playhead", NULL, NULL, -1, 1, -1,
                         G_PARAM_READWRITE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);
  g_object_class_install_properties (object_class, N_PROPS, properties);

  gtk_widget_class_set_css_name (widget_class, "pianoroll");
  gtk_widget_class_set_accessible_role (widget_class, GTK_ACCESSIBLE_ROLE_IMG);
}

static void
atl_piano_roll_init (AtlPianoRoll *self)
{
  self->playhead = -1;
  self->selected = -1;
  self->span = 12;
  self->steps_per_bar = 16;
}

GtkWidget *
atl_piano_roll_new (void)
{
  return g_object_new (ATL_TYPE_PIANO_ROLL, NULL);
}

void
atl_piano_roll_set_melody (AtlPianoRoll    *self,
                           const AtlMelody *melody)
{
  int low = G_MAXINT, high = G_MININT;

  g_return_if_fail (ATL_IS_PIANO_ROLL (self));

  g_clear_pointer (&self->notes, g_free);
  self->n_notes = 0;
  self->n_steps = 0;
  if (melody != NULL)
    {
      self->steps_per_bar = atl_metre_steps_per_bar (melody->metre);
      self->n_steps = melody->n_bars * self->steps_per_bar;
      for (int i = 0; i < melody->n_notes; i++)
        {
          low = MIN (low, melody->notes[i].pitch);
          high = MAX (high, melody->notes[i].pitch);
        }
      if (melody->n_notes == 0)
        low = high = 0;
      /* At least an octave tall, centred on the melody, so a narrow tune is not stretched. */
      if (high - low < 12)
        {
          int extra = 12 - (high - low);

          low -= extra / 2;
          high += extra - extra / 2;
        }
      self->span = high - low;
      self->notes = g_new (NoteRect, MAX (melody->n_notes, 1));
      self->n_notes = melody->n_notes;
      for (int i = 0; i < melody->n_notes; i++)
        self->notes[i] = (NoteRect) {
          .step = melody->notes[i].start,
          .length = melody->notes[i].length,
          .row = melody->notes[i].pitch - low,
        };
    }
  gtk_widget_queue_draw (GTK_WIDGET (self));
}

double
atl_piano_roll_get_playhead (AtlPianoRoll *self)
{
  g_return_val_if_fail (ATL_IS_PIANO_ROLL (self), -1);
  return self->playhead;
}

void
atl_piano_roll_set_playhead (AtlPianoRoll *self,
                             double        fraction)
{
  g_return_if_fail (ATL_IS_PIANO_ROLL (self));

  fraction = fraction < 0 ? -1 : MIN (fraction, 1.0);
  if (self->playhead == fraction)
    return;
  self->playhead = fraction;
  gtk_widget_queue_draw (GTK_WIDGET (self));
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_PLAYHEAD]);
}

int
atl_piano_roll_note_at (AtlPianoRoll *self,
                        double        x,
                        double        y)
{
  double w = gtk_widget_get_width (GTK_WIDGET (self));
  double h = gtk_widget_get_height (GTK_WIDGET (self));
  double pad = 6, sx, sy;

  if (self->n_steps <= 0 || w <= 2 * pad || h <= 2 * pad)
    return -1;
  sx = (w - 2 * pad) / self->n_steps;
  sy = (h - 2 * pad) / (self->span + 1);
  for (int i = 0; i < self->n_notes; i++)
    {
      const NoteRect *n = &self->notes[i];
      double nx = pad + n->step * sx, ny = h - pad - (n->row + 1) * sy;

      if (x >= nx && x < nx + n->length * sx && y >= ny && y < ny + sy)
        return i;
    }
  return -1;
}

void
atl_piano_roll_set_selected (AtlPianoRoll *self,
                             int           note)
{
  g_return_if_fail (ATL_IS_PIANO_ROLL (self));
  self->selected = note;
  gtk_widget_queue_draw (GTK_WIDGET (self));
}
