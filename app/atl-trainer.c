/* atl-trainer.c: AtlTrainer — one learning round on a GTask thread, its progress
 * coalesced onto the caller's main context.
 */
#include "atl-trainer.h"

#include <errno.h>
#include <glib/gstdio.h>
#include <json-glib/json-glib.h>
#include <math.h>
#ifdef __linux__
#include <sys/resource.h>
#include <sys/syscall.h>
#include <unistd.h>
#endif

#include "atl-base-models.h"
#include "atl-engine-autoptr.h"
#include "atl-error.h"
#include "atl-model.h"
#include "atl-model-folder.h"
#include "atl-nn.h"
#include "atl-preference-set.h"

typedef struct
{
  double          progress;
  AtlTrainerPhase phase;
  int             step;
  double          reward_mean;
  double          kl;
  double          accuracy;
} Snapshot;

struct _AtlTrainer
{
  GObject           parent_instance;

  char             *store_dir;
  gint64            session_id;
  int               steps;
  AtlLearnerMethod  method;
  int               threads;
  gboolean          background;

  Snapshot          shown;      /* main thread: what the properties say */
  char             *metrics;    /* main thread */

  GMutex            lock;       /* guards pending and idle_pending */
  Snapshot          pending;
  gboolean          idle_pending;
  GMainContext     *context;    /* where notifications go */
  gboolean          running;
};

G_DEFINE_FINAL_TYPE (AtlTrainer, atl_trainer, G_TYPE_OBJECT)

enum
{
  PROP_0,
  PROP_PROGRESS,
  PROP_PHASE,
  PROP_STEP,
  PROP_REWARD_MEAN,
  PROP_KL,
  PROP_ACCURACY,
  N_PROPS
};

static GParamSpec *properties[N_PROPS];

const char *
atl_trainer_phase_to_string (AtlTrainerPhase phase)
{
  static const char *const names[] = { "idle", "fitting", "tuning", "saving", "done" };

  return phase <= ATL_TRAINER_PHASE_DONE ? names[phase] : "unknown";
}

static void
atl_trainer_finalize (GObject *object)
{
  AtlTrainer *self = ATL_TRAINER (object);

  g_free (self->store_dir);
  g_free (self->metrics);
  g_clear_pointer (&self->context, g_main_context_unref);
  g_mutex_clear (&self->lock);
  G_OBJECT_CLASS (atl_trainer_parent_class)->finalize (object);
}

static void
atl_trainer_get_property (GObject    *object,
                          guint       prop_id,
                          GValue     *value,
                          GParamSpec *pspec)
{
  AtlTrainer *self = ATL_TRAINER (object);

  switch (prop_id)
    {
    case PROP_PROGRESS:
      g_value_set_double (value, self->shown.progress);
      break;
    case PROP_PHASE:
      g_value_set_string (value, atl_trainer_phase_to_string (self->shown.phase));
      break;
    case PROP_STEP:
      g_value_set_int (value, self->shown.step);
      break;
    case PROP_REWARD_MEAN:
      g_value_set_double (value, self->shown.reward_mean);
      break;
    case PROP_KL:
      g_value_set_double (value, self->shown.kl);
      break;
    case PROP_ACCURACY:
      g_value_set_double (value, self->shown.accuracy);
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
atl_trainer_class_init (AtlTrainerClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GParamFlags flags = G_PARAM_READABLE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS;

  object_class->finalize = atl_trainer_finalize;
  object_class->get_property = atl_trainer_get_property;

  properties[PROP_PROGRESS] = g_param_spec_double ("progress", NULL, NULL, 0, 1, 0, flags);
  properties[PROP_PHASE] = g_param_spec_string ("phase", NULL, NULL, "idle", flags);
  properties[PROP_STEP] = g_param_spec_int ("step", NULL, NULL, 0, G_MAXINT, 0, flags);
  properties[PROP_REWARD_MEAN] = g_param_spec_double ("reward-mean", NULL, NULL,
                                                      -G_MAXDOUBLE, G_MAXDOUBLE, 0, flags);
  properties[PROP_KL] = g_param_spec_double ("kl", NULL, NULL, -G_MAXDOUBLE, G_MAXDOUBLE, 0,
                                             flags);
  properties[PROP_ACCURACY] = g_param_spec_double ("accuracy", NULL, NULL, -1, 1, -1, flags);
  g_object_class_install_properties (object_class, N_PROPS, properties);
}

static void
atl_trainer_init (AtlTrainer *self)
{
  g_mutex_init (&self->lock);
  self->steps = 20;
  self->threads = 1;
  self->method = ATL_LEARNER_RLOO;
  self->shown.accuracy = self->pending.accuracy = -1.0;
}

AtlTrainer *
atl_trainer_new (AtlStore *store,
                 gint64    session_id)
{
  AtlTrainer *self = g_object_new (ATL_TYPE_TRAINER, NULL);

  self->store_dir = g_path_get_dirname (atl_store_get_path (store));
  self->session_id = session_id;
  return self;
}

void
atl_trainer_set_steps (AtlTrainer *self,
                       int         steps)
{
  self->steps = MAX (steps, 0);
}

void
atl_trainer_set_method (AtlTrainer       *self,
                        AtlLearnerMethod  method)
{
  self->method = method;
}

void
atl_trainer_set_threads (AtlTrainer *self,
                         int         threads)
{
  self->threads = CLAMP (threads, 1, 64);
}

void
atl_trainer_set_background (AtlTrainer *self,
                            gboolean    background)
{
  self->background = background;
}

/* Main context: shows the latest snapshot and notifies what changed. */
static gboolean
publish_cb (gpointer data)
{
  AtlTrainer *self = data;
  Snapshot old = self->shown, now;

  g_mutex_lock (&self->lock);
  now = self->pending;
  self->idle_pending = FALSE;
  g_mutex_unlock (&self->lock);

  self->shown = now;
  g_object_freeze_notify (G_OBJECT (self));
  if (now.progress != old.progress)
    g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_PROGRESS]);
  if (now.phase != old.phase)
    g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_PHASE]);
  if (now.step != old.step)
    g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_STEP]);
  if (now.reward_mean != old.reward_mean)
    g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_REWARD_MEAN]);
  if (now.kl != old.kl)
    g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_KL]);
  if (now.accuracy != old.accuracy)
    g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_ACCURACY]);
  g_object_thaw_notify (G_OBJECT (self));
  return G_SOURCE_REMOVE;
}

/* Worker: records the snapshot; schedules an idle only if none is waiting. */
static void
publish (AtlTrainer     *self,
         const Snapshot *snap)
{
  gboolean schedule;

  g_mutex_lock (&self->lock);
  self->pending = *snap;
  schedule = !self->idle_pending;
  self->idle_pending = TRUE;
  g_mutex_unlock (&self->lock);
  if (schedule)
    {
      GSource *source = g_idle_source_new ();

      g_source_set_priority (source, G_PRIORITY_DEFAULT_IDLE);
      g_source_set_callback (source, publish_cb, g_object_ref (self), g_object_unref);
      g_source_set_static_name (source, "[atelier] trainer progress");
      g_source_attach (source, self->context);
      g_source_unref (source);
    }
}

typedef struct
{
  AtlTrainer *self;
  Snapshot    snap;
} StepData;

static void
step_cb (const AtlTunerStepReport *rep,
         int                       total,
         gpointer                  user_data)
{
  StepData *data = user_data;

  data->snap.step = rep->step;
  data->snap.reward_mean = rep->reward_mean;
  data->snap.kl = rep->kl;
  /* Fitting is the first tenth of a round, tuning the next eight, saving the last. */
  data->snap.progress = 0.1 + 0.8 * rep->step / MAX (total, 1);
  publish (data->self, &data->snap);
}

static char *
metrics_json (const AtlLearnerFitReport  *fit,
              const AtlLearnerTuneReport *tune,
              float                       beta,
              AtlLearnerMethod            method)
{
  g_autoptr(JsonBuilder) b = json_builder_new ();
  g_autoptr(JsonNode) root = NULL;

  json_builder_begin_object (b);
#define NUM(key, v) \
  G_STMT_START { json_builder_set_member_name (b, key); \
                 json_builder_add_double_value (b, isfinite (v) ? (v) : 0.0); } G_STMT_END
  json_builder_set_member_name (b, "method");
  json_builder_add_string_value (b, method == ATL_LEARNER_DPO ? "dpo" : "rloo");
  NUM ("reward", tune->last.reward_mean);
  NUM ("reward_first", tune->reward_first);
  NUM ("kl", tune->last.kl);
  NUM ("beta", beta);
  if (isfinite (fit->accuracy))   /* missing: not measurable yet, never a fake 0 */
    NUM ("accuracy", fit->accuracy);
  NUM ("diversity", tune->last.diversity);
  NUM ("entropy", tune->last.entropy);
  json_builder_set_member_name (b, "steps");
  json_builder_add_int_value (b, tune->steps);
  json_builder_set_member_name (b, "pairs");
  json_builder_add_int_value (b, fit->n_pairs);
  json_builder_set_member_name (b, "stopped");
  json_builder_add_string_value (b, tune->stopped == 1 ? "kl-budget"
                                    : tune->stopped == 2 ? "diversity" : "");
  json_builder_set_member_name (b, "top_features");
  json_builder_add_string_value (b, fit->top);
#undef NUM
  json_builder_end_object (b);
  root = json_builder_get_root (b);
  return json_to_string (root, FALSE);
}

/* β as the previous round left it, from the parent's metrics. */
static float
parent_beta (const AtlModelVersion *version,
             float                  fallback)
{
  g_autoptr(JsonParser) parser = json_parser_new ();
  JsonObject *obj;

  if (version->metrics_json == NULL
      || !json_parser_load_from_data (parser, version->metrics_json, -1, NULL)
      || !JSON_NODE_HOLDS_OBJECT (json_parser_get_root (parser)))
    return fallback;
  obj = json_node_get_object (json_parser_get_root (parser));
  if (!json_object_has_member (obj, "beta"))
    return fallback;
  return (float) json_object_get_double_member (obj, "beta");
}

typedef struct
{
  gint64 version_id;
  char  *metrics;
} RunResult;

static void
run_result_free (gpointer p)
{
  RunResult *r = p;

  g_free (r->metrics);
  g_free (r);
}

static void
run_worker (GTask        *task,
            gpointer      source_object,
            gpointer      task_data,
            GCancellable *cancellable)
{
  AtlTrainer *self = source_object;
  g_autoptr(GError) error = NULL;
  g_autoptr(AtlStore) store = NULL;
  g_autoptr(AtlSession) session = NULL;
  g_autoptr(GPtrArray) prefs = NULL, versions = NULL;
  g_autoptr(AtlModelVersion) current = NULL;
  g_autoptr(AtlPolicy) base = NULL, policy = NULL;
  g_autoptr(AtlLearner) learner = NULL;
  g_autoptr(AtlTokenSet) works = atl_token_set_new ();
  g_autoptr(GArray) pairs = g_array_new (FALSE, FALSE, sizeof (AtlRewardPair));
  g_autofree char *dir = NULL, *path = NULL, *sha = NULL, *metrics = NULL;
  g_autoptr(GHashTable) provenance = NULL;
  g_autoptr(AtlModelFolder) folder = NULL;
  const AtlCodec *codec;
  AtlLearnerConfig config;
  AtlLearnerFitReport fit;
  AtlLearnerTuneReport tune;
  StepData data = { self, { 0 } };
  RunResult *result;
  guint next = 0;
  gint64 version_id;

  atl_nn_set_threads (self->threads);
  data.snap.accuracy = -1.0;
  data.snap.phase = ATL_TRAINER_PHASE_FITTING;
  publish (self, &data.snap);

  store = atl_store_open (self->store_dir, &error);
  if (store != NULL)
    session = atl_store_get_session (store, self->session_id, &error);
  if (session != NULL)
    prefs = atl_store_list_preferences (store, self->session_id, &error);
  if (prefs != NULL)
    versions = atl_store_list_versions (store, self->session_id, &error);
  if (versions == NULL)
    goto fail;
  codec = atl_domain_get_codec (session->domain);
  atl_preference_set_collect (prefs, works, pairs);
  for (guint i = 0; i < versions->len; i++)
    next = MAX (next, ((AtlModelVersion *) versions->pdata[i])->number + 1);

  /* The session's base (v0) is the KL anchor; training starts from the current version. */
  base = atl_version_load_policy (versions->pdata[0], session->domain, &error);
  if (base != NULL)
    policy = atl_session_load_policy (store, session, &current, NULL, &error);
  if (policy == NULL)
    goto fail;

  atl_learner_config_init (&config, codec);
  config.steps = self->steps;
  config.method = self->method;
  learner = atl_learner_new (codec, base, &config, (guint64) g_get_real_time (), &error);
  if (learner == NULL
      || !atl_learner_fit (learner, works, (AtlRewardPair *) pairs->data, (int) pairs->len,
                           &fit, &error))
    goto fail;
  atl_learner_set_beta (learner, parent_beta (current, config.tuner.beta));
  data.snap.accuracy = isfinite (fit.accuracy) ? fit.accuracy : -1.0;
  data.snap.phase = ATL_TRAINER_PHASE_TUNING;
  data.snap.progress = 0.1;
  publish (self, &data.snap);

  if (!atl_learner_tune (learner, policy, step_cb, &data, cancellable, &tune, &error)
      || g_cancellable_set_error_if_cancelled (cancellable, &error))
    goto fail;

  data.snap.phase = ATL_TRAINER_PHASE_SAVING;
  data.snap.progress = 0.9;
  publish (self, &data.snap);
  metrics = metrics_json (&fit, &tune, atl_learner_get_beta (learner), self->method);
  {
    g_autofree char *sid = g_strdup_printf ("%" G_GINT64_FORMAT, self->session_id);

    dir = g_build_filename (self->store_dir, "models", sid, NULL);
  }
  path = g_strdup_printf ("%s/v%u.safetensors", dir, next);
  /* Held until the version is recorded: no other trainer writes here meanwhile, so the
   * temps the lock sweeps away are those of killed writers. */
  folder = atl_model_folder_lock (dir, NULL, &error);
  if (folder == NULL)
    goto fail;
  provenance = g_hash_table_new (g_str_hash, g_str_equal);
  g_hash_table_insert (provenance, "atelier.tuning", metrics);
  if (!atl_model_save (policy, codec, provenance, path, &sha, &error))
    goto fail;
  version_id = atl_store_add_version (store, self->session_id, current->id, path, sha,
                                      metrics, TRUE, &error);
  if (version_id == 0)
    {
      /* No record, no file: a version exists whole or not at all. */
      g_unlink (path);
      goto fail;
    }

  data.snap.phase = ATL_TRAINER_PHASE_DONE;
  data.snap.progress = 1.0;
  publish (self, &data.snap);
  result = g_new0 (RunResult, 1);
  result->version_id = version_id;
  result->metrics = g_steal_pointer (&metrics);
  g_task_return_pointer (task, result, run_result_free);
  return;

fail:
  data.snap.phase = ATL_TRAINER_PHASE_IDLE;
  publish (self, &data.snap);
  g_task_return_error (task, g_steal_pointer (&error));
}

/* The thread of a background round. It is the round's own, not one of GTask's pool: an
 * unprivileged process cannot raise a thread's priority back, so a pooled thread would
 * keep the lowered one and slow whatever task it ran next (a grid draw, say). */
static gpointer
background_worker (gpointer data)
{
  g_autoptr(GTask) task = data;

#ifdef __linux__
  /* Linux schedules each thread on its own: PRIO_PROCESS with a thread id renices only
   * this one. The studio runs on two cores; at equal priority the round takes one whole
   * and competes for the other with the main thread and the display server, and a frame
   * waits out the round's time slice. At nice 10 (a tenth of the weight) it gets the time
   * they leave. Failing only leaves the round at normal priority. */
  if (setpriority (PRIO_PROCESS, (id_t) syscall (SYS_gettid), 10) != 0)
    g_debug ("trainer: could not lower the round's priority: %s", g_strerror (errno));
#endif
  run_worker (task, g_task_get_source_object (task), g_task_get_task_data (task),
              g_task_get_cancellable (task));
  return NULL;
}

void
atl_trainer_run_async (AtlTrainer          *self,
                       GCancellable        *cancellable,
                       GAsyncReadyCallback  callback,
                       gpointer             user_data)
{
  g_autoptr(GTask) task = g_task_new (self, cancellable, callback, user_data);

  g_task_set_source_tag (task, atl_trainer_run_async);
  g_task_set_name (task, "[atelier] training round");
  if (self->running)
    {
      g_task_return_new_error (task, G_IO_ERROR, G_IO_ERROR_PENDING,
                               "A training round is already running");
      return;
    }
  self->running = TRUE;
  g_clear_pointer (&self->context, g_main_context_unref);
  self->context = g_main_context_ref_thread_default ();
  g_task_set_return_on_cancel (task, FALSE);
  if (self->background)
    g_thread_unref (g_thread_new ("atl-trainer", background_worker, g_object_ref (task)));
  else
    g_task_run_in_thread (task, run_worker);
}

gint64
atl_trainer_run_finish (AtlTrainer    *self,
                        GAsyncResult  *result,
                        GError       **error)
{
  RunResult *r;
  gint64 id;

  g_return_val_if_fail (g_task_is_valid (result, self), 0);
  self->running = FALSE;
  r = g_task_propagate_pointer (G_TASK (result), error);
  if (r == NULL)
    return 0;
  id = r->version_id;
  g_free (self->metrics);
  self->metrics = g_steal_pointer (&r->metrics);
  run_result_free (r);
  return id;
}

double
atl_trainer_get_progress (AtlTrainer *self)
{
  return self->shown.progress;
}

AtlTrainerPhase
atl_trainer_get_phase (AtlTrainer *self)
{
  return self->shown.phase;
}

int
atl_trainer_get_step (AtlTrainer *self)
{
  return self->shown.step;
}

double
atl_trainer_get_reward_mean (AtlTrainer *self)
{
  return self->shown.reward_mean;
}

double
atl_trainer_get_kl (AtlTrainer *self)
{
  return self->shown.kl;
}

double
atl_trainer_get_accuracy (AtlTrainer *self)
{
  return self->shown.accuracy;
}

const char *
atl_trainer_get_metrics (AtlTrainer *self)
{
  return self->metrics;
}
