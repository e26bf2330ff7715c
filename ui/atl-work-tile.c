/* atl-work-tile.c: a grid cell; its layout is atl-work-tile.ui. */
#include "atl-work-tile.h"

#include <glib/gi18n.h>

#include "atl-art-export.h"
#include "atl-audio-export.h"
#include "atl-config.h"
#include "atl-piano-roll.h"
#include "atl-spinner.h"

struct _AtlWorkTile
{
  GtkWidget parent_instance;

  AtlWorkItem   *item;
  GBinding      *bindings[3];   /* favourite, rejected, locked */
  int            position;
  AtlSynthParams synth;

  GtkWidget       *box;
  GtkStack        *preview_stack;
  AtlSpinner      *spinner;
  GtkPicture      *picture;
  AtlPianoRoll    *piano_roll;
  GtkLabel        *seed_badge;
  GtkToggleButton *lock_button;
  GtkToggleButton *favourite_button;
  GtkToggleButton *reject_button;
  GtkLabel        *lineage_label;
  GtkButton       *play_button;
  GtkMenuButton   *menu_button;
  GtkWidget       *footer;
  GtkWidget       *context_menu;
  gboolean         blind;
};

enum {
  SIGNAL_REQUEST,
  N_SIGNALS
};

static guint signals[N_SIGNALS];

G_DEFINE_FINAL_TYPE (AtlWorkTile, atl_work_tile, GTK_TYPE_WIDGET)

static void
update_accessible_name (AtlWorkTile *self)
{
  g_autofree char *label = NULL;

  if (self->item == NULL)
    label = g_strdup_printf (_("Candidate %d, being drawn"), self->position + 1);
  else if (atl_work_item_get_domain (self->item) == ATL_DOMAIN_ART)
    label = g_strdup_printf (_("Image %d, seed %llu%s%s"), self->position + 1,
                             (unsigned long long) atl_work_item_get_work (self->item)->seed,
                             atl_work_item_get_favourite (self->item) ? _(", favourite") : "",
                             atl_work_item_get_rejected (self->item) ? _(", rejected") : "");
  else
    label = g_strdup_printf (_("Melody %d, seed %llu%s%s"), self->position + 1,
                             (unsigned long long) atl_work_item_get_work (self->item)->seed,
                             atl_work_item_get_favourite (self->item) ? _(", favourite") : "",
                             atl_work_item_get_rejected (self->item) ? _(", rejected") : "");
  gtk_accessible_update_property (GTK_ACCESSIBLE (self), GTK_ACCESSIBLE_PROPERTY_LABEL, label, -1);
}

static void
item_flags_changed_cb (AtlWorkTile *self)
{
  gboolean fav = self->item && atl_work_item_get_favourite (self->item);
  gboolean rej = self->item && atl_work_item_get_rejected (self->item);

  /* The card's look follows the marks: a favourite glows, a reject fades. */
  if (fav)
    gtk_widget_add_css_class (GTK_WIDGET (self), "favourite");
  else
    gtk_widget_remove_css_class (GTK_WIDGET (self), "favourite");
  if (rej)
    gtk_widget_add_css_class (GTK_WIDGET (self), "rejected");
  else
    gtk_widget_remove_css_class (GTK_WIDGET (self), "rejected");
  update_accessible_name (self);
}

/* A tile waiting for its work keeps its place but shows no controls. They are hidden
 * (transparent, out of reach of pointer and focus) rather than insensitive: Adwaita draws
 * a disabled button through `filter: opacity()`, a colour-matrix node that the software
 * renderer applies pixel by pixel, and a dozen tiles of disabled buttons made each frame
 * that redrew the grid cost several milliseconds more while a round was drawing. */
static void
show_controls (AtlWorkTile *self,
               gboolean     shown)
{
  GtkWidget *controls[] = { self->footer, GTK_WIDGET (self->lock_button) };

  for (guint i = 0; i < G_N_ELEMENTS (controls); i++)
    {
      gtk_widget_set_opacity (controls[i], shown ? 1.0 : 0.0);
      gtk_widget_set_can_target (controls[i], shown);
      gtk_widget_set_can_focus (controls[i], shown);
    }
}

static void
unbind_item (AtlWorkTile *self)
{
  for (guint i = 0; i < G_N_ELEMENTS (self->bindings); i++)
    if (self->bindings[i] != NULL)
      {
        g_binding_unbind (self->bindings[i]);
        self->bindings[i] = NULL;
      }
  if (self->item != NULL)
    g_signal_handlers_disconnect_by_data (self->item, self);
  g_clear_object (&self->item);
}

void
atl_work_tile_set_item (AtlWorkTile *self,
                        AtlWorkItem *item)
{
  g_return_if_fail (ATL_IS_WORK_TILE (self));

  unbind_item (self);
  if (item == NULL)
    {
      /* An emptied tile may be reused for the next round: drop every mark of the last. */
      gtk_toggle_button_set_active (self->favourite_button, FALSE);
      gtk_toggle_button_set_active (self->reject_button, FALSE);
      gtk_toggle_button_set_active (self->lock_button, FALSE);
      gtk_picture_set_paintable (self->picture, NULL);
      gtk_stack_set_visible_child_name (self->preview_stack, "loading");
      atl_spinner_set_spinning (self->spinner, TRUE);
      gtk_label_set_label (self->seed_badge, "");
      gtk_widget_set_visible (GTK_WIDGET (self->seed_badge), FALSE);
      gtk_label_set_label (self->lineage_label, "");
      gtk_widget_set_visible (GTK_WIDGET (self->play_button), FALSE);
      show_controls (self, FALSE);
      item_flags_changed_cb (self);
      return;
    }

  self->item = g_object_ref (item);
  atl_spinner_set_spinning (self->spinner, FALSE);
  show_controls (self, TRUE);
  if (atl_work_item_get_domain (item) == ATL_DOMAIN_ART)
    {
      gtk_picture_set_paintable (self->picture, atl_work_item_get_thumbnail (item));
      gtk_stack_set_visible_child_name (self->preview_stack, "art");
      gtk_widget_set_visible (GTK_WIDGET (self->play_button), FALSE);
    }
  else
    {
      atl_piano_roll_set_melody (self->piano_roll, atl_work_item_get_melody (item));
      gtk_stack_set_visible_child_name (self->preview_stack, "music");
      gtk_widget_set_visible (GTK_WIDGET (self->play_button), TRUE);
    }

  {
    g_autofree char *seed = g_strdup_printf ("%" G_GUINT64_FORMAT,
                                             atl_work_item_get_work (item)->seed);
    g_autofree char *caption = atl_work_item_dup_caption (item);

    gtk_label_set_label (self->seed_badge, seed);
    gtk_widget_set_visible (GTK_WIDGET (self->seed_badge), !self->blind);
    gtk_label_set_label (self->lineage_label, caption);
  }

  self->bindings[0] = g_object_bind_property (item, "favourite", self->favourite_button, "active",
                                              G_BINDING_BIDIRECTIONAL | G_BINDING_SYNC_CREATE);
  self->bindings[1] = g_object_bind_property (item, "rejected", self->reject_button, "active",
                                              G_BINDING_BIDIRECTIONAL | G_BINDING_SYNC_CREATE);
  self->bindings[2] = g_object_bind_property (item, "locked", self->lock_button, "active",
                                              G_BINDING_BIDIRECTIONAL | G_BINDING_SYNC_CREATE);
  g_signal_connect_swapped (item, "notify::favourite", G_CALLBACK (item_flags_changed_cb), self);
  g_signal_connect_swapped (item, "notify::rejected", G_CALLBACK (item_flags_changed_cb), self);
  item_flags_changed_cb (self);
}

AtlWorkItem *
atl_work_tile_get_item (AtlWorkTile *self)
{
  g_return_val_if_fail (ATL_IS_WORK_TILE (self), NULL);
  return self->item;
}

void
atl_work_tile_set_position (AtlWorkTile *self,
                            int          position)
{
  g_return_if_fail (ATL_IS_WORK_TILE (self));
  self->position = position;
  update_accessible_name (self);
}

void
atl_work_tile_set_playhead (AtlWorkTile *self,
                            double       fraction)
{
  gboolean was_playing;

  g_return_if_fail (ATL_IS_WORK_TILE (self));

  /* The playhead moves many times a second: only the roll redraws then; the button
   * changes (and its tooltip, which asks the X server where the pointer is) only when
   * playing starts or stops. */
  was_playing = atl_piano_roll_get_playhead (self->piano_roll) >= 0;
  atl_piano_roll_set_playhead (self->piano_roll, fraction);
  if (was_playing == (fraction >= 0))
    return;
  gtk_button_set_icon_name (self->play_button, fraction >= 0 ? "media-playback-stop-symbolic"
                                                             : "media-playback-start-symbolic");
  gtk_widget_set_tooltip_text (GTK_WIDGET (self->play_button),
                               fraction >= 0 ? _("Stop (Space)") : _("Play (Space)"));
}

void
atl_work_tile_set_synth_params (AtlWorkTile          *self,
                                const AtlSynthParams *params)
{
  g_return_if_fail (ATL_IS_WORK_TILE (self));
  self->synth = *params;
}

void
atl_work_tile_set_lockable (AtlWorkTile *self,
                            gboolean     lockable)
{
  g_return_if_fail (ATL_IS_WORK_TILE (self));
  gtk_widget_set_visible (GTK_WIDGET (self->lock_button), lockable);
}

void
atl_work_tile_set_blind (AtlWorkTile *self)
{
  g_return_if_fail (ATL_IS_WORK_TILE (self));
  self->blind = TRUE;
  gtk_widget_set_visible (self->footer, FALSE);
  gtk_widget_set_visible (GTK_WIDGET (self->seed_badge), FALSE);
  gtk_widget_set_visible (GTK_WIDGET (self->lock_button), FALSE);
}

GFile *
atl_work_tile_write_drag_file (AtlWorkTile  *self,
                               GError      **error)
{
  const AtlWork *work;
  g_autofree char *dir = NULL;
  g_autofree char *name = NULL;
  g_autofree char *path = NULL;
  gboolean ok;

  g_return_val_if_fail (ATL_IS_WORK_TILE (self) && self->item != NULL, NULL);

  work = atl_work_item_get_work (self->item);
  dir = g_build_filename (g_get_user_cache_dir (), "atelier", "drag", NULL);
  if (g_mkdir_with_parents (dir, 0700) != 0)
    {
      g_set_error (error, G_IO_ERROR, g_io_error_from_errno (errno),
                   _("Could not create the folder “%s”"), dir);
      return NULL;
    }
  if (atl_work_item_get_domain (self->item) == ATL_DOMAIN_ART)
    {
      g_autofree char *seed = g_strdup_printf ("%" G_GUINT64_FORMAT, work->seed);
      const char *text[] = { "Seed", seed, "Software", "Atelier", NULL };

      name = g_strdup_printf ("atelier-art-%" G_GUINT64_FORMAT ".png", work->seed);
      path = g_build_filename (dir, name, NULL);
      ok = atl_art_export_png (atl_work_item_get_artwork (self->item), 1024, text, path, error);
    }
  else
    {
      AtlAudioTags tags = { .title = NULL, .artist = NULL, .comment = NULL };

      name = g_strdup_printf ("atelier-melody-%" G_GUINT64_FORMAT ".wav", work->seed);
      path = g_build_filename (dir, name, NULL);
      ok = atl_audio_export_melody (path, ATL_AUDIO_FORMAT_WAV16,
                                    atl_work_item_get_melody (self->item), &self->synth,
                                    &tags, error);
    }
  return ok ? g_file_new_for_path (path) : NULL;
}

static GdkContentProvider *
drag_prepare_cb (GtkDragSource *source,
                 double         x,
                 double         y,
                 AtlWorkTile   *self)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(GFile) file = NULL;

  if (self->item == NULL)
    return NULL;
  file = atl_work_tile_write_drag_file (self, &error);
  if (file == NULL)
    {
      g_warning ("Dragging a work out failed: %s", error->message);
      return NULL;
    }
  return gdk_content_provider_new_typed (G_TYPE_FILE, file);
}

static void
drag_begin_cb (GtkDragSource *source,
               GdkDrag       *drag,
               AtlWorkTile   *self)
{
  g_autoptr(GdkPaintable) icon = gtk_widget_paintable_new (GTK_WIDGET (self->preview_stack));

  gtk_drag_source_set_icon (source, icon, 16, 16);
}

static void
right_click_cb (GtkGestureClick *gesture,
                int              n_press,
                double           x,
                double           y,
                AtlWorkTile     *self)
{
  if (self->item == NULL || self->blind)
    return;
  gtk_popover_set_pointing_to (GTK_POPOVER (self->context_menu),
                               &(GdkRectangle) { (int) x, (int) y, 1, 1 });
  gtk_popover_popup (GTK_POPOVER (self->context_menu));
}

static void
request_action_cb (GtkWidget  *widget,
                   const char *action_name,
                   GVariant   *parameter)
{
  AtlWorkTile *self = ATL_WORK_TILE (widget);
  const char *what = strchr (action_name, '.') + 1;

  if (self->item != NULL)
    g_signal_emit (self, signals[SIGNAL_REQUEST], g_quark_from_string (what), what);
}

static void
toggle_action_cb (GtkWidget  *widget,
                  const char *action_name,
                  GVariant   *parameter)
{
  AtlWorkTile *self = ATL_WORK_TILE (widget);

  if (self->item == NULL)
    return;
  if (g_str_equal (action_name, "tile.favourite"))
    atl_work_item_set_favourite (self->item, !atl_work_item_get_favourite (self->item));
  else if (g_str_equal (action_name, "tile.reject"))
    atl_work_item_set_rejected (self->item, !atl_work_item_get_rejected (self->item));
  else if (gtk_widget_get_visible (GTK_WIDGET (self->lock_button)))
    atl_work_item_set_locked (self->item, !atl_work_item_get_locked (self->item));
}

static void
copy_seed_action_cb (GtkWidget  *widget,
                     const char *action_name,
                     GVariant   *parameter)
{
  AtlWorkTile *self = ATL_WORK_TILE (widget);
  g_autofree char *seed = NULL;

  if (self->item == NULL)
    return;
  seed = g_strdup_printf ("%" G_GUINT64_FORMAT, atl_work_item_get_work (self->item)->seed);
  gdk_clipboard_set_text (gtk_widget_get_clipboard (widget), seed);
}

/* The lineage is asked for when the tooltip shows rather than set per work: setting a
 * tooltip text makes GTK query the pointer from the X server at once, a round trip per
 * tile as a round fills in. */
static gboolean
lineage_query_tooltip_cb (GtkWidget   *label,
                          int          x,
                          int          y,
                          gboolean     keyboard,
                          GtkTooltip  *tooltip,
                          AtlWorkTile *self)
{
  g_autofree char *lineage = NULL;

  if (self->item == NULL || (lineage = atl_work_item_dup_lineage (self->item)) == NULL)
    return FALSE;
  gtk_tooltip_set_text (tooltip, lineage);
  return TRUE;
}

static void
favourite_toggled_cb (AtlWorkTile *self)
{
  /* A favourite cannot also be a reject; the last mark given wins. */
  if (self->item == NULL)
    return;
  if (gtk_toggle_button_get_active (self->favourite_button))
    atl_work_item_set_rejected (self->item, FALSE);
}

static void
reject_toggled_cb (AtlWorkTile *self)
{
  if (self->item == NULL)
    return;
  if (gtk_toggle_button_get_active (self->reject_button))
    atl_work_item_set_favourite (self->item, FALSE);
}

static void
atl_work_tile_dispose (GObject *object)
{
  AtlWorkTile *self = ATL_WORK_TILE (object);

  unbind_item (self);
  g_clear_pointer (&self->context_menu, gtk_widget_unparent);
  gtk_widget_dispose_template (GTK_WIDGET (self), ATL_TYPE_WORK_TILE);
  G_OBJECT_CLASS (atl_work_tile_parent_class)->dispose (object);
}

static void
atl_work_tile_size_allocate (GtkWidget *widget,
                             int        width,
                             int        height,
                             int        baseline)
{
  AtlWorkTile *self = ATL_WORK_TILE (widget);

  gtk_widget_size_allocate (self->box, &(GtkAllocation) { 0, 0, width, height }, baseline);
  if (self->context_menu != NULL)
    gtk_popover_present (GTK_POPOVER (self->context_menu));
}

static void
atl_work_tile_measure (GtkWidget      *widget,
                       GtkOrientation  orientation,
                       int             for_size,
                       int            *minimum,
                       int            *natural,
                       int            *minimum_baseline,
                       int            *natural_baseline)
{
  AtlWorkTile *self = ATL_WORK_TILE (widget);

  gtk_widget_measure (self->box, orientation, for_size, minimum, natural, NULL, NULL);
}

static void
atl_work_tile_class_init (AtlWorkTileClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);
  static const char *requests[] = { "open", "export", "more-like-this", "continue", "collect", "play" };

  object_class->dispose = atl_work_tile_dispose;
  widget_class->size_allocate = atl_work_tile_size_allocate;
  widget_class->measure = atl_work_tile_measure;

  /* request::<what> (what = open, export, more-like-this, continue, collect, play). */
  signals[SIGNAL_REQUEST] =
    g_signal_new ("request", G_TYPE_FROM_CLASS (klass),
                  G_SIGNAL_RUN_LAST | G_SIGNAL_DETAILED, 0, NULL, NULL, NULL,
                  G_TYPE_NONE, 1, G_TYPE_STRING);

  g_type_ensure (ATL_TYPE_PIANO_ROLL);
  g_type_ensure (ATL_TYPE_SPINNER);
  gtk_widget_class_set_template_from_resource (widget_class,
                                               RESOURCE_PREFIX "/atl-work-tile.ui");
  gtk_widget_class_bind_template_child (widget_class, AtlWorkTile, box);
  gtk_widget_class_bind_template_child (widget_class, AtlWorkTile, preview_stack);
  gtk_widget_class_bind_template_child (widget_class, AtlWorkTile, spinner);
  gtk_widget_class_bind_template_child (widget_class, AtlWorkTile, picture);
  gtk_widget_class_bind_template_child (widget_class, AtlWorkTile, piano_roll);
  gtk_widget_class_bind_template_child (widget_class, AtlWorkTile, seed_badge);
  gtk_widget_class_bind_template_child (widget_class, AtlWorkTile, lock_button);
  gtk_widget_class_bind_template_child (widget_class, AtlWorkTile, favourite_button);
  gtk_widget_class_bind_template_child (widget_class, AtlWorkTile, reject_button);
  gtk_widget_class_bind_template_child (widget_class, AtlWorkTile, lineage_label);
  gtk_widget_class_bind_template_child (widget_class, AtlWorkTile, play_button);
  gtk_widget_class_bind_template_child (widget_class, AtlWorkTile, menu_button);
  gtk_widget_class_bind_template_child (widget_class, AtlWorkTile, footer);

  for (guint i = 0; i < G_N_ELEMENTS (requests); i++)
    {
      g_autofree char *name = g_strconcat ("tile.", requests[i], NULL);

      gtk_widget_class_install_action (widget_class, name, NULL, request_action_cb);
    }
  gtk_widget_class_install_action (widget_class, "tile.favourite", NULL, toggle_action_cb);
  gtk_widget_class_install_action (widget_class, "tile.reject", NULL, toggle_action_cb);
  gtk_widget_class_install_action (widget_class, "tile.lock", NULL, toggle_action_cb);
  gtk_widget_class_install_action (widget_class, "tile.copy-seed", NULL, copy_seed_action_cb);

  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_x, 0, "tile.reject", NULL);
  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_l, 0, "tile.lock", NULL);
  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_f, 0, "tile.favourite", NULL);
  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_space, 0, "tile.play", NULL);
  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_Menu, 0, "tile.open", NULL);

  gtk_widget_class_set_css_name (widget_class, "worktile");
  gtk_widget_class_set_accessible_role (widget_class, GTK_ACCESSIBLE_ROLE_GROUP);
}

static void
atl_work_tile_init (AtlWorkTile *self)
{
  GtkDragSource *drag;
  GtkGesture *click;

  gtk_widget_init_template (GTK_WIDGET (self));
  atl_synth_params_init (&self->synth);
  self->position = 0;

  g_signal_connect_swapped (self->favourite_button, "toggled",
                            G_CALLBACK (favourite_toggled_cb), self);
  g_signal_connect_swapped (self->reject_button, "toggled", G_CALLBACK (reject_toggled_cb), self);
  gtk_widget_set_has_tooltip (GTK_WIDGET (self->lineage_label), TRUE);
  g_signal_connect (self->lineage_label, "query-tooltip",
                    G_CALLBACK (lineage_query_tooltip_cb), self);

  self->context_menu = gtk_popover_menu_new_from_model (
      gtk_menu_button_get_menu_model (self->menu_button));
  gtk_popover_set_has_arrow (GTK_POPOVER (self->context_menu), FALSE);
  gtk_widget_set_halign (self->context_menu, GTK_ALIGN_START);
  gtk_widget_set_parent (self->context_menu, GTK_WIDGET (self));

  click = gtk_gesture_click_new ();
  gtk_gesture_single_set_button (GTK_GESTURE_SINGLE (click), GDK_BUTTON_SECONDARY);
  g_signal_connect (click, "pressed", G_CALLBACK (right_click_cb), self);
  gtk_widget_add_controller (GTK_WIDGET (self), GTK_EVENT_CONTROLLER (click));

  drag = gtk_drag_source_new ();
  gtk_drag_source_set_actions (drag, GDK_ACTION_COPY);
  g_signal_connect (drag, "prepare", G_CALLBACK (drag_prepare_cb), self);
  g_signal_connect (drag, "drag-begin", G_CALLBACK (drag_begin_cb), self);
  gtk_widget_add_controller (GTK_WIDGET (self->preview_stack), GTK_EVENT_CONTROLLER (drag));

  atl_work_tile_set_item (self, NULL);
}

GtkWidget *
atl_work_tile_new (void)
{
  return g_object_new (ATL_TYPE_WORK_TILE, NULL);
}
