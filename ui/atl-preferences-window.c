/* atl-preferences-window.c: binds the Preferences rows to the application's settings.
 *
 * The sample rate is stored in hertz but shown as a two-item combo row, so it is bound
 * with a mapping between the row's selected index and the setting; the default timbre is
 * a string choice shown the same way. The export formats are stored as the index their
 * combo rows show, so they bind directly.
 */
#include "atl-preferences-window.h"

#include "atl-config.h"

struct _AtlPreferencesWindow
{
  AdwPreferencesWindow parent_instance;

  GSettings *settings;

  GtkSpinButton *grid_size_spin;
  AdwComboRow *sample_rate_row;
  GtkSwitch *auto_train_switch;
  GtkSpinButton *train_every_spin;
  AdwComboRow *timbre_row;
  AdwComboRow *image_format_row;
  GtkSpinButton *png_size_spin;
  AdwComboRow *audio_format_row;
  AdwEntryRow *pattern_row;
};

G_DEFINE_FINAL_TYPE (AtlPreferencesWindow, atl_preferences_window,
                     ADW_TYPE_PREFERENCES_WINDOW)

enum {
  PROP_0,
  PROP_SETTINGS,
  N_PROPS
};

static GParamSpec *properties[N_PROPS];

/* Index i of the combo row's string list is sample_rates[i]. */
static const int sample_rates[] = { 44100, 48000 };

static gboolean
rate_to_index_cb (GValue   *value,
                  GVariant *variant,
                  gpointer  user_data)
{
  int rate = g_variant_get_int32 (variant);

  g_value_set_uint (value, rate == sample_rates[0] ? 0 : 1);
  return TRUE;
}

static GVariant *
index_to_rate_cb (const GValue       *value,
                  const GVariantType *expected_type,
                  gpointer            user_data)
{
  guint index = g_value_get_uint (value);

  if (index >= G_N_ELEMENTS (sample_rates))
    return NULL;
  return g_variant_new_int32 (sample_rates[index]);
}

/* Index i of the timbre row is timbres[i], as in the schema's choices. */
static const char *const timbres[] = { "pluck", "piano", "flute", "bell" };

static gboolean
timbre_to_index_cb (GValue   *value,
                    GVariant *variant,
                    gpointer  user_data)
{
  const char *name = g_variant_get_string (variant, NULL);

  for (guint i = 0; i < G_N_ELEMENTS (timbres); i++)
    if (g_str_equal (name, timbres[i]))
      {
        g_value_set_uint (value, i);
        return TRUE;
      }
  return FALSE;
}

static GVariant *
index_to_timbre_cb (const GValue       *value,
                    const GVariantType *expected_type,
                    gpointer            user_data)
{
  guint index = g_value_get_uint (value);

  if (index >= G_N_ELEMENTS (timbres))
    return NULL;
  return g_variant_new_string (timbres[index]);
}

static void
atl_preferences_window_constructed (GObject *object)
{
  AtlPreferencesWindow *self = ATL_PREFERENCES_WINDOW (object);

  G_OBJECT_CLASS (atl_preferences_window_parent_class)->constructed (object);

  if (self->settings == NULL)
    self->settings = g_settings_new (APP_ID_BASE);

  g_settings_bind (self->settings, "grid-size", self->grid_size_spin, "value",
                   G_SETTINGS_BIND_DEFAULT);
  g_settings_bind_with_mapping (self->settings, "sample-rate",
                                self->sample_rate_row, "selected",
                                G_SETTINGS_BIND_DEFAULT,
                                rate_to_index_cb, index_to_rate_cb, NULL, NULL);
  g_settings_bind (self->settings, "auto-train", self->auto_train_switch, "active",
                   G_SETTINGS_BIND_DEFAULT);
  g_settings_bind (self->settings, "train-every", self->train_every_spin, "value",
                   G_SETTINGS_BIND_DEFAULT);
  g_object_bind_property (self->auto_train_switch, "active", self->train_every_spin,
                          "sensitive", G_BINDING_SYNC_CREATE);
  g_settings_bind_with_mapping (self->settings, "default-timbre", self->timbre_row, "selected",
                                G_SETTINGS_BIND_DEFAULT,
                                timbre_to_index_cb, index_to_timbre_cb, NULL, NULL);
  g_settings_bind (self->settings, "export-image-format", self->image_format_row, "selected",
                   G_SETTINGS_BIND_DEFAULT);
  g_settings_bind (self->settings, "export-png-size", self->png_size_spin, "value",
                   G_SETTINGS_BIND_DEFAULT);
  g_settings_bind (self->settings, "export-audio-format", self->audio_format_row, "selected",
                   G_SETTINGS_BIND_DEFAULT);
  g_settings_bind (self->settings, "export-pattern", self->pattern_row, "text",
                   G_SETTINGS_BIND_DEFAULT);
}

static void
atl_preferences_window_set_property (GObject      *object,
                                     guint         prop_id,
                                     const GValue *value,
                                     GParamSpec   *pspec)
{
  AtlPreferencesWindow *self = ATL_PREFERENCES_WINDOW (object);

  switch (prop_id)
    {
    case PROP_SETTINGS:
      g_set_object (&self->settings, g_value_get_object (value));
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
atl_preferences_window_get_property (GObject    *object,
                                     guint       prop_id,
                                     GValue     *value,
                                     GParamSpec *pspec)
{
  AtlPreferencesWindow *self = ATL_PREFERENCES_WINDOW (object);

  switch (prop_id)
    {
    case PROP_SETTINGS:
      g_value_set_object (value, self->settings);
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
atl_preferences_window_dispose (GObject *object)
{
  AtlPreferencesWindow *self = ATL_PREFERENCES_WINDOW (object);

  gtk_widget_dispose_template (GTK_WIDGET (self), ATL_TYPE_PREFERENCES_WINDOW);
  g_clear_object (&self->settings);
  G_OBJECT_CLASS (atl_preferences_window_parent_class)->dispose (object);
}

static void
atl_preferences_window_class_init (AtlPreferencesWindowClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->constructed = atl_preferences_window_constructed;
  object_class->dispose = atl_preferences_window_dispose;
  object_class->set_property = atl_preferences_window_set_property;
  object_class->get_property = atl_preferences_window_get_property;

  properties[PROP_SETTINGS] =
    g_param_spec_object ("settings", NULL, NULL, G_TYPE_SETTINGS,
                         G_PARAM_READWRITE | G_PARAM_CONSTRUCT_ONLY |
                         G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);
  g_object_class_install_properties (object_class, N_PROPS, properties);

  gtk_widget_class_set_template_from_resource (widget_class,
                                               RESOURCE_PREFIX "/atl-preferences-window.ui");
  gtk_widget_class_bind_template_child (widget_class, AtlPreferencesWindow, grid_size_spin);
  gtk_widget_class_bind_template_child (widget_class, AtlPreferencesWindow, sample_rate_row);
  gtk_widget_class_bind_template_child (widget_class, AtlPreferencesWindow, auto_train_switch);
  gtk_widget_class_bind_template_child (widget_class, AtlPreferencesWindow, train_every_spin);
  gtk_widget_class_bind_template_child (widget_class, AtlPreferencesWindow, timbre_row);
  gtk_widget_class_bind_template_child (widget_class, AtlPreferencesWindow, image_format_row);
  gtk_widget_class_bind_template_child (widget_class, AtlPreferencesWindow, png_size_spin);
  gtk_widget_class_bind_template_child (widget_class, AtlPreferencesWindow, audio_format_row);
  gtk_widget_class_bind_template_child (widget_class, AtlPreferencesWindow, pattern_row);
}

static void
atl_preferences_window_init (AtlPreferencesWindow *self)
{
  gtk_widget_init_template (GTK_WIDGET (self));
}

AtlPreferencesWindow *
atl_preferences_window_new (GSettings *settings)
{
  return g_object_new (ATL_TYPE_PREFERENCES_WINDOW, "settings", settings, NULL);
}
