/* atl-prefs-import.c: preferences JSONL import (the format is in atl-prefs-io.h).
 *
 * A preferences file may come from anywhere, so each line is screened before json-glib
 * sees it — its length, its nesting depth (json-glib parses recursively: "[[[[…" would
 * exhaust the stack) and its digit runs (json-glib wraps integers past 2^63 silently) —
 * and then every field is checked for presence, type and range.
 */
#include "atl-prefs-io.h"

#include <string.h>

#include <json-glib/json-glib.h>

#include "atl-json-screen.h"

#define MAX_JSON_DEPTH 32
/* Largest file read whole: ~10^5 comparisons of full-length works. */
#define MAX_FILE_SIZE ((gsize) 1 << 30)

/* Screening and validation of one line. */

typedef struct
{
  gint32  *tokens;
  gsize    n_tokens;
  char    *prompt;     /* JSON text */
  guint64  seed;
  double   temperature;
} Side;

typedef struct
{
  Side       chosen;
  Side       rejected;
  AtlDomain  domain;
  gint64     created;  /* 0 → now */
} Record;

static void
record_clear (gpointer data)
{
  Record *r = data;

  g_free (r->chosen.tokens);
  g_free (r->chosen.prompt);
  g_free (r->rejected.tokens);
  g_free (r->rejected.prompt);
}

/* NULL when the line may go to json-glib, else why not (see atl-json-screen.h). */
static const char *
screen_line (const char *line,
             gsize       length)
{
  if (length > ATL_PREFS_MAX_LINE)
    return "the line is longer than " G_STRINGIFY (ATL_PREFS_MAX_LINE) " bytes";
  return atl_json_screen (line, length, MAX_JSON_DEPTH);
}

/* Each checker returns NULL when fine, else an owned message. */

static char *
get_member (JsonObject  *obj,
            const char  *prefix,
            const char  *name,
            gboolean     required,
            JsonNode   **out)
{
  *out = json_object_get_member (obj, name);
  if (*out == NULL && required)
    return g_strdup_printf ("“%s%s” is missing", prefix, name);
  return NULL;
}

static char *
check_int (JsonNode    *node,
           const char  *what,
           gint64       min,
           gint64       max,
           gint64      *out)
{
  if (!JSON_NODE_HOLDS_VALUE (node) || json_node_get_value_type (node) != G_TYPE_INT64)
    return g_strdup_printf ("“%s” must be an integer", what);
  *out = json_node_get_int (node);
  if (*out < min || *out > max)
    return g_strdup_printf ("“%s” is %" G_GINT64_FORMAT ", outside %" G_GINT64_FORMAT
                            "–%" G_GINT64_FORMAT, what, *out, min, max);
  return NULL;
}

static char *
check_side (JsonObject  *line,
            const char  *name,
            JsonNode    *line_prompt,
            Side        *side)
{
  g_autofree char *prefix = g_strdup_printf ("%s.", name);
  JsonNode *node, *member;
  JsonObject *obj;
  JsonArray *tokens;
  char *why;
  gint64 value;

  if ((why = get_member (line, "", name, TRUE, &node)) != NULL)
    return why;
  if (!JSON_NODE_HOLDS_OBJECT (node))
    return g_strdup_printf ("“%s” must be an object", name);
  obj = json_node_get_object (node);

  if ((why = get_member (obj, prefix, "tokens", TRUE, &member)) != NULL)
    return why;
  if (!JSON_NODE_HOLDS_ARRAY (member))
    return g_strdup_printf ("“%stokens” must be a list of integers", prefix);
  tokens = json_node_get_array (member);
  side->n_tokens = json_array_get_length (tokens);
  if (side->n_tokens == 0 || side->n_tokens > ATL_STORE_MAX_TOKENS)
    return g_strdup_printf ("“%stokens” has %" G_GSIZE_FORMAT " tokens, not 1–%d", prefix,
                            side->n_tokens, ATL_STORE_MAX_TOKENS);
  side->tokens = g_new (gint32, side->n_tokens);
  for (guint i = 0; i < side->n_tokens; i++)
    {
      g_autofree char *what = g_strdup_printf ("%stokens[%u]", prefix, i);

      if ((why = check_int (json_array_get_element (tokens, i), what, 0,
                            ATL_STORE_MAX_TOKEN_ID, &value)) != NULL)
        return why;
      side->tokens[i] = (gint32) value;
    }

  if ((why = get_member (obj, prefix, "seed", TRUE, &member)) != NULL)
    return why;
  if (JSON_NODE_HOLDS_VALUE (member) && json_node_get_value_type (member) == G_TYPE_STRING)
    {
      /* Seeds above 2^63 − 1 travel as decimal strings. */
      if (!g_ascii_string_to_unsigned (json_node_get_string (member), 10, 0, G_MAXUINT64,
                                       &side->seed, NULL))
        return g_strdup_printf ("“%sseed” is not a decimal number", prefix);
    }
  else
    {
      g_autofree char *what = g_strdup_printf ("%sseed", prefix);

      if ((why = check_int (member, what, 0, G_MAXINT64, &value)) != NULL)
        return why;
      side->seed = (guint64) value;
    }

  side->temperature = 1.0;
  get_member (obj, prefix, "temperature", FALSE, &member);
  if (member != NULL)
    {
      GType t = JSON_NODE_HOLDS_VALUE (member) ? json_node_get_value_type (member) : 0;

      if (t != G_TYPE_DOUBLE && t != G_TYPE_INT64)
        return g_strdup_printf ("“%stemperature” must be a number", prefix);
      side->temperature = json_node_get_double (member);
      if (!(side->temperature >= 0.0 && side->temperature <= 100.0))
        return g_strdup_printf ("“%stemperature” is %g, outside 0–100", prefix,
                                side->temperature);
    }

  get_member (obj, prefix, "model_version", FALSE, &member);
  if (member != NULL && !JSON_NODE_HOLDS_NULL (member))
    {
      g_autofree char *what = g_strdup_printf ("%smodel_version", prefix);

      if ((why = check_int (member, what, 0, G_MAXINT32, &value)) != NULL)
        return why;
    }

  get_member (obj, prefix, "prompt", FALSE, &member);
  if (member == NULL)
    member = line_prompt;
  if (!JSON_NODE_HOLDS_OBJECT (member))
    return g_strdup_printf ("“%sprompt” must be an object", prefix);
  side->prompt = json_to_string (member, FALSE);
  return NULL;
}

static char *
check_record (JsonNode  *root,
              Record    *r)
{
  JsonObject *line;
  JsonNode *prompt, *node;
  char *why;
  gint64 value;

  if (root == NULL || !JSON_NODE_HOLDS_OBJECT (root))
    return g_strdup ("the line is not a JSON object");
  line = json_node_get_object (root);

  if ((why = get_member (line, "", "prompt", TRUE, &prompt)) != NULL)
    return why;
  if (!JSON_NODE_HOLDS_OBJECT (prompt))
    return g_strdup ("“prompt” must be an object");
  if ((why = check_side (line, "chosen", prompt, &r->chosen)) != NULL
      || (why = check_side (line, "rejected", prompt, &r->rejected)) != NULL)
    return why;
  if (r->chosen.seed == r->rejected.seed && g_str_equal (r->chosen.prompt, r->rejected.prompt)
      && r->chosen.n_tokens == r->rejected.n_tokens
      && memcmp (r->chosen.tokens, r->rejected.tokens, r->chosen.n_tokens * 4) == 0)
    return g_strdup ("“chosen” and “rejected” are the same work");

  if ((why = get_member (line, "", "domain", TRUE, &node)) != NULL)
    return why;
  if (!JSON_NODE_HOLDS_VALUE (node) || json_node_get_value_type (node) != G_TYPE_STRING
      || !atl_domain_from_string (json_node_get_string (node), &r->domain))
    return g_strdup ("“domain” must be \"art\" or \"music\"");

  get_member (line, "", "session", FALSE, &node);
  if (node != NULL && (!JSON_NODE_HOLDS_VALUE (node)
                       || json_node_get_value_type (node) != G_TYPE_STRING))
    return g_strdup ("“session” must be a string");
  get_member (line, "", "grid_position", FALSE, &node);
  if (node != NULL && !JSON_NODE_HOLDS_NULL (node)
      && (why = check_int (node, "grid_position", 0, G_MAXINT32, &value)) != NULL)
    return why;
  get_member (line, "", "kind", FALSE, &node);
  if (node != NULL)
    {
      AtlComparisonKind kind;

      if (!JSON_NODE_HOLDS_VALUE (node) || json_node_get_value_type (node) != G_TYPE_STRING
          || !atl_comparison_kind_from_string (json_node_get_string (node), &kind))
        return g_strdup ("“kind” must be one of grid, ab, rating, edit, import");
    }
  get_member (line, "", "created", FALSE, &node);
  if (node != NULL)
    {
      g_autoptr(GDateTime) when = NULL;

      if (JSON_NODE_HOLDS_VALUE (node) && json_node_get_value_type (node) == G_TYPE_STRING)
        when = g_date_time_new_from_iso8601 (json_node_get_string (node), NULL);
      if (when == NULL)
        return g_strdup ("“created” must be an ISO 8601 date and time with a time zone");
      r->created = g_date_time_to_unix (when) * G_USEC_PER_SEC
                   + g_date_time_get_microsecond (when);
      if (r->created <= 0)
        r->created = 1;  /* 0 would mean "now" to the store */
    }
  return NULL;
}

/* The file. */

static gboolean
is_blank (const char *line,
          gsize       length)
{
  for (gsize i = 0; i < length; i++)
    if (line[i] != ' ' && line[i] != '\t')
      return FALSE;
  return TRUE;
}

static void
report (GString     *errors,
        guint       *n_bad,
        const char  *display_name,
        guint        line_no,
        const char  *why)
{
  if (++*n_bad <= ATL_PREFS_MAX_REPORTED)
    g_string_append_printf (errors, "\n  %s:%u: %s", display_name, line_no, why);
}

gboolean
atl_prefs_import_data (AtlStore             *store,
                       const char           *data,
                       gsize                 length,
                       const char           *display_name,
                       const char           *session_name,
                       AtlPrefsImportStats  *out_stats,
                       GError              **error)
{
  g_autoptr(GArray) records = g_array_new (FALSE, TRUE, sizeof (Record));
  g_autoptr(GString) errors = g_string_new (NULL);
  g_autoptr(AtlSession) session = NULL;
  g_autoptr(GError) local = NULL;
  g_autofree AtlWorkSpec *specs = NULL;
  g_autofree AtlImportPair *pairs = NULL;
  AtlPrefsImportStats stats = { 0, };
  guint n_bad = 0, line_no = 0;
  gint64 session_id;
  gsize pos = 0;

  g_array_set_clear_func (records, record_clear);
  if (out_stats != NULL)
    *out_stats = stats;

  while (pos < length)
    {
      const char *start = data + pos;
      const char *nl = memchr (start, '\n', length - pos);
      gsize len = nl != NULL ? (gsize) (nl - start) : length - pos;
      g_autoptr(JsonParser) parser = NULL;
      g_autofree char *why = NULL;
      const char *screen;
      Record r = { 0, };

      pos += len + 1;
      line_no++;
      if (len > 0 && start[len - 1] == '\r')
        len--;
      if (is_blank (start, len))
        continue;
      stats.n_lines++;

      if ((screen = screen_line (start, len)) != NULL)
        {
          report (errors, &n_bad, display_name, line_no, screen);
          continue;
        }
      parser = json_parser_new_immutable ();
      if (!json_parser_load_from_data (parser, start, (gssize) len, &local))
        {
          why = g_strdup_printf ("not JSON: %s", local->message);
          g_clear_error (&local);
        }
      else
        why = check_record (json_parser_get_root (parser), &r);

      if (why == NULL && records->len > 0
          && r.domain != g_array_index (records, Record, 0).domain)
        why = g_strdup ("its domain differs from the lines before it");
      if (why != NULL)
        {
          report (errors, &n_bad, display_name, line_no, why);
          record_clear (&r);
          continue;
        }
      g_array_append_val (records, r);
    }

  if (n_bad > 0)
    {
      if (n_bad > ATL_PREFS_MAX_REPORTED)
        g_string_append_printf (errors, "\n  … and %u more", n_bad - ATL_PREFS_MAX_REPORTED);
      g_set_error (error, ATL_PREFS_ERROR, ATL_PREFS_ERROR_INVALID,
                   "“%s” has %u bad line%s; nothing was imported:%s", display_name, n_bad,
                   n_bad == 1 ? "" : "s", errors->str);
      return FALSE;
    }
  if (records->len == 0)
    {
      if (out_stats != NULL)
        *out_stats = stats;
      return TRUE;
    }

  /* The session: the named one, which must share the lines' domain, or a new one. */
  session = atl_store_lookup_session (store, session_name, &local);
  if (session == NULL && !g_error_matches (local, ATL_STORE_ERROR, ATL_STORE_ERROR_NOT_FOUND))
    {
      g_propagate_error (error, g_steal_pointer (&local));
      return FALSE;
    }
  if (session != NULL && session->domain != g_array_index (records, Record, 0).domain)
    {
      g_set_error (error, ATL_PREFS_ERROR, ATL_PREFS_ERROR_DOMAIN,
                   "“%s” holds %s preferences, but session “%s” is %s", display_name,
                   atl_domain_to_string (g_array_index (records, Record, 0).domain),
                   session_name, atl_domain_to_string (session->domain));
      return FALSE;
    }

  specs = g_new0 (AtlWorkSpec, 2 * records->len);
  pairs = g_new0 (AtlImportPair, records->len);
  for (guint i = 0; i < records->len; i++)
    {
      Record *r = &g_array_index (records, Record, i);
      Side *sides[2] = { &r->chosen, &r->rejected };

      for (guint s = 0; s < 2; s++)
        {
          AtlWorkSpec *spec = &specs[2 * i + s];

          spec->tokens = sides[s]->tokens;
          spec->n_tokens = sides[s]->n_tokens;
          spec->prompt_json = sides[s]->prompt;
          spec->seed = sides[s]->seed;
          spec->temperature = sides[s]->temperature;
        }
      pairs[i].winner = &specs[2 * i];
      pairs[i].loser = &specs[2 * i + 1];
      pairs[i].created = r->created;
    }

  if (session == NULL)
    {
      g_clear_error (&local);
      session_id = atl_store_create_session (store, session_name,
                                             g_array_index (records, Record, 0).domain,
                                             NULL, NULL, NULL, error);
      if (session_id == 0)
        return FALSE;
      stats.created = TRUE;
    }
  else
    session_id = session->id;

  if (!atl_store_import_pairs (store, session_id, pairs, records->len, &stats.n_works, error))
    {
      /* Leave no empty session behind from a failed import. */
      if (stats.created)
        atl_store_delete_session (store, session_id, NULL);
      return FALSE;
    }
  if (out_stats != NULL)
    *out_stats = stats;
  return TRUE;
}

gboolean
atl_prefs_import_file (AtlStore             *store,
                       const char           *path,
                       const char           *session_name,
                       AtlPrefsImportStats  *out_stats,
                       GError              **error)
{
  g_autoptr(GMappedFile) file = NULL;
  g_autoptr(GError) local = NULL;

  file = g_mapped_file_new (path, FALSE, &local);
  if (file == NULL)
    {
      g_set_error (error, ATL_PREFS_ERROR, ATL_PREFS_ERROR_IO,
                   "Cannot read the preferences “%s”: %s", path, local->message);
      return FALSE;
    }
  if (g_mapped_file_get_length (file) > MAX_FILE_SIZE)
    {
      g_set_error (error, ATL_PREFS_ERROR, ATL_PREFS_ERROR_IO,
                   "The preferences “%s” are larger than 1 GiB", path);
      return FALSE;
    }
  return atl_prefs_import_data (store, g_mapped_file_get_contents (file),
                                g_mapped_file_get_length (file), path, session_name,
                                out_stats, error);
}
