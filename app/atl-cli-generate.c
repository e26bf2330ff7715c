/* atl-cli-generate.c: drawing a round of works from the command line, and exporting one.
 *
 * `generate` draws a grid from a session's current model version (v0: the shipped base),
 * records it in the store like the studio does, and with --out writes each work as files
 * (art: PNG, and SVG with --svg; music: WAV and MIDI) plus manifest.json, so scripts can
 * drive the whole loop: generate, look or listen, `pick`, `train`, generate again.
 */
#include "atl-cli-generate.h"

#include <errno.h>
#include <glib/gstdio.h>
#include <json-glib/json-glib.h>
#include <stdio.h>

#include "atl-base-models.h"
#include "atl-checkpoint.h"
#include "atl-engine-autoptr.h"
#include "atl-error.h"
#include "atl-explore.h"
#include "atl-nn.h"
#include "atl-round.h"
#include "atl-store.h"
#include "atl-work-export.h"

gboolean
atl_cli_parse_options (const char    *command,
                       const char    *summary,
                       GOptionEntry  *entries,
                       int            argc,
                       char         **argv,
                       GError       **error)
{
  g_autoptr(GOptionContext) context = g_option_context_new (NULL);
  g_autofree char **args = g_new0 (char *, argc + 2);
  g_autofree char *prgname = g_strdup_printf ("atelier %s", command);
  char **pargs = args;
  int n = argc + 1;

  args[0] = prgname;
  for (int i = 0; i < argc; i++)
    args[i + 1] = argv[i];
  g_option_context_set_summary (context, summary);
  g_option_context_add_main_entries (context, entries, NULL);
  if (!g_option_context_parse (context, &n, &pargs, error))
    {
      (*error)->domain = ATL_CLI_ERROR;
      (*error)->code = ATL_CLI_ERROR_USAGE;
      g_prefix_error (error, "%s: ", command);
      return FALSE;
    }
  if (n > 1)
    {
      g_set_error (error, ATL_CLI_ERROR, ATL_CLI_ERROR_USAGE, "%s: unexpected “%s”",
                   command, pargs[1]);
      return FALSE;
    }
  return TRUE;
}

/* The named session, or the domain's default one (created on first use). */
static AtlSession *
find_session (AtlStore    *store,
              const char  *name,
              const char  *domain_name,
              GError     **error)
{
  g_autoptr(AtlSession) session = NULL;
  AtlDomain domain = ATL_DOMAIN_ART;
  gboolean have_domain = domain_name != NULL;

  if (have_domain && !atl_domain_parse (domain_name, &domain, error))
    return NULL;
  if (name == NULL)
    {
      if (!have_domain)
        {
          g_set_error (error, ATL_CLI_ERROR, ATL_CLI_ERROR_USAGE,
                       "Name a --session or a --domain (art or music)");
          return NULL;
        }
      name = atl_domain_default_session_name (domain);
    }

  session = atl_store_lookup_session (store, name, NULL);
  if (session == NULL)
    {
      gint64 id;

      if (!have_domain)
        {
          g_set_error (error, ATL_STORE_ERROR, ATL_STORE_ERROR_NOT_FOUND,
                       "No session “%s” (create it with --domain, or “atelier sessions new”)",
                       name);
          return NULL;
        }
      id = atl_store_create_session (store, name, domain, NULL, NULL, NULL, error);
      if (id == 0)
        return NULL;
      session = atl_store_get_session (store, id, error);
    }
  else if (have_domain && session->domain != domain)
    {
      g_set_error (error, ATL_CLI_ERROR, ATL_CLI_ERROR_USAGE,
                   "Session “%s” is a %s session, not %s", name,
                   atl_domain_to_string (session->domain), domain_name);
      return NULL;
    }
  return g_steal_pointer (&session);
}

static void
add_string_array (JsonBuilder *builder,
                  const char  *member,
                  GPtrArray   *strings)
{
  json_builder_set_member_name (builder, member);
  json_builder_begin_array (builder);
  for (guint i = 0; i < strings->len; i++)
    json_builder_add_string_value (builder, strings->pdata[i]);
  json_builder_end_array (builder);
}

gboolean
atl_cli_generate_cb (int      argc,
                     char   **argv,
                     GError **error)
{
  g_autofree char *domain_name = NULL, *session_name = NULL, *out = NULL;
  g_auto(GStrv) style = NULL;
  int count = 12, size = 512, rate = 48000;
  gint64 seed = -1;
  double temperature = 1.0, top_p = 1.0;
  gboolean svg = FALSE, no_pool = FALSE;
  GOptionEntry entries[] = {
    { "domain", 0, 0, G_OPTION_ARG_STRING, &domain_name, "art or music", "DOMAIN" },
    { "session", 0, 0, G_OPTION_ARG_STRING, &session_name,
      "Session (default: the domain's sketchbook)", "NAME" },
    { "count", 0, 0, G_OPTION_ARG_INT, &count, "Works in the round (12)", "N" },
    { "seed", 0, 0, G_OPTION_ARG_INT64, &seed, "Seed of the first work (default: random)",
      "S" },
    { "style", 0, 0, G_OPTION_ARG_STRING_ARRAY, &style,
      "A style choice, repeatable: metre=6/8, mode=dorian, key=D, tempo=120, timbre=flute, "
      "palette=bauhaus, family=ink, complexity=3 …", "KEY=VALUE" },
    { "temperature", 0, 0, G_OPTION_ARG_DOUBLE, &temperature, "Variation (1.0)", "T" },
    { "top-p", 0, 0, G_OPTION_ARG_DOUBLE, &top_p, "Nucleus mass (1.0)", "P" },
    { "no-pool", 0, 0, G_OPTION_ARG_NONE, &no_pool,
      "The first samples as they come, not chosen by the reward model from a larger pool",
      NULL },
    { "size", 0, 0, G_OPTION_ARG_INT, &size, "Art: PNG size in pixels (512)", "PX" },
    { "svg", 0, 0, G_OPTION_ARG_NONE, &svg, "Art: also write SVG", NULL },
    { "rate", 0, 0, G_OPTION_ARG_INT, &rate, "Music: sample rate, 44100 or 48000", "HZ" },
    { "out", 0, 0, G_OPTION_ARG_FILENAME, &out, "Write the files and manifest.json here",
      "DIR" },
    { NULL }
  };
  g_autoptr(AtlStore) store = NULL;
  g_autoptr(AtlSession) session = NULL;
  g_autoptr(AtlModelVersion) version = NULL;
  g_autoptr(AtlPolicy) policy = NULL, base = NULL;
  g_autoptr(AtlLearner) ranker = NULL;
  g_autoptr(GArray) ids = g_array_new (FALSE, FALSE, sizeof (gint64));
  g_autoptr(JsonBuilder) builder = json_builder_new ();
  g_autofree char *problem = NULL;
  g_auto(GStrv) prefix_style = NULL;
  AtlWorkExportOptions options;
  AtlRoundSpec spec;
  gint64 grid;

  if (!atl_cli_parse_options ("generate", "Draw a round of works from a session's model.",
                              entries, argc, argv, error))
    return FALSE;
  if ((rate != 44100 && rate != 48000) || size < 16 || size > 16384 || !(temperature >= 0)
      || !(top_p > 0 && top_p <= 1))
    {
      g_set_error (error, ATL_CLI_ERROR, ATL_CLI_ERROR_USAGE,
                   "generate: --rate is 44100 or 48000, --size 16 … 16384, --temperature ≥ 0 "
                   "and --top-p in (0, 1]");
      return FALSE;
    }

  atl_work_export_options_init (&options);
  options.size_px = size;
  options.synth.sample_rate = rate;
  prefix_style = atl_work_export_take_render_style ((const char * const *) style,
                                                    &options.synth, error);
  if (prefix_style == NULL)
    return FALSE;

  atl_nn_set_threads (2);
  store = atl_store_open_default (error);
  if (store == NULL)
    return FALSE;
  session = find_session (store, session_name, domain_name, error);
  if (session == NULL)
    return FALSE;
  policy = atl_session_load_policy (store, session, &version, &problem, error);
  if (policy == NULL)
    return FALSE;
  if (problem != NULL)
    fprintf (stderr, "atelier: %s\n", problem);
  /* With comparisons to learn from, the grid is chosen from a pool (atl-explore.h). */
  if (!no_pool)
    {
      g_autoptr(GError) local = NULL;

      base = atl_session_load_base (store, session, error);
      if (base == NULL)
        return FALSE;
      ranker = atl_explore_ranker_new (store, session, base, &local);
      if (local != NULL)
        {
          g_propagate_error (error, g_steal_pointer (&local));
          return FALSE;
        }
    }

  atl_round_spec_init (&spec);
  spec.count = count;
  spec.seed = seed >= 0 ? (guint64) seed : g_random_int () * (guint64) 1000;
  spec.temperature = (float) temperature;
  spec.top_p = (float) top_p;
  spec.style = (const char * const *) prefix_style;
  spec.ranker = ranker;
  spec.exploration = session->exploration;
  grid = atl_round_draw (store, session, policy, version->id, &spec, ids, error);
  if (grid == 0)
    return FALSE;

  printf ("session “%s” (%s), model v%u: grid %" G_GINT64_FORMAT ", works",
          session->name, atl_domain_to_string (session->domain), version->number, grid);
  for (guint i = 0; i < ids->len; i++)
    printf (" %" G_GINT64_FORMAT, g_array_index (ids, gint64, i));
  printf ("\n");

  if (out == NULL)
    return TRUE;

  if (g_mkdir_with_parents (out, 0755) != 0)
    {
      int saved = errno;

      g_set_error (error, G_IO_ERROR, g_io_error_from_errno (saved),
                   "Cannot create “%s”: %s", out, g_strerror (saved));
      return FALSE;
    }

  options.session_name = session->name;
  options.version = version->number;

  json_builder_begin_object (builder);
  json_builder_set_member_name (builder, "session");
  json_builder_add_string_value (builder, session->name);
  json_builder_set_member_name (builder, "domain");
  json_builder_add_string_value (builder, atl_domain_to_string (session->domain));
  json_builder_set_member_name (builder, "grid");
  json_builder_add_int_value (builder, grid);
  json_builder_set_member_name (builder, "model_version");
  json_builder_add_int_value (builder, version->number);
  json_builder_set_member_name (builder, "model_sha256");
  if (version->sha256 != NULL)
    json_builder_add_string_value (builder, version->sha256);
  else
    {
      /* v0 is the shipped base, whose hash the store does not keep. */
      g_autofree char *base_path = atl_base_model_path (session->domain, NULL);
      g_autofree char *sha = base_path ? atl_file_sha256 (base_path, NULL) : NULL;

      json_builder_add_string_value (builder, sha);
    }
  json_builder_set_member_name (builder, "works");
  json_builder_begin_array (builder);

  for (guint i = 0; i < ids->len; i++)
    {
      g_autoptr(AtlWork) work = atl_store_get_work (store, g_array_index (ids, gint64, i),
                                                    error);
      g_autoptr(GPtrArray) files = g_ptr_array_new_with_free_func (g_free);
      g_autoptr(JsonNode) prompt = NULL;
      const char *formats_art[] = { "png", svg ? "svg" : NULL, NULL };
      const char *formats_music[] = { "wav", "mid", NULL };
      const char **formats = session->domain == ATL_DOMAIN_ART ? formats_art : formats_music;

      if (work == NULL)
        return FALSE;
      for (int f = 0; formats[f] != NULL; f++)
        {
          g_autofree char *name = g_strdup_printf ("%s-%" G_GINT64_FORMAT "-seed%"
                                                   G_GUINT64_FORMAT "-v%u.%s",
                                                   atl_domain_to_string (session->domain),
                                                   work->id, work->seed, version->number,
                                                   formats[f]);
          g_autofree char *path = g_build_filename (out, name, NULL);

          if (!atl_work_export (work, formats[f], &options, path, error))
            return FALSE;
          g_ptr_array_add (files, g_steal_pointer (&name));
        }

      json_builder_begin_object (builder);
      json_builder_set_member_name (builder, "id");
      json_builder_add_int_value (builder, work->id);
      json_builder_set_member_name (builder, "position");
      json_builder_add_int_value (builder, work->position);
      json_builder_set_member_name (builder, "seed");
      json_builder_add_int_value (builder, (gint64) work->seed);
      add_string_array (builder, "files", files);
      json_builder_set_member_name (builder, "tokens");
      json_builder_begin_array (builder);
      for (gsize t = 0; t < work->n_tokens; t++)
        json_builder_add_int_value (builder, work->tokens[t]);
      json_builder_end_array (builder);
      json_builder_set_member_name (builder, "prompt");
      prompt = json_from_string (work->prompt_json, NULL);
      json_builder_add_value (builder, g_steal_pointer (&prompt));
      json_builder_set_member_name (builder, "model_version");
      json_builder_add_int_value (builder, version->number);
      json_builder_end_object (builder);
    }
  json_builder_end_array (builder);
  json_builder_end_object (builder);

  {
    g_autoptr(JsonGenerator) generator = json_generator_new ();
    g_autoptr(JsonNode) root = json_builder_get_root (builder);
    g_autofree char *path = g_build_filename (out, "manifest.json", NULL);
    g_autofree char *text = NULL;

    json_generator_set_root (generator, root);
    json_generator_set_pretty (generator, TRUE);
    text = json_generator_to_data (generator, NULL);
    /* g_file_set_contents writes a temp file and renames it over the target. */
    if (!g_file_set_contents_full (path, text, -1, G_FILE_SET_CONTENTS_CONSISTENT
                                   | G_FILE_SET_CONTENTS_DURABLE, 0644, error))
      return FALSE;
    printf ("wrote %u works and manifest.json to %s\n", ids->len, out);
  }
  return TRUE;
}

gboolean
atl_cli_export_cb (int      argc,
                   char   **argv,
                   GError **error)
{
  g_autofree char *format = NULL, *out = NULL, *title = NULL;
  g_auto(GStrv) style = NULL, rest = NULL;
  gint64 work_id = 0;
  int size = 1024, rate = 48000;
  GOptionEntry entries[] = {
    { "work", 0, 0, G_OPTION_ARG_INT64, &work_id, "The work's id", "ID" },
    { "format", 0, 0, G_OPTION_ARG_STRING, &format,
      "png, svg, pdf (art); wav, wav24, flac, ogg, mid (music); default: from --out", "F" },
    { "size", 0, 0, G_OPTION_ARG_INT, &size, "Art: pixels (PNG) or points (1024)", "PX" },
    { "rate", 0, 0, G_OPTION_ARG_INT, &rate, "Music: 44100 or 48000", "HZ" },
    { "style", 0, 0, G_OPTION_ARG_STRING_ARRAY, &style, "Music: key=…, tempo=…, timbre=…",
      "KEY=VALUE" },
    { "title", 0, 0, G_OPTION_ARG_STRING, &title, "Title tag", "TEXT" },
    { "out", 0, 0, G_OPTION_ARG_FILENAME, &out, "File to write", "FILE" },
    { NULL }
  };
  g_autoptr(AtlStore) store = NULL;
  g_autoptr(AtlWork) work = NULL;
  g_autoptr(AtlSession) session = NULL;
  g_autoptr(AtlModelVersion) version = NULL;
  AtlWorkExportOptions options;

  if (!atl_cli_parse_options ("export", "Write one work as a file, in any format and size.",
                              entries, argc, argv, error))
    return FALSE;
  if (work_id <= 0 || out == NULL)
    {
      g_set_error (error, ATL_CLI_ERROR, ATL_CLI_ERROR_USAGE,
                   "export: --work ID and --out FILE are required");
      return FALSE;
    }
  if ((rate != 44100 && rate != 48000) || size < 16 || size > 16384)
    {
      g_set_error (error, ATL_CLI_ERROR, ATL_CLI_ERROR_USAGE,
                   "export: --rate is 44100 or 48000 and --size 16 … 16384");
      return FALSE;
    }
  if (format == NULL)
    {
      const char *dot = strrchr (out, '.');

      format = g_ascii_strdown (dot ? dot + 1 : "", -1);
    }

  atl_work_export_options_init (&options);
  options.size_px = size;
  options.synth.sample_rate = rate;
  options.title = title;
  rest = atl_work_export_take_render_style ((const char * const *) style, &options.synth,
                                            error);
  if (rest == NULL)
    return FALSE;
  if (rest[0] != NULL)
    {
      g_set_error (error, ATL_CLI_ERROR, ATL_CLI_ERROR_USAGE,
                   "export: “%s” is chosen when a work is drawn, not when it is exported",
                   rest[0]);
      return FALSE;
    }

  store = atl_store_open_default (error);
  if (store == NULL)
    return FALSE;
  work = atl_store_get_work (store, work_id, error);
  if (work == NULL)
    return FALSE;
  session = atl_store_get_session (store, work->session_id, error);
  if (session == NULL)
    return FALSE;
  options.session_name = session->name;
  if (work->version_id != 0)
    {
      version = atl_store_get_version (store, work->version_id, NULL);
      if (version != NULL)
        options.version = version->number;
    }

  if (!atl_work_export (work, format, &options, out, error))
    return FALSE;
  printf ("wrote %s\n", out);
  return TRUE;
}
