/* atl-cli-store.c: `atelier sessions`, `atelier versions` and `atelier prefer`, the
 * store's face on the command line. Each opens the store of atl-paths.h (so `--store DIR`
 * applies), does one thing, and prints what it did.
 */
#include "atl-cli-store.h"

#include <stdio.h>
#include <string.h>

#include "atl-error.h"
#include "atl-prefs-io.h"
#include "atl-store.h"

static gboolean
usage (GError     **error,
       const char  *text)
{
  g_set_error (error, ATL_CLI_ERROR, ATL_CLI_ERROR_USAGE, "usage: atelier %s", text);
  return FALSE;
}

#define SESSIONS_USAGE "sessions [list | new NAME --domain art|music | rename OLD NEW | " \
                       "delete NAME]"
#define VERSIONS_USAGE "versions SESSION [--restore N | --reset]"
#define PREFER_USAGE "prefer --winner A --loser B | --export FILE [--session NAME] | " \
  "--import FILE --session NAME"

static char *
format_time (gint64 usec)
{
  g_autoptr(GDateTime) t = g_date_time_new_from_unix_local (usec / G_USEC_PER_SEC);

  return t != NULL ? g_date_time_format (t, "%Y-%m-%d %H:%M") : g_strdup ("?");
}

static gboolean
list_sessions (AtlStore  *store,
               GError   **error)
{
  g_autoptr(GPtrArray) sessions = atl_store_list_sessions (store, error);

  if (sessions == NULL)
    return FALSE;
  if (sessions->len == 0)
    {
      printf ("No sessions yet (create one: atelier sessions new NAME --domain art|music)\n");
      return TRUE;
    }
  printf ("%-24s %-6s %-8s %-12s %s\n", "SESSION", "DOMAIN", "VERSION", "COMPARISONS",
          "UPDATED");
  for (guint i = 0; i < sessions->len; i++)
    {
      AtlSession *s = sessions->pdata[i];
      g_autoptr(AtlModelVersion) v = atl_store_get_version (store, s->current_version_id,
                                                            NULL);
      g_autofree char *when = format_time (s->updated);
      g_autofree char *version = v != NULL ? g_strdup_printf ("v%u", v->number)
                                           : g_strdup ("-");
      AtlComparisonCounts c;

      if (!atl_store_count_comparisons (store, s->id, &c, error))
        return FALSE;
      printf ("%-24s %-6s %-8s %-12u %s\n", s->name, atl_domain_to_string (s->domain),
              version, c.active, when);
    }
  return TRUE;
}

gboolean
atl_cli_sessions_cb (int      argc,
                     char   **argv,
                     GError **error)
{
  g_autoptr(AtlStore) store = NULL;
  g_autoptr(AtlSession) session = NULL;
  const char *verb = argc > 0 ? argv[0] : "list";

  if (g_str_equal (verb, "new"))
    {
      const char *name = NULL, *domain_str = NULL;
      AtlDomain domain;

      for (int i = 1; i < argc; i++)
        {
          if (g_str_equal (argv[i], "--domain") && i + 1 < argc)
            domain_str = argv[++i];
          else if (g_str_has_prefix (argv[i], "--domain="))
            domain_str = argv[i] + strlen ("--domain=");
          else if (name == NULL && argv[i][0] != '-')
            name = argv[i];
          else
            return usage (error, SESSIONS_USAGE);
        }
      if (name == NULL || domain_str == NULL)
        return usage (error, SESSIONS_USAGE);
      if (!atl_domain_from_string (domain_str, &domain))
        {
          g_set_error (error, ATL_CLI_ERROR, ATL_CLI_ERROR_USAGE,
                       "the domain is “art” or “music”, not “%s”", domain_str);
          return FALSE;
        }
      store = atl_store_open_default (error);
      if (store == NULL
          || atl_store_create_session (store, name, domain, NULL, NULL, NULL, error) == 0)
        return FALSE;
      printf ("Created %s session “%s” at v0 (the base model)\n", domain_str, name);
      return TRUE;
    }

  if (g_str_equal (verb, "list"))
    {
      if (argc > 1)
        return usage (error, SESSIONS_USAGE);
      store = atl_store_open_default (error);
      return store != NULL && list_sessions (store, error);
    }

  if (g_str_equal (verb, "rename") && argc == 3)
    {
      store = atl_store_open_default (error);
      if (store == NULL || (session = atl_store_lookup_session (store, argv[1], error)) == NULL
          || !atl_store_rename_session (store, session->id, argv[2], error))
        return FALSE;
      printf ("Renamed “%s” to “%s”\n", argv[1], argv[2]);
      return TRUE;
    }

  if (g_str_equal (verb, "delete") && argc == 2)
    {
      store = atl_store_open_default (error);
      if (store == NULL || (session = atl_store_lookup_session (store, argv[1], error)) == NULL
          || !atl_store_delete_session (store, session->id, error))
        return FALSE;
      printf ("Deleted “%s” with its works, picks and version history\n", argv[1]);
      return TRUE;
    }
  return usage (error, SESSIONS_USAGE);
}

gboolean
atl_cli_versions_cb (int      argc,
                     char   **argv,
                     GError **error)
{
  g_autoptr(AtlStore) store = NULL;
  g_autoptr(AtlSession) session = NULL;
  g_autoptr(GPtrArray) versions = NULL;
  const char *name = NULL, *restore = NULL;
  gboolean reset = FALSE;

  for (int i = 0; i < argc; i++)
    {
      if (g_str_equal (argv[i], "--restore") && i + 1 < argc)
        restore = argv[++i];
      else if (g_str_equal (argv[i], "--reset"))
        reset = TRUE;
      else if (name == NULL && argv[i][0] != '-')
        name = argv[i];
      else
        return usage (error, VERSIONS_USAGE);
    }
  if (name == NULL || (restore != NULL && reset))
    return usage (error, VERSIONS_USAGE);

  store = atl_store_open_default (error);
  if (store == NULL || (session = atl_store_lookup_session (store, name, error)) == NULL)
    return FALSE;

  if (restore != NULL)
    {
      guint64 n;
      const char *digits = restore[0] == 'v' ? restore + 1 : restore;

      if (!g_ascii_string_to_unsigned (digits, 10, 0, G_MAXUINT, &n, NULL))
        {
          g_set_error (error, ATL_CLI_ERROR, ATL_CLI_ERROR_USAGE,
                       "--restore takes a version number such as 3 or v3, not “%s”", restore);
          return FALSE;
        }
      if (!atl_store_restore_version (store, session->id, (guint) n, error))
        return FALSE;
      printf ("“%s” now generates with v%u\n", name, (guint) n);
    }
  else if (reset)
    {
      if (!atl_store_reset_to_base (store, session->id, error))
        return FALSE;
      printf ("“%s” now generates with v0, the base model (history kept)\n", name);
    }

  g_clear_pointer (&session, atl_session_free);
  session = atl_store_lookup_session (store, name, error);
  versions = session != NULL ? atl_store_list_versions (store, session->id, error) : NULL;
  if (versions == NULL)
    return FALSE;
  for (guint i = 0; i < versions->len; i++)
    {
      AtlModelVersion *v = versions->pdata[i];
      g_autofree char *when = format_time (v->created);

      printf ("%s v%-3u %s  %s  %.12s  %s\n",
              v->id == session->current_version_id ? "*" : " ", v->number, when,
              v->path != NULL ? v->path : "(shipped base)",
              v->sha256 != NULL ? v->sha256 : "", v->metrics_json);
    }
  return TRUE;
}

/* prefer --winner A --loser B: a blind A/B choice between two works of one session. */
static gboolean
prefer_ab (const char  *winner,
           const char  *loser,
           int          argc,
           GError     **error)
{
  g_autoptr(AtlStore) store = NULL;
  gint64 w, l, batch = 0;

  if (winner == NULL || loser == NULL || argc != 4)
    return usage (error, PREFER_USAGE);
  w = g_ascii_strtoll (winner, NULL, 10);
  l = g_ascii_strtoll (loser, NULL, 10);
  if (w <= 0 || l <= 0)
    return usage (error, PREFER_USAGE);
  store = atl_store_open_default (error);
  if (store == NULL || !atl_store_commit_ab (store, w, l, -1, &batch, error))
    return FALSE;
  printf ("Recorded: work %" G_GINT64_FORMAT " beats work %" G_GINT64_FORMAT
          " (pick batch %" G_GINT64_FORMAT ")\n", w, l, batch);
  return TRUE;
}

gboolean
atl_cli_prefer_cb (int      argc,
                   char   **argv,
                   GError **error)
{
  g_autoptr(AtlStore) store = NULL;
  const char *export_path = NULL, *import_path = NULL, *session_name = NULL;

  const char *winner = NULL, *loser = NULL;

  for (int i = 0; i + 1 < argc; i += 2)
    {
      if (g_str_equal (argv[i], "--winner"))
        winner = argv[i + 1];
      else if (g_str_equal (argv[i], "--loser"))
        loser = argv[i + 1];
      else if (g_str_equal (argv[i], "--export"))
        export_path = argv[i + 1];
      else if (g_str_equal (argv[i], "--import"))
        import_path = argv[i + 1];
      else if (g_str_equal (argv[i], "--session"))
        session_name = argv[i + 1];
      else
        return usage (error, PREFER_USAGE);
    }
  if (winner != NULL || loser != NULL)
    return prefer_ab (winner, loser, argc, error);
  if (argc % 2 != 0 || (export_path == NULL) == (import_path == NULL)
      || (import_path != NULL && session_name == NULL))
    return usage (error, PREFER_USAGE);

  store = atl_store_open_default (error);
  if (store == NULL)
    return FALSE;

  if (export_path != NULL)
    {
      g_autoptr(AtlSession) session = NULL;
      guint n = 0;

      if (session_name != NULL
          && (session = atl_store_lookup_session (store, session_name, error)) == NULL)
        return FALSE;
      if (!atl_prefs_export_file (store, session != NULL ? session->id : 0, export_path, &n,
                                  error))
        return FALSE;
      printf ("Wrote %u preference%s to %s\n", n, n == 1 ? "" : "s", export_path);
      return TRUE;
    }
  else
    {
      AtlPrefsImportStats stats;

      if (!atl_prefs_import_file (store, import_path, session_name, &stats, error))
        return FALSE;
      printf ("Imported %u preference%s (%u new works) into %s“%s”\n", stats.n_lines,
              stats.n_lines == 1 ? "" : "s", stats.n_works,
              stats.created ? "the new session " : "", session_name);
      return TRUE;
    }
}
