/* atl-work-viewer.c: the large view of a work and its small editor; layout in
 * atl-work-viewer.ui.
 *
 * The viewer edits a copy of the decoded work (self->art or self->melody); nothing is
 * stored until "Save as New Work", which re-encodes, validates and records the edit as
 * preferred over the original (atl-work-edit.h).
 */
#include "atl-work-viewer.h"

#include <glib/gi18n.h>
#include <math.h>

#include "atl-config.h"
#include "atl-art-canvas.h"
#include "atl-palettes.h"
#include "atl-piano-roll.h"
#include "atl-work-edit.h"

struct _AtlWorkViewer
{
  AdwWindow parent_instance;

  AtlStore      *store;
  AtlPlayer     *player;
  AtlWorkItem   *item;
  AtlSynthParams synth;
  GtkWidget     *stars[5];

  /* The work being edited, a copy of the item's. */
  gboolean       is_art;
  AtlArtwork     art;
  AtlMelody      melody;
  int            selected;     /* element or note, −1: none */
  gboolean       dirty;
  int            drag_x, drag_y;  /* the element's grid position when a drag began */

  AdwWindowTitle *window_title;
  GtkButton      *play_button;
  GtkButton      *save_button;
  GtkStack       *stack;
  AtlArtCanvas   *canvas;
  AtlPianoRoll   *piano_roll;
  GtkLabel       *lineage_label;
  GtkLabel       *hint_label;
  GtkBox         *stars_box;
  GtkBox         *swatches_box;
  GtkWidget      *light_box;
  GtkWidget      *pitch_box;
};

G_DEFINE_FINAL_TYPE (AtlWorkViewer, atl_work_viewer, ADW_TYPE_WINDOW)

static void
show_stars (AtlWorkViewer *self,
            int            rating)
{
  for (int i = 0; i < 5; i++)
    gtk_button_set_icon_name (GTK_BUTTON (self->stars[i]),
                              i < rating ? "starred-symbolic" : "non-starred-symbolic");
}

static void
rate_action_cb (GtkWidget  *widget,
                const char *action_name,
                GVariant   *parameter)
{
  AtlWorkViewer *self = ATL_WORK_VIEWER (widget);
  int stars = g_variant_get_int32 (parameter);
  g_autoptr(GError) error = NULL;

  if (!atl_store_rate_work (self->store, atl_work_item_get_id (self->item), stars, NULL, &error))
    {
      g_warning ("Could not rate: %s", error->message);
      return;
    }
  show_stars (self, stars);
}

static void
play_action_cb (GtkWidget  *widget,
                const char *action_name,
                GVariant   *parameter)
{
  AtlWorkViewer *self = ATL_WORK_VIEWER (widget);
  g_autoptr(GError) error = NULL;

  if (atl_player_get_state (self->player) == ATL_PLAYER_STATE_PLAYING)
    atl_player_stop (self->player);
  else if (!atl_player_play (self->player, &self->melody, &self->synth, &error))
    gtk_widget_set_tooltip_text (GTK_WIDGET (self->play_button), error->message);
}

static void
player_cb (AtlWorkViewer *self)
{
  double total;
  const AtlMelody *melody = self->is_art ? NULL : &self->melody;
  gboolean playing = atl_player_get_state (self->player) == ATL_PLAYER_STATE_PLAYING;

  if (melody == NULL)
    return;
  total = atl_synth_step_seconds (melody, &self->synth,
                                  melody->n_bars * atl_metre_steps_per_bar (melody->metre));
  atl_piano_roll_set_playhead (self->piano_roll,
                               playing && total > 0 ? atl_player_get_position (self->player) / total : -1);
  gtk_button_set_icon_name (self->play_button, playing ? "media-playback-stop-symbolic"
                                                       : "media-playback-start-symbolic");
}

/* Editing. */

static void
update_edit_state (AtlWorkViewer *self)
{
  gboolean has = self->selected >= 0;

  gtk_widget_action_set_enabled (GTK_WIDGET (self), "viewer.delete", has);
  gtk_widget_action_set_enabled (GTK_WIDGET (self), "viewer.nudge", has);
  gtk_widget_action_set_enabled (GTK_WIDGET (self), "viewer.colour", has && self->is_art);
  gtk_widget_action_set_enabled (GTK_WIDGET (self), "viewer.lightness", has && self->is_art);
  gtk_widget_action_set_enabled (GTK_WIDGET (self), "viewer.save", self->dirty);
  gtk_widget_set_visible (GTK_WIDGET (self->swatches_box), self->is_art);
  gtk_widget_set_visible (self->light_box, self->is_art);
  gtk_widget_set_visible (self->pitch_box, !self->is_art);
  if (self->is_art)
    gtk_label_set_label (self->hint_label,
                         has ? _("Drag or use the arrow keys to move it; pick a colour below")
                             : _("Click a shape to select it"));
  else
    gtk_label_set_label (self->hint_label,
                         has ? _("↑ and ↓ change its pitch; Delete removes it")
                             : _("Click a note to select it"));
}

static void
select_part (AtlWorkViewer *self,
             int            index)
{
  self->selected = index;
  if (self->is_art)
    atl_art_canvas_set_selected (self->canvas, index);
  else
    atl_piano_roll_set_selected (self->piano_roll, index);
  update_edit_state (self);
}

/* After a change to the copy: redraw it and offer to save. */
static void
edited (AtlWorkViewer *self)
{
  self->dirty = TRUE;
  if (self->is_art)
    atl_art_canvas_set_artwork (self->canvas, &self->art);
  else
    atl_piano_roll_set_melody (self->piano_roll, &self->melody);
  update_edit_state (self);
}

/* Selects element or note i (what a click does after its hit test); −1 clears. */
static void
select_action_cb (GtkWidget  *widget,
                  const char *action_name,
                  GVariant   *parameter)
{
  AtlWorkViewer *self = ATL_WORK_VIEWER (widget);
  int i = g_variant_get_int32 (parameter);
  int n = self->is_art ? self->art.n_elements : self->melody.n_notes;

  select_part (self, i >= 0 && i < n ? i : -1);
}

static void
delete_action_cb (GtkWidget  *widget,
                  const char *action_name,
                  GVariant   *parameter)
{
  AtlWorkViewer *self = ATL_WORK_VIEWER (widget);
  gboolean done = self->is_art ? atl_art_delete_element (&self->art, self->selected)
                               : atl_melody_delete_note (&self->melody, self->selected);

  if (!done)
    {
      gtk_widget_error_bell (widget);
      return;
    }
  select_part (self, -1);
  edited (self);
}

/* (dx, dy): grid steps for a shape; for a note dy < 0 is up a semitone. */
static void
nudge_action_cb (GtkWidget  *widget,
                 const char *action_name,
                 GVariant   *parameter)
{
  AtlWorkViewer *self = ATL_WORK_VIEWER (widget);
  int dx, dy;

  g_variant_get (parameter, "(ii)", &dx, &dy);
  if (self->is_art ? atl_art_move_element (&self->art, self->selected, dx, dy)
                   : dy != 0 && atl_melody_transpose_note (&self->melody, self->selected, -dy))
    edited (self);
}

static void
colour_action_cb (GtkWidget  *widget,
                  const char *action_name,
                  GVariant   *parameter)
{
  AtlWorkViewer *self = ATL_WORK_VIEWER (widget);
  const AtlArtElement *el = &self->art.elements[MAX (self->selected, 0)];

  if (atl_art_recolour_element (&self->art, self->selected, g_variant_get_int32 (parameter),
                                el->light))
    edited (self);
}

static void
lightness_action_cb (GtkWidget  *widget,
                     const char *action_name,
                     GVariant   *parameter)
{
  AtlWorkViewer *self = ATL_WORK_VIEWER (widget);
  const AtlArtElement *el = &self->art.elements[MAX (self->selected, 0)];

  if (atl_art_recolour_element (&self->art, self->selected, el->slot,
                                el->light + g_variant_get_int32 (parameter)))
    edited (self);
  else
    gtk_widget_error_bell (widget);
}

static gint64
save_edit (AtlWorkViewer  *self,
           GError        **error)
{
  gint64 id = atl_work_edit_save (self->store, atl_work_item_get_work (self->item),
                                  self->is_art ? &self->art : NULL,
                                  self->is_art ? NULL : &self->melody, error);

  if (id != 0)
    {
      self->dirty = FALSE;
      update_edit_state (self);
    }
  return id;
}

static void
save_action_cb (GtkWidget  *widget,
                const char *action_name,
                GVariant   *parameter)
{
  AtlWorkViewer *self = ATL_WORK_VIEWER (widget);
  g_autoptr(GError) error = NULL;
  g_autofree char *subtitle = NULL;
  gint64 id = save_edit (self, &error);

  if (id == 0)
    {
      adw_window_title_set_subtitle (self->window_title, error->message);
      return;
    }
  subtitle = g_strdup_printf (_("Saved as work #%lld, preferred over the original"),
                              (long long) id);
  adw_window_title_set_subtitle (self->window_title, subtitle);
}

gint64
atl_work_viewer_save (AtlWorkViewer *self)
{
  g_autoptr(GError) error = NULL;
  gint64 id;

  g_return_val_if_fail (ATL_IS_WORK_VIEWER (self), 0);
  if (!self->dirty)
    return 0;
  id = save_edit (self, &error);
  if (id == 0)
    g_warning ("Could not save the edit: %s", error->message);
  return id;
}

static void
canvas_drag_begin_cb (GtkGestureDrag *gesture,
                      double          x,
                      double          y,
                      AtlWorkViewer  *self)
{
  double u, v;
  int hit = atl_art_canvas_to_unit (self->canvas, x, y, &u, &v)
            ? atl_art_hit_test (&self->art, u, v) : -1;

  gtk_widget_grab_focus (GTK_WIDGET (self->canvas));
  select_part (self, hit);
  if (hit < 0)
    {
      gtk_gesture_set_state (GTK_GESTURE (gesture), GTK_EVENT_SEQUENCE_DENIED);
      return;
    }
  self->drag_x = self->art.elements[hit].x;
  self->drag_y = self->art.elements[hit].y;
}

static void
canvas_drag_update_cb (GtkGestureDrag *gesture,
                       double          dx,
                       double          dy,
                       AtlWorkViewer  *self)
{
  double scale = atl_art_canvas_get_scale (self->canvas);
  AtlArtElement *el;
  int gx, gy;

  if (self->selected < 0 || scale <= 0)
    return;
  el = &self->art.elements[self->selected];
  /* Snapped: the element lands on the codec's 32-step grid, nowhere in between. */
  gx = self->drag_x + (int) lround (dx / scale * ATL_ART_GRID);
  gy = self->drag_y + (int) lround (dy / scale * ATL_ART_GRID);
  if (atl_art_move_element (&self->art, self->selected, gx - el->x, gy - el->y))
    edited (self);
}

static void
roll_pressed_cb (GtkGestureClick *gesture,
                 int              n_press,
                 double           x,
                 double           y,
                 AtlWorkViewer   *self)
{
  gtk_widget_grab_focus (GTK_WIDGET (self->piano_roll));
  select_part (self, atl_piano_roll_note_at (self->piano_roll, x, y));
}

static void
draw_swatch (GtkDrawingArea *area,
             cairo_t        *cr,
             int             width,
             int             height,
             gpointer        data)
{
  const AtlRgb *rgb = data;

  cairo_arc (cr, width / 2.0, height / 2.0, MIN (width, height) / 2.0 - 1, 0, 2 * G_PI);
  cairo_set_source_rgb (cr, rgb->r, rgb->g, rgb->b);
  cairo_fill_preserve (cr);
  cairo_set_source_rgba (cr, 0, 0, 0, 0.25);
  cairo_set_line_width (cr, 1);
  cairo_stroke (cr);
}

/* One flat round button per palette colour of the artwork. */
static void
add_swatches (AtlWorkViewer *self)
{
  const AtlPalette *palette = &ATL_PALETTES[self->art.palette];

  for (int slot = 0; slot < palette->n_colours; slot++)
    {
      AtlRgb *rgb = g_new (AtlRgb, 1);
      GtkWidget *area = gtk_drawing_area_new ();
      GtkWidget *button = gtk_button_new ();
      g_autofree char *label = g_strdup_printf (_("Colour %d of the palette"), slot + 1);

      *rgb = atl_palette_colour (self->art.palette, slot, 2, ATL_ART_LIGHT_STEP);
      gtk_drawing_area_set_content_width (GTK_DRAWING_AREA (area), 20);
      gtk_drawing_area_set_content_height (GTK_DRAWING_AREA (area), 20);
      gtk_drawing_area_set_draw_func (GTK_DRAWING_AREA (area), draw_swatch, rgb, g_free);
      gtk_button_set_child (GTK_BUTTON (button), area);
      gtk_widget_add_css_class (button, "flat");
      gtk_widget_add_css_class (button, "circular");
      gtk_widget_set_tooltip_text (button, label);
      gtk_accessible_update_property (GTK_ACCESSIBLE (button),
                                      GTK_ACCESSIBLE_PROPERTY_LABEL, label, -1);
      gtk_actionable_set_action_name (GTK_ACTIONABLE (button), "viewer.colour");
      gtk_actionable_set_action_target (GTK_ACTIONABLE (button), "i", slot);
      gtk_box_append (self->swatches_box, button);
    }
}

/* Arrows and Delete act on the selection before focus navigation sees them; with nothing
 * selected the actions are disabled and the keys move focus as usual. */
static void
add_edit_shortcuts (AtlWorkViewer *self)
{
  static const struct { guint key; int dx, dy; } arrows[] = {
    { GDK_KEY_Left, -1, 0 }, { GDK_KEY_Right, 1, 0 }, { GDK_KEY_Up, 0, -1 }, { GDK_KEY_Down, 0, 1 },
  };
  GtkEventController *controller = gtk_shortcut_controller_new ();

  gtk_event_controller_set_propagation_phase (controller, GTK_PHASE_CAPTURE);
  for (guint i = 0; i < G_N_ELEMENTS (arrows); i++)
    {
      GtkShortcut *shortcut = gtk_shortcut_new (gtk_keyval_trigger_new (arrows[i].key, 0),
                                                gtk_named_action_new ("viewer.nudge"));

      gtk_shortcut_set_arguments (shortcut, g_variant_new ("(ii)", arrows[i].dx, arrows[i].dy));
      gtk_shortcut_controller_add_shortcut (GTK_SHORTCUT_CONTROLLER (controller), shortcut);
    }
  gtk_shortcut_controller_add_shortcut (GTK_SHORTCUT_CONTROLLER (controller),
    gtk_shortcut_new (gtk_keyval_trigger_new (GDK_KEY_Delete, 0),
                      gtk_named_action_new ("viewer.delete")));
  gtk_shortcut_controller_add_shortcut (GTK_SHORTCUT_CONTROLLER (controller),
    gtk_shortcut_new (gtk_keyval_trigger_new (GDK_KEY_BackSpace, 0),
                      gtk_named_action_new ("viewer.delete")));
  gtk_widget_add_controller (GTK_WIDGET (self), controller);
}

static void
atl_work_viewer_dispose (GObject *object)
{
  AtlWorkViewer *self = ATL_WORK_VIEWER (object);

  if (self->player != NULL)
    {
      g_signal_handlers_disconnect_by_data (self->player, self);
      if (atl_work_item_get_melody (self->item) != NULL)
        atl_player_stop (self->player);
    }
  gtk_widget_dispose_template (GTK_WIDGET (self), ATL_TYPE_WORK_VIEWER);
  g_clear_object (&self->store);
  g_clear_object (&self->player);
  g_clear_object (&self->item);
  G_OBJECT_CLASS (atl_work_viewer_parent_class)->dispose (object);
}

static void
atl_work_viewer_class_init (AtlWorkViewerClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->dispose = atl_work_viewer_dispose;
  g_type_ensure (ATL_TYPE_PIANO_ROLL);
  g_type_ensure (ATL_TYPE_ART_CANVAS);
  gtk_widget_class_set_template_from_resource (widget_class,
                                               RESOURCE_PREFIX "/atl-work-viewer.ui");
  gtk_widget_class_bind_template_child (widget_class, AtlWorkViewer, window_title);
  gtk_widget_class_bind_template_child (widget_class, AtlWorkViewer, play_button);
  gtk_widget_class_bind_template_child (widget_class, AtlWorkViewer, stack);
  gtk_widget_class_bind_template_child (widget_class, AtlWorkViewer, canvas);
  gtk_widget_class_bind_template_child (widget_class, AtlWorkViewer, save_button);
  gtk_widget_class_bind_template_child (widget_class, AtlWorkViewer, hint_label);
  gtk_widget_class_bind_template_child (widget_class, AtlWorkViewer, swatches_box);
  gtk_widget_class_bind_template_child (widget_class, AtlWorkViewer, light_box);
  gtk_widget_class_bind_template_child (widget_class, AtlWorkViewer, pitch_box);
  gtk_widget_class_bind_template_child (widget_class, AtlWorkViewer, piano_roll);
  gtk_widget_class_bind_template_child (widget_class, AtlWorkViewer, lineage_label);
  gtk_widget_class_bind_template_child (widget_class, AtlWorkViewer, stars_box);
  gtk_widget_class_install_action (widget_class, "viewer.rate", "i", rate_action_cb);
  gtk_widget_class_install_action (widget_class, "viewer.play", NULL, play_action_cb);
  gtk_widget_class_install_action (widget_class, "viewer.select", "i", select_action_cb);
  gtk_widget_class_install_action (widget_class, "viewer.delete", NULL, delete_action_cb);
  gtk_widget_class_install_action (widget_class, "viewer.nudge", "(ii)", nudge_action_cb);
  gtk_widget_class_install_action (widget_class, "viewer.colour", "i", colour_action_cb);
  gtk_widget_class_install_action (widget_class, "viewer.lightness", "i", lightness_action_cb);
  gtk_widget_class_install_action (widget_class, "viewer.save", NULL, save_action_cb);
  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_s, GDK_CONTROL_MASK, "viewer.save", NULL);
  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_Escape, 0, "window.close", NULL);
  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_space, 0, "viewer.play", NULL);
  for (int i = 1; i <= 5; i++)
    gtk_widget_class_add_binding_action (widget_class, GDK_KEY_0 + i, 0, "viewer.rate", "i", i);
}

static void
atl_work_viewer_init (AtlWorkViewer *self)
{
  GtkGesture *drag = gtk_gesture_drag_new ();
  GtkGesture *click = gtk_gesture_click_new ();

  gtk_widget_init_template (GTK_WIDGET (self));
  self->selected = -1;
  g_signal_connect (drag, "drag-begin", G_CALLBACK (canvas_drag_begin_cb), self);
  g_signal_connect (drag, "drag-update", G_CALLBACK (canvas_drag_update_cb), self);
  gtk_widget_add_controller (GTK_WIDGET (self->canvas), GTK_EVENT_CONTROLLER (drag));
  g_signal_connect (click, "pressed", G_CALLBACK (roll_pressed_cb), self);
  gtk_widget_add_controller (GTK_WIDGET (self->piano_roll), GTK_EVENT_CONTROLLER (click));
  add_edit_shortcuts (self);
  for (int i = 0; i < 5; i++)
    {
      g_autofree char *label = g_strdup_printf (ngettext ("Rate %d star", "Rate %d stars", i + 1), i + 1);

      self->stars[i] = gtk_button_new_from_icon_name ("non-starred-symbolic");
      gtk_widget_add_css_class (self->stars[i], "flat");
      gtk_widget_set_tooltip_text (self->stars[i], label);
      gtk_accessible_update_property (GTK_ACCESSIBLE (self->stars[i]),
                                      GTK_ACCESSIBLE_PROPERTY_LABEL, label, -1);
      gtk_actionable_set_action_name (GTK_ACTIONABLE (self->stars[i]), "viewer.rate");
      gtk_actionable_set_action_target (GTK_ACTIONABLE (self->stars[i]), "i", i + 1);
      gtk_box_append (self->stars_box, self->stars[i]);
    }
}

AtlWorkViewer *
atl_work_viewer_new (GtkWindow            *parent,
                     AtlStore             *store,
                     AtlPlayer            *player,
                     AtlWorkItem          *item,
                     const AtlSynthParams *synth)
{
  AtlWorkViewer *self = g_object_new (ATL_TYPE_WORK_VIEWER, "transient-for", parent, NULL);
  const AtlWork *work = atl_work_item_get_work (item);
  g_autofree char *title = work->title ? g_strdup (work->title)
                                       : g_strdup_printf (_("Work #%lld"), (long long) work->id);
  g_autofree char *seed = g_strdup_printf (_("Seed %llu"), (unsigned long long) work->seed);
  g_autofree char *lineage = atl_work_item_dup_lineage (item);

  self->store = g_object_ref (store);
  self->player = g_object_ref (player);
  self->item = g_object_ref (item);
  self->synth = *synth;
  adw_window_title_set_title (self->window_title, title);
  adw_window_title_set_subtitle (self->window_title, seed);
  gtk_label_set_label (self->lineage_label, lineage);
  show_stars (self, work->rating);
  if (atl_work_item_get_artwork (item) != NULL)
    {
      self->is_art = TRUE;
      self->art = *atl_work_item_get_artwork (item);
      atl_art_canvas_set_artwork (self->canvas, &self->art);
      add_swatches (self);
      gtk_stack_set_visible_child_name (self->stack, "art");
      gtk_widget_set_visible (GTK_WIDGET (self->play_button), FALSE);
    }
  else
    {
      self->melody = *atl_work_item_get_melody (item);
      atl_piano_roll_set_melody (self->piano_roll, &self->melody);
      gtk_stack_set_visible_child_name (self->stack, "music");
      gtk_window_set_default_size (GTK_WINDOW (self), 880, 520);
      g_signal_connect_swapped (player, "notify::position", G_CALLBACK (player_cb), self);
      g_signal_connect_swapped (player, "notify::state", G_CALLBACK (player_cb), self);
    }
  update_edit_state (self);
  return self;
}
