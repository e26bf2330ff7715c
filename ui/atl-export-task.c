/* atl-export-task.c: the export worker. */
#include "atl-export-task.h"

#include <glib/gi18n.h>
#include <json-glib/json-glib.h>

#include "atl-work-export.h"

typedef struct
{
  AtlWork        *work;
  char           *format;
  char           *path;
  char           *session_name;
  guint           version;
  AtlSynthParams  synth;
  int             size_px;
} Entry;

struct _AtlExportJob
{
  GPtrArray             *entries;   /* Entry * */
  AtlExportProgressFunc  progress;
  gpointer               progress_data;
  GMainContext          *context;
};

static void
entry_free (Entry *entry)
{
  atl_work_free (entry->work);
  g_free (entry->format);
  g_free (entry->path);
  g_free (entry->session_name);
  g_free (entry);
}

AtlExportJob *
atl_export_job_new (void)
{
  AtlExportJob *job = g_new0 (AtlExportJob, 1);

  job->entries = g_ptr_array_new_with_free_func ((GDestroyNotify) entry_free);
  return job;
}

void
atl_export_job_free (AtlExportJob *job)
{
  if (job == NULL)
    return;
  g_ptr_array_unref (job->entries);
  g_clear_pointer (&job->context, g_main_context_unref);
  g_free (job);
}

static AtlWork *
work_copy (const AtlWork *work)
{
  AtlWork *copy = g_memdup2 (work, sizeof *work);

  copy->tokens = g_memdup2 (work->tokens, work->n_tokens * sizeof (gint32));
  copy->prompt_json = g_strdup (work->prompt_json);
  copy->title = g_strdup (work->title);
  return copy;
}

void
atl_export_job_add (AtlExportJob         *job,
                    const AtlWork        *work,
                    const char           *format,
                    const char           *path,
                    const char           *session_name,
                    guint                 version_number,
                    const AtlSynthParams *synth,
                    int                   size_px)
{
  Entry *entry = g_new0 (Entry, 1);

  entry->work = work_copy (work);
  entry->format = g_strdup (format);
  entry->path = g_strdup (path);
  entry->session_name = g_strdup (session_name);
  entry->version = version_number;
  entry->synth = *synth;
  entry->size_px = size_px;
  g_ptr_array_add (job->entries, entry);
}

guint
atl_export_job_get_size (AtlExportJob *job)
{
  return job->entries->len;
}

void
atl_synth_params_from_sliders (const char     *sliders_json,
                               int             sample_rate,
                               AtlSynthParams *params)
{
  g_autoptr(JsonParser) parser = json_parser_new ();
  JsonObject *object;

  atl_synth_params_init (params);
  params->sample_rate = sample_rate;
  if (sliders_json == NULL || !json_parser_load_from_data (parser, sliders_json, -1, NULL)
      || !JSON_NODE_HOLDS_OBJECT (json_parser_get_root (parser)))
    return;
  object = json_node_get_object (json_parser_get_root (parser));
  if (json_object_has_member (object, "key"))
    {
      gint64 key = g_ascii_strtoll (json_object_get_string_member_with_default (object, "key", "0"),
                                    NULL, 10);

      params->tonic = 60 + (int) CLAMP (key, 0, 11);
    }
  params->tempo = CLAMP (json_object_get_double_member_with_default (object, "tempo", params->tempo),
                         20, 400);
  if (json_object_has_member (object, "timbre"))
    {
      AtlTimbre timbre;

      if (atl_timbre_from_name (json_object_get_string_member_with_default (object, "timbre", ""),
                                &timbre))
        params->timbre = timbre;
    }
}

char *
atl_export_file_name (const char    *pattern,
                      const AtlWork *work,
                      const char    *session_name)
{
  g_autofree char *title = work->title ? g_strdup (work->title)
                                       : g_strdup_printf ("work-%" G_GINT64_FORMAT, work->id);
  g_autofree char *seed = g_strdup_printf ("%" G_GUINT64_FORMAT, work->seed);
  g_autoptr(GString) out = g_string_new (NULL);

  for (const char *p = pattern; *p != '\0'; p++)
    {
      if (g_str_has_prefix (p, "{title}"))
        g_string_append (out, title), p += strlen ("{title}") - 1;
      else if (g_str_has_prefix (p, "{session}"))
        g_string_append (out, session_name ? session_name : "atelier"), p += strlen ("{session}") - 1;
      else if (g_str_has_prefix (p, "{seed}"))
        g_string_append (out, seed), p += strlen ("{seed}") - 1;
      else
        g_string_append_c (out, *p);
    }
  /* A name, not a path: no separators, no control characters, never empty or hidden. */
  for (gsize i = 0; i < out->len; i++)
    if (out->str[i] == '/' || out->str[i] == '\\' || (guchar) out->str[i] < 0x20)
      out->str[i] = '_';
  while (out->len > 0 && out->str[0] == '.')
    g_string_erase (out, 0, 1);
  if (out->len == 0)
    g_string_append (out, title);
  return g_string_free (g_steal_pointer (&out), FALSE);
}

typedef struct
{
  AtlExportJob *job;
  double        fraction;
} Progress;

static gboolean
progress_cb (gpointer data)
{
  Progress *p = data;

  p->job->progress (p->fraction, p->job->progress_data);
  return G_SOURCE_REMOVE;
}

static void
export_worker (GTask        *task,
               gpointer      source_object,
               gpointer      task_data,
               GCancellable *cancellable)
{
  AtlExportJob *job = task_data;
  GError *error = NULL;

  for (guint i = 0; i < job->entries->len; i++)
    {
      Entry *entry = g_ptr_array_index (job->entries, i);
      AtlWorkExportOptions options;

      if (g_cancellable_set_error_if_cancelled (cancellable, &error))
        {
          g_task_return_error (task, error);
          return;
        }
      atl_work_export_options_init (&options);
      options.size_px = entry->size_px;
      options.synth = entry->synth;
      options.session_name = entry->session_name;
      options.version = entry->version;
      options.title = entry->work->title;
      if (!atl_work_export (entry->work, entry->format, &options, entry->path, &error))
        {
          g_task_return_error (task, error);
          return;
        }
      if (job->progress != NULL)
        {
          Progress *p = g_new0 (Progress, 1);

          /* The job outlives every queued update: the task holds it until it is freed on
           * the main context, after these idles (same context, same priority, FIFO). */
          p->job = job;
          p->fraction = (double) (i + 1) / job->entries->len;
          g_main_context_invoke_full (job->context, G_PRIORITY_DEFAULT, progress_cb, p, g_free);
        }
    }
  g_task_return_int (task, (gssize) job->entries->len);
}

void
atl_export_job_run_async (AtlExportJob          *job,
                          AtlExportProgressFunc  progress,
                          gpointer               progress_data,
                          GCancellable          *cancellable,
                          GAsyncReadyCallback    callback,
                          gpointer               user_data)
{
  g_autoptr(GTask) task = g_task_new (NULL, cancellable, callback, user_data);

  job->progress = progress;
  job->progress_data = progress_data;
  job->context = g_main_context_ref_thread_default ();
  g_task_set_source_tag (task, atl_export_job_run_async);
  g_task_set_task_data (task, job, (GDestroyNotify) atl_export_job_free);
  g_task_run_in_thread (task, export_worker);
}

int
atl_export_job_run_finish (GAsyncResult  *result,
                           GError       **error)
{
  g_return_val_if_fail (g_task_is_valid (result, NULL), -1);
  return (int) g_task_propagate_int (G_TASK (result), error);
}
