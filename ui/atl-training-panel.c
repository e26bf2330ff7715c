/* atl-training-panel.c: wiring AtlTrainer's properties to labels and plots. */
#include "atl-training-panel.h"

#include <glib/gi18n.h>
#include <json-glib/json-glib.h>
#include <math.h>

#include "atl-config.h"
#include "atl-feature-label.h"
#include "atl-plot.h"
#include "atl-trainer.h"

struct _AtlTrainingPanel
{
  GtkWidget parent_instance;

  AtlStore     *store;
  gint64        session_id;
  AtlTrainer   *trainer;        /* while a round runs */
  GCancellable *cancellable;
  int           steps;
  gint64        progress_shown_us;  /* when the bar last moved */
  guint         progress_id;        /* a pending move, see show_progress() */

  GtkLabel       *session_label;
  GtkLabel       *phase_label;
  GtkStack       *action_stack;
  GtkButton      *train_button;
  GtkButton      *cancel_button;
  GtkProgressBar *progress_bar;
  GtkLabel       *picks_label;
  AtlPlot        *reward_plot;
  AtlPlot        *kl_plot;
  AtlPlot        *accuracy_plot;
  AtlPlot        *learned_plot;
};

enum {
  PROP_0,
  PROP_TRAINING,
  N_PROPS
};

enum {
  SIGNAL_VERSION_READY,
  N_SIGNALS
};

static GParamSpec *properties[N_PROPS];
static guint signals[N_SIGNALS];

G_DEFINE_FINAL_TYPE (AtlTrainingPanel, atl_training_panel, GTK_TYPE_WIDGET)

static JsonObject *
parse_object (JsonParser *parser,
              const char *json)
{
  if (json == NULL || !json_parser_load_from_data (parser, json, -1, NULL)
      || !JSON_NODE_HOLDS_OBJECT (json_parser_get_root (parser)))
    return NULL;
  return json_node_get_object (json_parser_get_root (parser));
}

/* "warm hues ↑, symmetry ↓, …" → labels and signed bars, strongest first. The metrics
 * carry ranks and signs only, so bar length shows the rank. */
static void
show_learned (AtlTrainingPanel *self,
              const char       *top)
{
  g_auto(GStrv) parts = top ? g_strsplit (top, ", ", -1) : NULL;
  g_autoptr(GPtrArray) labels = g_ptr_array_new_with_free_func (g_free);
  g_autoptr(GArray) values = g_array_new (FALSE, FALSE, sizeof (double));
  guint n = parts ? g_strv_length (parts) : 0;

  for (guint i = 0; i < n; i++)
    {
      g_autofree char *item = g_strstrip (g_strdup (parts[i]));
      double sign = g_str_has_suffix (item, "↓") ? -1 : 1;
      double value;

      if (g_str_has_suffix (item, "↑") || g_str_has_suffix (item, "↓"))
        item[strlen (item) - strlen ("↑")] = '\0';
      g_strstrip (item);
      if (item[0] == '\0')
        continue;
      value = sign * (double) (n - i) / n;
      g_ptr_array_add (labels, atl_feature_label_dup (item));
      g_array_append_val (values, value);
    }
  atl_plot_set_bars (self->learned_plot, (const char * const *) labels->pdata,
                     (const double *) values->data, values->len);
}

static void
load_history (AtlTrainingPanel *self)
{
  g_autoptr(GPtrArray) versions = NULL;
  g_autoptr(GArray) accuracy = g_array_new (FALSE, FALSE, sizeof (double));
  g_autoptr(AtlSession) session = NULL;
  g_autofree char *top = NULL;

  atl_plot_clear (self->accuracy_plot);
  show_learned (self, NULL);
  if (self->store == NULL || self->session_id == 0)
    return;
  session = atl_store_get_session (self->store, self->session_id, NULL);
  versions = atl_store_list_versions (self->store, self->session_id, NULL);
  gtk_label_set_label (self->session_label, session ? session->name : "");
  for (guint i = 0; versions != NULL && i < versions->len; i++)
    {
      AtlModelVersion *v = g_ptr_array_index (versions, i);
      g_autoptr(JsonParser) parser = json_parser_new ();
      JsonObject *metrics = parse_object (parser, v->metrics_json);

      if (metrics == NULL)
        continue;
      if (json_object_has_member (metrics, "accuracy"))
        {
          double a = json_object_get_double_member (metrics, "accuracy");

          g_array_append_val (accuracy, a);
        }
      if (json_object_has_member (metrics, "top_features")
          && (session == NULL || v->id == session->current_version_id || top == NULL))
        {
          g_free (top);
          top = g_strdup (json_object_get_string_member (metrics, "top_features"));
        }
    }
  atl_plot_set_line (self->accuracy_plot, (const double *) accuracy->data, accuracy->len);
  show_learned (self, top);
  atl_training_panel_refresh (self);
}

void
atl_training_panel_refresh (AtlTrainingPanel *self)
{
  AtlComparisonCounts counts = { 0 };
  g_autofree char *text = NULL;

  g_return_if_fail (ATL_IS_TRAINING_PANEL (self));
  if (self->store == NULL || self->session_id == 0)
    return;
  atl_store_count_comparisons (self->store, self->session_id, &counts, NULL);
  text = g_strdup_printf (ngettext ("%u comparison from your picks so far",
                                    "%u comparisons from your picks so far", counts.active),
                          counts.active);
  gtk_label_set_label (self->picks_label, text);
  gtk_widget_action_set_enabled (GTK_WIDGET (self), "training.train-now",
                                 self->trainer == NULL && counts.active > 0);
}

/* A step of the bar is a relayout of the whole window (GtkProgressBar reallocates its
 * trough, and GTK 4 takes every reallocation up to the toplevel, which under X11 asks the
 * server for the monitor's work area). Steps arrive a few times a second while the grid
 * animates beside them, so the bar moves at most twice a second, to the latest value;
 * the plots, which only redraw, follow every step. */
#define PROGRESS_INTERVAL_US (G_USEC_PER_SEC / 2)

static void
set_progress_now (AtlTrainingPanel *self,
                  double            fraction)
{
  g_clear_handle_id (&self->progress_id, g_source_remove);
  self->progress_shown_us = g_get_monotonic_time ();
  gtk_progress_bar_set_fraction (self->progress_bar, fraction);
}

static gboolean
progress_due_cb (gpointer data)
{
  AtlTrainingPanel *self = data;

  self->progress_id = 0;
  if (self->trainer != NULL)
    set_progress_now (self, atl_trainer_get_progress (self->trainer));
  return G_SOURCE_REMOVE;
}

static void
show_progress (AtlTrainingPanel *self)
{
  gint64 wait = self->progress_shown_us + PROGRESS_INTERVAL_US - g_get_monotonic_time ();

  if (wait <= 0)
    set_progress_now (self, atl_trainer_get_progress (self->trainer));
  else if (self->progress_id == 0)
    self->progress_id = g_timeout_add_full (G_PRIORITY_DEFAULT_IDLE, (guint) (wait / 1000),
                                            progress_due_cb, self, NULL);
}

static const char *
phase_text (AtlTrainerPhase phase)
{
  switch (phase)
    {
    case ATL_TRAINER_PHASE_FITTING:
      return _("Learning your taste from the picks…");
    case ATL_TRAINER_PHASE_TUNING:
      return _("Tuning the generator toward it…");
    case ATL_TRAINER_PHASE_SAVING:
      return _("Saving the new version…");
    case ATL_TRAINER_PHASE_DONE:
      return _("Done");
    case ATL_TRAINER_PHASE_IDLE:
    default:
      return _("Idle");
    }
}

static void
trainer_notify_cb (AtlTrainer       *trainer,
                   GParamSpec       *pspec,
                   AtlTrainingPanel *self)
{
  if (g_str_equal (pspec->name, "phase"))
    gtk_label_set_label (self->phase_label, phase_text (atl_trainer_get_phase (trainer)));
  else if (g_str_equal (pspec->name, "progress"))
    show_progress (self);
  else if (g_str_equal (pspec->name, "step") && atl_trainer_get_step (trainer) > 0)
    {
      atl_plot_append (self->reward_plot, atl_trainer_get_reward_mean (trainer));
      /* KL itself is never negative; the per-step sample mean can be, by noise. */
      atl_plot_append (self->kl_plot, MAX (0.0, atl_trainer_get_kl (trainer)));
    }
}

static void
set_training (AtlTrainingPanel *self,
              AtlTrainer       *trainer)
{
  if (self->trainer != NULL)
    g_signal_handlers_disconnect_by_data (self->trainer, self);
  g_set_object (&self->trainer, trainer);
  gtk_stack_set_visible_child (self->action_stack, trainer == NULL
                                                   ? GTK_WIDGET (self->train_button)
                                                   : GTK_WIDGET (self->cancel_button));
  atl_training_panel_refresh (self);
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_TRAINING]);
}

static void
run_done_cb (GObject      *source,
             GAsyncResult *result,
             gpointer      user_data)
{
  g_autoptr(AtlTrainingPanel) self = user_data;
  g_autoptr(GError) error = NULL;
  AtlTrainer *trainer = ATL_TRAINER (source);
  gint64 version = atl_trainer_run_finish (trainer, result, &error);

  /* The last coalesced update may still be queued behind the task's completion: take the
   * final step from the trainer itself so the plots end where the round ended. */
  if (version != 0 && atl_plot_get_n_values (self->reward_plot) == 0)
    {
      g_autoptr(JsonParser) parser = json_parser_new ();
      JsonObject *metrics = parse_object (parser, atl_trainer_get_metrics (trainer));

      if (metrics != NULL)
        {
          atl_plot_append (self->reward_plot,
                           json_object_get_double_member_with_default (metrics, "reward", 0));
          atl_plot_append (self->kl_plot,
                           MAX (0.0, json_object_get_double_member_with_default (metrics, "kl", 0)));
        }
    }
  set_training (self, NULL);
  if (version == 0)
    {
      gtk_label_set_label (self->phase_label,
                           g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED)
                           ? _("Stopped: no new version was made") : error->message);
      set_progress_now (self, 0);
      return;
    }
  set_progress_now (self, 1);
  gtk_label_set_label (self->phase_label, _("Done: a new version is ready"));
  load_history (self);
  g_signal_emit (self, signals[SIGNAL_VERSION_READY], 0, version);
}

static void
train_now_action_cb (GtkWidget  *widget,
                     const char *action_name,
                     GVariant   *parameter)
{
  AtlTrainingPanel *self = ATL_TRAINING_PANEL (widget);
  g_autoptr(AtlTrainer) trainer = NULL;

  if (self->trainer != NULL || self->store == NULL || self->session_id == 0)
    return;
  trainer = atl_trainer_new (self->store, self->session_id);
  atl_trainer_set_steps (trainer, self->steps);
  atl_trainer_set_threads (trainer, 1);
  /* Frames first: the round may take longer, a stutter is seen at once. */
  atl_trainer_set_background (trainer, TRUE);
  g_signal_connect (trainer, "notify", G_CALLBACK (trainer_notify_cb), self);
  atl_plot_clear (self->reward_plot);
  atl_plot_clear (self->kl_plot);
  set_progress_now (self, 0);
  gtk_label_set_label (self->phase_label, phase_text (ATL_TRAINER_PHASE_FITTING));
  g_clear_object (&self->cancellable);
  self->cancellable = g_cancellable_new ();
  set_training (self, trainer);
  atl_trainer_run_async (trainer, self->cancellable, run_done_cb, g_object_ref (self));
}

static void
cancel_action_cb (GtkWidget  *widget,
                  const char *action_name,
                  GVariant   *parameter)
{
  AtlTrainingPanel *self = ATL_TRAINING_PANEL (widget);

  g_cancellable_cancel (self->cancellable);
}

void
atl_training_panel_set_session (AtlTrainingPanel *self,
                                AtlStore         *store,
                                gint64            session_id)
{
  g_return_if_fail (ATL_IS_TRAINING_PANEL (self));

  g_set_object (&self->store, store);
  if (self->trainer == NULL && self->session_id != session_id)
    {
      atl_plot_clear (self->reward_plot);
      atl_plot_clear (self->kl_plot);
      set_progress_now (self, 0);
      gtk_label_set_label (self->phase_label, phase_text (ATL_TRAINER_PHASE_IDLE));
    }
  self->session_id = session_id;
  load_history (self);
}

gboolean
atl_training_panel_get_training (AtlTrainingPanel *self)
{
  g_return_val_if_fail (ATL_IS_TRAINING_PANEL (self), FALSE);
  return self->trainer != NULL;
}

void
atl_training_panel_set_steps (AtlTrainingPanel *self,
                              int               steps)
{
  g_return_if_fail (ATL_IS_TRAINING_PANEL (self));
  self->steps = MAX (steps, 1);
}

static void
atl_training_panel_get_property (GObject    *object,
                                 guint       prop_id,
                                 GValue     *value,
                                 GParamSpec *pspec)
{
  AtlTrainingPanel *self = ATL_TRAINING_PANEL (object);

  switch (prop_id)
    {
    case PROP_TRAINING:
      g_value_set_boolean (value, self->trainer != NULL);
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
atl_training_panel_dispose (GObject *object)
{
  AtlTrainingPanel *self = ATL_TRAINING_PANEL (object);

  g_cancellable_cancel (self->cancellable);
  g_clear_handle_id (&self->progress_id, g_source_remove);
  if (self->trainer != NULL)
    g_signal_handlers_disconnect_by_data (self->trainer, self);
  g_clear_object (&self->trainer);
  g_clear_object (&self->cancellable);
  g_clear_object (&self->store);
  gtk_widget_dispose_template (GTK_WIDGET (self), ATL_TYPE_TRAINING_PANEL);
  G_OBJECT_CLASS (atl_training_panel_parent_class)->dispose (object);
}

static void
atl_training_panel_class_init (AtlTrainingPanelClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->dispose = atl_training_panel_dispose;
  object_class->get_property = atl_training_panel_get_property;

  properties[PROP_TRAINING] =
    g_param_spec_boolean ("training", NULL, NULL, FALSE,
                          G_PARAM_READABLE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);
  g_object_class_install_properties (object_class, N_PROPS, properties);

  signals[SIGNAL_VERSION_READY] =
    g_signal_new ("version-ready", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST, 0,
                  NULL, NULL, NULL, G_TYPE_NONE, 1, G_TYPE_INT64);

  g_type_ensure (ATL_TYPE_PLOT);
  gtk_widget_class_set_template_from_resource (widget_class,
                                               RESOURCE_PREFIX "/atl-training-panel.ui");
  gtk_widget_class_bind_template_child (widget_class, AtlTrainingPanel, session_label);
  gtk_widget_class_bind_template_child (widget_class, AtlTrainingPanel, phase_label);
  gtk_widget_class_bind_template_child (widget_class, AtlTrainingPanel, action_stack);
  gtk_widget_class_bind_template_child (widget_class, AtlTrainingPanel, train_button);
  gtk_widget_class_bind_template_child (widget_class, AtlTrainingPanel, cancel_button);
  gtk_widget_class_bind_template_child (widget_class, AtlTrainingPanel, progress_bar);
  gtk_widget_class_bind_template_child (widget_class, AtlTrainingPanel, picks_label);
  gtk_widget_class_bind_template_child (widget_class, AtlTrainingPanel, reward_plot);
  gtk_widget_class_bind_template_child (widget_class, AtlTrainingPanel, kl_plot);
  gtk_widget_class_bind_template_child (widget_class, AtlTrainingPanel, accuracy_plot);
  gtk_widget_class_bind_template_child (widget_class, AtlTrainingPanel, learned_plot);

  gtk_widget_class_install_action (widget_class, "training.train-now", NULL, train_now_action_cb);
  gtk_widget_class_install_action (widget_class, "training.cancel", NULL, cancel_action_cb);
  gtk_widget_class_set_layout_manager_type (widget_class, GTK_TYPE_BIN_LAYOUT);
  gtk_widget_class_set_css_name (widget_class, "trainingpanel");
}

static void
atl_training_panel_init (AtlTrainingPanel *self)
{
  gtk_widget_init_template (GTK_WIDGET (self));
  self->steps = 20;
  atl_plot_set_empty_text (self->reward_plot, _("Appears while a round trains"));
  atl_plot_set_empty_text (self->kl_plot, _("Appears while a round trains"));
  atl_plot_set_empty_text (self->accuracy_plot, _("One point per trained version"));
  atl_plot_set_empty_text (self->learned_plot, _("Train once to see what it learned"));
  atl_plot_set_range (self->accuracy_plot, 0.4, 1.0);
  /* KL starts at zero; only its top follows the data. */
  atl_plot_set_range (self->kl_plot, 0.0, NAN);
  atl_plot_set_reference (self->accuracy_plot, 0.5);
}
