/* atl-style-panel.c: combo rows built from the codecs' own vocabularies.
 *
 * Each choice row is a Slot: a JSON key, a title, the labels shown and the values stored
 * (value 0 is "any" for prefix slots). Palettes, families, metres, modes and tune types
 * come from the engine's name tables, so a new palette appears here without UI work.
 */
#include "atl-style-panel.h"

#include <glib/gi18n.h>
#include <json-glib/json-glib.h>

#include "atl-art-codec.h"
#include "atl-config.h"
#include "atl-music-codec.h"
#include "atl-palettes.h"

typedef enum
{
  SLOT_PREFIX,      /* a codec prefix choice: key=value in the style */
  SLOT_BACKGROUND,  /* light/dark ground, resolved against the chosen palette */
  SLOT_KEY,         /* render time: the tonic */
  SLOT_TIMBRE,      /* render time: the instrument */
} SlotKind;

typedef struct
{
  const char  *key;      /* JSON member and style key */
  SlotKind     kind;
  GPtrArray   *labels;   /* char * */
  GPtrArray   *values;   /* char * */
  AdwComboRow *row;
} Slot;

struct _AtlStylePanel
{
  GtkWidget parent_instance;

  AtlDomain  domain;
  GPtrArray *slots;      /* Slot * */
  gboolean   loading;    /* set_sliders_json in progress: no `changed` */
  char      *default_timbre;  /* for sessions that never chose one (Preferences) */

  GtkWidget            *scroller;
  AdwPreferencesGroup  *choices_group;
  AdwPreferencesGroup  *sound_group;
  GtkSpinButton        *tempo_spin;
  GtkScale             *variation_scale;
  GtkScale             *exploration_scale;
};

enum {
  SIGNAL_CHANGED,
  N_SIGNALS
};

static guint signals[N_SIGNALS];

G_DEFINE_FINAL_TYPE (AtlStylePanel, atl_style_panel, GTK_TYPE_WIDGET)

static void
slot_free (Slot *slot)
{
  g_ptr_array_unref (slot->labels);
  g_ptr_array_unref (slot->values);
  g_free (slot);
}

static Slot *
slot_new (const char *key,
          SlotKind    kind)
{
  Slot *slot = g_new0 (Slot, 1);

  slot->key = key;
  slot->kind = kind;
  slot->labels = g_ptr_array_new_with_free_func (g_free);
  slot->values = g_ptr_array_new_with_free_func (g_free);
  if (kind == SLOT_PREFIX || kind == SLOT_BACKGROUND)
    {
      g_ptr_array_add (slot->labels, g_strdup (C_("style choice", "Any")));
      g_ptr_array_add (slot->values, g_strdup ("any"));
    }
  return slot;
}

static void
slot_add (Slot       *slot,
          const char *label,
          const char *value)
{
  g_ptr_array_add (slot->labels, g_strdup (label));
  g_ptr_array_add (slot->values, g_strdup (value));
}

/* "hard-edge" → "Hard edge". */
static char *
pretty_name (const char *name)
{
  char *out = g_strdelimit (g_strdup (name), "-_", ' ');

  out[0] = g_ascii_toupper (out[0]);
  return out;
}

static void
changed_cb (AtlStylePanel *self)
{
  if (!self->loading)
    g_signal_emit (self, signals[SIGNAL_CHANGED], 0);
}

/* Render-time choices sit with the tempo under "Sound". */
static AdwPreferencesGroup *
group_of (AtlStylePanel *self,
          Slot          *slot)
{
  return slot->kind == SLOT_KEY || slot->kind == SLOT_TIMBRE ? self->sound_group
                                                             : self->choices_group;
}

static void
add_row (AtlStylePanel *self,
         Slot          *slot,
         const char    *title,
         const char    *subtitle)
{
  g_autoptr(GtkStringList) model = gtk_string_list_new (NULL);

  for (guint i = 0; i < slot->labels->len; i++)
    gtk_string_list_append (model, g_ptr_array_index (slot->labels, i));
  slot->row = ADW_COMBO_ROW (adw_combo_row_new ());
  adw_preferences_row_set_title (ADW_PREFERENCES_ROW (slot->row), title);
  adw_preferences_row_set_use_underline (ADW_PREFERENCES_ROW (slot->row), TRUE);
  if (subtitle != NULL)
    adw_action_row_set_subtitle (ADW_ACTION_ROW (slot->row), subtitle);
  adw_combo_row_set_model (slot->row, G_LIST_MODEL (model));
  g_signal_connect_swapped (slot->row, "notify::selected", G_CALLBACK (changed_cb), self);
  adw_preferences_group_add (group_of (self, slot), GTK_WIDGET (slot->row));
  g_ptr_array_add (self->slots, slot);
}

static void
build_art_rows (AtlStylePanel *self)
{
  static const char *complexity[ATL_ART_N_COMPLEXITY] = {
    N_("Minimal"), N_("Sparse"), N_("Moderate"), N_("Rich"), N_("Busy"), N_("Dense"),
  };
  Slot *slot;

  slot = slot_new ("palette", SLOT_PREFIX);
  for (int p = 0; p < ATL_N_PALETTES; p++)
    slot_add (slot, ATL_PALETTES[p].name, ATL_PALETTES[p].id);
  add_row (self, slot, _("_Palette"), NULL);

  slot = slot_new ("background", SLOT_BACKGROUND);
  slot_add (slot, _("Light"), "light");
  slot_add (slot, _("Dark"), "dark");
  add_row (self, slot, _("_Background"), _("Needs a palette"));

  slot = slot_new ("complexity", SLOT_PREFIX);
  for (int c = 0; c < ATL_ART_N_COMPLEXITY; c++)
    {
      char value[4];

      g_snprintf (value, sizeof value, "%d", c);
      slot_add (slot, _(complexity[c]), value);
    }
  add_row (self, slot, _("_Complexity"), NULL);

  slot = slot_new ("family", SLOT_PREFIX);
  for (int f = 0; f < ATL_ART_N_FAMILIES; f++)
    {
      g_autofree char *label = pretty_name (atl_art_family_name (f));

      slot_add (slot, label, atl_art_family_name (f));
    }
  add_row (self, slot, _("_Family"), _("From geometric to organic"));
}

static void
build_music_rows (AtlStylePanel *self)
{
  static const char *keys[12] = {
    "C", "C♯", "D", "E♭", "E", "F", "F♯", "G", "A♭", "A", "B♭", "B",
  };
  static const char *density[ATL_MUSIC_N_DENSITY] = {
    N_("Sparse"), N_("Moderate"), N_("Busy"), N_("Very busy"),
  };
  static const char *registers[ATL_MUSIC_N_REGISTER] = { N_("Low"), N_("Middle"), N_("High") };
  Slot *slot;

  slot = slot_new ("key", SLOT_KEY);
  for (int k = 0; k < 12; k++)
    {
      char value[4];

      g_snprintf (value, sizeof value, "%d", k);
      slot_add (slot, keys[k], value);
    }
  add_row (self, slot, _("_Key"), NULL);

  slot = slot_new ("mode", SLOT_PREFIX);
  for (int m = 0; m < ATL_N_MODES; m++)
    {
      g_autofree char *label = pretty_name (atl_mode_name (m));

      slot_add (slot, label, atl_mode_name (m));
    }
  add_row (self, slot, _("_Mode"), NULL);

  slot = slot_new ("metre", SLOT_PREFIX);
  for (int m = 0; m < ATL_N_METRES; m++)
    slot_add (slot, atl_metre_name (m), atl_metre_name (m));
  add_row (self, slot, _("M_etre"), NULL);

  slot = slot_new ("density", SLOT_PREFIX);
  for (int d = 0; d < ATL_MUSIC_N_DENSITY; d++)
    {
      char value[4];

      g_snprintf (value, sizeof value, "%d", d);
      slot_add (slot, _(density[d]), value);
    }
  add_row (self, slot, _("_Density"), _("Notes per bar"));

  slot = slot_new ("register", SLOT_PREFIX);
  for (int r = 0; r < ATL_MUSIC_N_REGISTER; r++)
    {
      char value[4];

      g_snprintf (value, sizeof value, "%d", r);
      slot_add (slot, _(registers[r]), value);
    }
  add_row (self, slot, _("_Register"), NULL);

  slot = slot_new ("type", SLOT_PREFIX);
  for (int t = 0; t < ATL_N_TUNE_TYPES; t++)
    {
      g_autofree char *label = pretty_name (atl_tune_type_name (t));

      slot_add (slot, label, atl_tune_type_name (t));
    }
  add_row (self, slot, _("T_une Type"), NULL);

  slot = slot_new ("timbre", SLOT_TIMBRE);
  for (int t = 0; t < ATL_N_TIMBRES; t++)
    {
      g_autofree char *label = pretty_name (atl_timbre_name (t));

      slot_add (slot, label, atl_timbre_name (t));
    }
  add_row (self, slot, _("_Instrument"), NULL);
}

static void
rebuild (AtlStylePanel *self)
{
  for (guint i = 0; i < self->slots->len; i++)
    {
      Slot *slot = g_ptr_array_index (self->slots, i);

      adw_preferences_group_remove (group_of (self, slot), GTK_WIDGET (slot->row));
    }
  g_ptr_array_set_size (self->slots, 0);
  if (self->domain == ATL_DOMAIN_ART)
    build_art_rows (self);
  else
    build_music_rows (self);
  gtk_widget_set_visible (GTK_WIDGET (self->sound_group), self->domain == ATL_DOMAIN_MUSIC);
}

static const char *
slot_value (Slot *slot)
{
  guint selected = adw_combo_row_get_selected (slot->row);

  if (selected >= slot->values->len)
    selected = 0;
  return g_ptr_array_index (slot->values, selected);
}

static Slot *
find_slot (AtlStylePanel *self,
           const char    *key)
{
  for (guint i = 0; i < self->slots->len; i++)
    {
      Slot *slot = g_ptr_array_index (self->slots, i);

      if (g_str_equal (slot->key, key))
        return slot;
    }
  return NULL;
}

void
atl_style_panel_set_sliders_json (AtlStylePanel *self,
                                  const char    *json)
{
  g_autoptr(JsonParser) parser = json_parser_new ();
  JsonObject *object = NULL;

  g_return_if_fail (ATL_IS_STYLE_PANEL (self));

  if (json != NULL && json_parser_load_from_data (parser, json, -1, NULL)
      && JSON_NODE_HOLDS_OBJECT (json_parser_get_root (parser)))
    object = json_node_get_object (json_parser_get_root (parser));

  self->loading = TRUE;
  for (guint i = 0; i < self->slots->len; i++)
    {
      Slot *slot = g_ptr_array_index (self->slots, i);
      const char *want = NULL;
      guint selected = 0;

      if (object != NULL && json_object_has_member (object, slot->key)
          && JSON_NODE_HOLDS_VALUE (json_object_get_member (object, slot->key))
          && json_node_get_value_type (json_object_get_member (object, slot->key)) == G_TYPE_STRING)
        want = json_object_get_string_member (object, slot->key);
      if (want == NULL && g_str_equal (slot->key, "timbre"))
        want = self->default_timbre;
      for (guint v = 0; want != NULL && v < slot->values->len; v++)
        if (g_str_equal (g_ptr_array_index (slot->values, v), want))
          selected = v;
      adw_combo_row_set_selected (slot->row, selected);
    }
  gtk_spin_button_set_value (self->tempo_spin,
                             object ? json_object_get_double_member_with_default (object, "tempo", 110) : 110);
  gtk_range_set_value (GTK_RANGE (self->variation_scale),
                       object ? json_object_get_double_member_with_default (object, "temperature", 1.0) : 1.0);
  self->loading = FALSE;
}

char *
atl_style_panel_dup_sliders_json (AtlStylePanel *self)
{
  g_autoptr(JsonBuilder) builder = json_builder_new ();
  g_autoptr(JsonNode) root = NULL;

  g_return_val_if_fail (ATL_IS_STYLE_PANEL (self), NULL);

  json_builder_begin_object (builder);
  for (guint i = 0; i < self->slots->len; i++)
    {
      Slot *slot = g_ptr_array_index (self->slots, i);

      json_builder_set_member_name (builder, slot->key);
      json_builder_add_string_value (builder, slot_value (slot));
    }
  if (self->domain == ATL_DOMAIN_MUSIC)
    {
      json_builder_set_member_name (builder, "tempo");
      json_builder_add_double_value (builder, gtk_spin_button_get_value (self->tempo_spin));
    }
  json_builder_set_member_name (builder, "temperature");
  json_builder_add_double_value (builder, atl_style_panel_get_temperature (self));
  json_builder_end_object (builder);
  root = json_builder_get_root (builder);
  return json_to_string (root, FALSE);
}

GStrv
atl_style_panel_dup_style (AtlStylePanel *self)
{
  g_autoptr(GStrvBuilder) builder = g_strv_builder_new ();
  int palette = -1;

  g_return_val_if_fail (ATL_IS_STYLE_PANEL (self), NULL);

  for (guint i = 0; i < self->slots->len; i++)
    {
      Slot *slot = g_ptr_array_index (self->slots, i);
      const char *value = slot_value (slot);

      if (slot->kind != SLOT_PREFIX || g_str_equal (value, "any"))
        continue;
      if (g_str_equal (slot->key, "palette"))
        palette = (int) adw_combo_row_get_selected (slot->row) - 1;
      {
        g_autofree char *kv = g_strdup_printf ("%s=%s", slot->key, value);

        g_strv_builder_add (builder, kv);
      }
    }

  /* A light or dark ground is the palette's lightest or darkest colour, one step
   * lighter or darker: it only means something once the palette is chosen. */
  {
    Slot *bg = find_slot (self, "background");

    if (bg != NULL && palette >= 0 && !g_str_equal (slot_value (bg), "any"))
      {
        gboolean light = g_str_equal (slot_value (bg), "light");
        int slot = light ? atl_palette_lightest (palette) : atl_palette_darkest (palette);

        g_autofree char *kv = g_strdup_printf ("background=%d/%+d", slot, light ? 1 : -1);

        g_strv_builder_add (builder, kv);
      }
  }
  return g_strv_builder_end (builder);
}

float
atl_style_panel_get_temperature (AtlStylePanel *self)
{
  g_return_val_if_fail (ATL_IS_STYLE_PANEL (self), 1.0f);
  return (float) gtk_range_get_value (GTK_RANGE (self->variation_scale));
}

double
atl_style_panel_get_exploration (AtlStylePanel *self)
{
  g_return_val_if_fail (ATL_IS_STYLE_PANEL (self), 0.25);
  return gtk_range_get_value (GTK_RANGE (self->exploration_scale));
}

void
atl_style_panel_set_exploration (AtlStylePanel *self,
                                 double         exploration)
{
  g_return_if_fail (ATL_IS_STYLE_PANEL (self));
  self->loading = TRUE;
  gtk_range_set_value (GTK_RANGE (self->exploration_scale), exploration);
  self->loading = FALSE;
}

void
atl_style_panel_apply_synth (AtlStylePanel  *self,
                             AtlSynthParams *params)
{
  Slot *key, *timbre;

  g_return_if_fail (ATL_IS_STYLE_PANEL (self));

  key = find_slot (self, "key");
  timbre = find_slot (self, "timbre");
  if (key != NULL)
    params->tonic = 60 + (int) adw_combo_row_get_selected (key->row);
  if (timbre != NULL)
    params->timbre = (AtlTimbre) adw_combo_row_get_selected (timbre->row);
  params->tempo = gtk_spin_button_get_value (self->tempo_spin);
}

AtlDomain
atl_style_panel_get_domain (AtlStylePanel *self)
{
  return self->domain;
}

void
atl_style_panel_set_domain (AtlStylePanel *self,
                            AtlDomain      domain)
{
  g_return_if_fail (ATL_IS_STYLE_PANEL (self));
  if (self->domain == domain && self->slots->len > 0)
    return;
  self->domain = domain;
  rebuild (self);
}

static void
atl_style_panel_dispose (GObject *object)
{
  AtlStylePanel *self = ATL_STYLE_PANEL (object);

  gtk_widget_dispose_template (GTK_WIDGET (self), ATL_TYPE_STYLE_PANEL);
  G_OBJECT_CLASS (atl_style_panel_parent_class)->dispose (object);
}

void
atl_style_panel_set_default_timbre (AtlStylePanel *self,
                                    const char    *timbre)
{
  g_return_if_fail (ATL_IS_STYLE_PANEL (self));
  g_free (self->default_timbre);
  self->default_timbre = g_strdup (timbre);
}

static void
atl_style_panel_finalize (GObject *object)
{
  AtlStylePanel *self = ATL_STYLE_PANEL (object);

  g_clear_pointer (&self->slots, g_ptr_array_unref);
  g_clear_pointer (&self->default_timbre, g_free);
  G_OBJECT_CLASS (atl_style_panel_parent_class)->finalize (object);
}

static void
atl_style_panel_class_init (AtlStylePanelClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->dispose = atl_style_panel_dispose;
  object_class->finalize = atl_style_panel_finalize;

  signals[SIGNAL_CHANGED] =
    g_signal_new ("changed", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST, 0,
                  NULL, NULL, NULL, G_TYPE_NONE, 0);

  gtk_widget_class_set_template_from_resource (widget_class,
                                               RESOURCE_PREFIX "/atl-style-panel.ui");
  gtk_widget_class_bind_template_child (widget_class, AtlStylePanel, scroller);
  gtk_widget_class_bind_template_child (widget_class, AtlStylePanel, choices_group);
  gtk_widget_class_bind_template_child (widget_class, AtlStylePanel, sound_group);
  gtk_widget_class_bind_template_child (widget_class, AtlStylePanel, tempo_spin);
  gtk_widget_class_bind_template_child (widget_class, AtlStylePanel, variation_scale);
  gtk_widget_class_bind_template_child (widget_class, AtlStylePanel, exploration_scale);
  gtk_widget_class_set_layout_manager_type (widget_class, GTK_TYPE_BIN_LAYOUT);
  gtk_widget_class_set_css_name (widget_class, "stylepanel");
}

static void
atl_style_panel_init (AtlStylePanel *self)
{
  self->slots = g_ptr_array_new_with_free_func ((GDestroyNotify) slot_free);
  gtk_widget_init_template (GTK_WIDGET (self));
  g_signal_connect_swapped (self->tempo_spin, "value-changed", G_CALLBACK (changed_cb), self);
  g_signal_connect_swapped (self->variation_scale, "value-changed", G_CALLBACK (changed_cb), self);
  g_signal_connect_swapped (self->exploration_scale, "value-changed", G_CALLBACK (changed_cb),
                            self);
  rebuild (self);
}
