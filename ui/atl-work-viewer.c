/* atl-work-viewer.c: the large view of a work; layout in atl-work-viewer.ui. */
#include "atl-work-viewer.h"

#include <glib/gi18n.h>

#include "atl-config.h"
#include "atl-art-render.h"
#include "atl-piano-roll.h"

struct _AtlWorkViewer
{
  AdwWindow parent_instance;

  AtlStore      *store;
  AtlPlayer     *player;
  AtlWorkItem   *item;
  AtlSynthParams synth;
  GtkWidget     *stars[5];

  AdwWindowTitle *window_title;
  GtkButton      *play_button;
  GtkStack       *stack;
  GtkPicture     *picture;
  AtlPianoRoll   *piano_roll;
  GtkLabel       *lineage_label;
  GtkBox         *stars_box;
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
  else if (!atl_player_play (self->player, atl_work_item_get_melody (self->item), &self->synth, &error))
    gtk_widget_set_tooltip_text (GTK_WIDGET (self->play_button), error->message);
}

static void
player_cb (AtlWorkViewer *self)
{
  double total;
  const AtlMelody *melody = atl_work_item_get_melody (self->item);
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
  gtk_widget_class_set_template_from_resource (widget_class,
                                               RESOURCE_PREFIX "/atl-work-viewer.ui");
  gtk_widget_class_bind_template_child (widget_class, AtlWorkViewer, window_title);
  gtk_widget_class_bind_template_child (widget_class, AtlWorkViewer, play_button);
  gtk_widget_class_bind_template_child (widget_class, AtlWorkViewer, stack);
  gtk_widget_class_bind_template_child (widget_class, AtlWorkViewer, picture);
  gtk_widget_class_bind_template_child (widget_class, AtlWorkViewer, piano_roll);
  gtk_widget_class_bind_template_child (widget_class, AtlWorkViewer, lineage_label);
  gtk_widget_class_bind_template_child (widget_class, AtlWorkViewer, stars_box);
  gtk_widget_class_install_action (widget_class, "viewer.rate", "i", rate_action_cb);
  gtk_widget_class_install_action (widget_class, "viewer.play", NULL, play_action_cb);
  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_Escape, 0, "window.close", NULL);
  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_space, 0, "viewer.play", NULL);
  for (int i = 1; i <= 5; i++)
    gtk_widget_class_add_binding_action (widget_class, GDK_KEY_0 + i, 0, "viewer.rate", "i", i);
}

static void
atl_work_viewer_init (AtlWorkViewer *self)
{
  gtk_widget_init_template (GTK_WIDGET (self));
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
                                       : g_strdup_printf (_("Work #%" G_GINT64_FORMAT), work->id);
  g_autofree char *seed = g_strdup_printf (_("Seed %" G_GUINT64_FORMAT), work->seed);
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
      AtlMsg msg = { { 0 } };
      /* One large render on open (≈ 10 ms at 768²) is cheaper than a thread hand-off. */
      g_autoptr(AtlWorkItem) big = NULL;
      cairo_surface_t *surface = cairo_image_surface_create (CAIRO_FORMAT_ARGB32, 768, 768);
      g_autoptr(GBytes) bytes = NULL;
      g_autoptr(GdkTexture) texture = NULL;

      atl_art_render_into (atl_work_item_get_artwork (item), surface, &msg);
      cairo_surface_flush (surface);
      bytes = g_bytes_new_with_free_func (cairo_image_surface_get_data (surface),
                                          (gsize) cairo_image_surface_get_stride (surface) * 768,
                                          (GDestroyNotify) cairo_surface_destroy, surface);
      texture = gdk_memory_texture_new (768, 768,
#if G_BYTE_ORDER == G_LITTLE_ENDIAN
                                        GDK_MEMORY_B8G8R8A8_PREMULTIPLIED,
#else
                                        GDK_MEMORY_A8R8G8B8_PREMULTIPLIED,
#endif
                                        bytes, (gsize) cairo_image_surface_get_stride (surface));
      gtk_picture_set_paintable (self->picture, GDK_PAINTABLE (texture));
      gtk_stack_set_visible_child_name (self->stack, "art");
      gtk_widget_set_visible (GTK_WIDGET (self->play_button), FALSE);
    }
  else
    {
      atl_piano_roll_set_melody (self->piano_roll, atl_work_item_get_melody (item));
      gtk_stack_set_visible_child_name (self->stack, "music");
      gtk_window_set_default_size (GTK_WINDOW (self), 880, 520);
      g_signal_connect_swapped (player, "notify::position", G_CALLBACK (player_cb), self);
      g_signal_connect_swapped (player, "notify::state", G_CALLBACK (player_cb), self);
    }
  return self;
}
