/* atl-prefs-io.c: preferences JSONL export (the format is in the header).
 *
 * One line per active comparison, for training elsewhere or for another Atelier to read
 * back (atl-prefs-import.c). The file is replaced atomically, so an interrupted export
 * never leaves a half-written file where a good one was.
 */
#include "atl-prefs-io.h"

#include <string.h>

#include <json-glib/json-glib.h>

#include "atl-export-temp.h"

G_DEFINE_QUARK (atl-prefs-error-quark, atl_prefs_error)

/* The stored prompt as a node; the store checked it on the way in, but a row from an
 * older Atelier might not be an object, and a line must stay valid regardless. */
static JsonNode *
prompt_node (const char *json)
{
  JsonNode *node = json_from_string (json, NULL);

  if (node == NULL || !JSON_NODE_HOLDS_OBJECT (node))
    {
      g_clear_pointer (&node, json_node_unref);
      node = json_node_init_object (json_node_alloc (), json_object_new ());
    }
  return node;
}

static void
add_seed (JsonBuilder *b,
          guint64      seed)
{
  json_builder_set_member_name (b, "seed");
  if (seed <= (guint64) G_MAXINT64)
    json_builder_add_int_value (b, (gint64) seed);
  else
    {
      g_autofree char *s = g_strdup_printf ("%" G_GUINT64_FORMAT, seed);

      json_builder_add_string_value (b, s);
    }
}

static void
add_side (JsonBuilder     *b,
          const char      *name,
          const AtlWork   *w,
          GHashTable      *version_numbers)
{
  gpointer number;

  json_builder_set_member_name (b, name);
  json_builder_begin_object (b);
  json_builder_set_member_name (b, "tokens");
  json_builder_begin_array (b);
  for (gsize i = 0; i < w->n_tokens; i++)
    json_builder_add_int_value (b, w->tokens[i]);
  json_builder_end_array (b);
  add_seed (b, w->seed);
  json_builder_set_member_name (b, "temperature");
  json_builder_add_double_value (b, w->temperature);
  json_builder_set_member_name (b, "model_version");
  if (g_hash_table_lookup_extended (version_numbers, &w->version_id, NULL, &number))
    json_builder_add_int_value (b, GPOINTER_TO_UINT (number));
  else
    json_builder_add_null_value (b);
  json_builder_set_member_name (b, "prompt");
  json_builder_add_value (b, prompt_node (w->prompt_json));
  json_builder_end_object (b);
}

char *
atl_prefs_export_to_string (AtlStore  *store,
                            gint64     session_id,
                            guint     *out_n_lines,
                            GError   **error)
{
  g_autoptr(GPtrArray) sessions = NULL;
  g_autoptr(GPtrArray) prefs = NULL;
  g_autoptr(GHashTable) by_id = g_hash_table_new (g_int64_hash, g_int64_equal);
  g_autoptr(GHashTable) numbers = g_hash_table_new (g_int64_hash, g_int64_equal);
  g_autoptr(GPtrArray) keep = g_ptr_array_new_with_free_func (
    (GDestroyNotify) g_ptr_array_unref);
  g_autoptr(JsonGenerator) gen = json_generator_new ();
  GString *out = g_string_new (NULL);

  /* Session names and version numbers, looked up once rather than per line. */
  sessions = atl_store_list_sessions (store, error);
  prefs = sessions != NULL ? atl_store_list_preferences (store, session_id, error) : NULL;
  if (prefs == NULL)
    {
      g_string_free (out, TRUE);
      return NULL;
    }
  for (guint i = 0; i < sessions->len; i++)
    {
      AtlSession *s = sessions->pdata[i];
      GPtrArray *versions = atl_store_list_versions (store, s->id, error);

      if (versions == NULL)
        {
          g_string_free (out, TRUE);
          return NULL;
        }
      g_ptr_array_add (keep, versions);
      g_hash_table_insert (by_id, &s->id, s);
      for (guint v = 0; v < versions->len; v++)
        {
          AtlModelVersion *mv = versions->pdata[v];

          g_hash_table_insert (numbers, &mv->id, GUINT_TO_POINTER (mv->number));
        }
    }

  for (guint i = 0; i < prefs->len; i++)
    {
      AtlPreference *p = prefs->pdata[i];
      AtlSession *s = g_hash_table_lookup (by_id, &p->session_id);
      g_autoptr(JsonBuilder) b = json_builder_new_immutable ();
      g_autoptr(JsonNode) root = NULL;
      g_autoptr(GDateTime) when = g_date_time_new_from_unix_utc (p->created / G_USEC_PER_SEC);
      g_autoptr(GDateTime) exact = NULL;
      g_autofree char *iso = NULL;
      g_autofree char *line = NULL;

      exact = g_date_time_add (when, p->created % G_USEC_PER_SEC);
      iso = g_date_time_format_iso8601 (exact);

      json_builder_begin_object (b);
      json_builder_set_member_name (b, "prompt");
      json_builder_add_value (b, prompt_node (p->winner->prompt_json));
      add_side (b, "chosen", p->winner, numbers);
      add_side (b, "rejected", p->loser, numbers);
      json_builder_set_member_name (b, "session");
      json_builder_add_string_value (b, s->name);
      json_builder_set_member_name (b, "domain");
      json_builder_add_string_value (b, atl_domain_to_string (s->domain));
      json_builder_set_member_name (b, "grid_position");
      if (p->position >= 0)
        json_builder_add_int_value (b, p->position);
      else
        json_builder_add_null_value (b);
      json_builder_set_member_name (b, "kind");
      json_builder_add_string_value (b, atl_comparison_kind_to_string (p->kind));
      json_builder_set_member_name (b, "created");
      json_builder_add_string_value (b, iso);
      json_builder_end_object (b);

      root = json_builder_get_root (b);
      json_generator_set_root (gen, root);
      line = json_generator_to_data (gen, NULL);
      g_string_append (out, line);
      g_string_append_c (out, '\n');
    }
  if (out_n_lines != NULL)
    *out_n_lines = prefs->len;
  return g_string_free (out, FALSE);
}

gboolean
atl_prefs_export_file (AtlStore    *store,
                       gint64       session_id,
                       const char  *path,
                       guint       *out_n_lines,
                       GError     **error)
{
  g_autoptr(GError) local = NULL;
  g_autofree char *data = atl_prefs_export_to_string (store, session_id, out_n_lines, error);

  if (data == NULL)
    return FALSE;
  if (!atl_export_temp_set_contents (path, data, strlen (data), &local))
    {
      g_set_error (error, ATL_PREFS_ERROR, ATL_PREFS_ERROR_IO,
                   "Cannot write the preferences “%s”: %s", path, local->message);
      return FALSE;
    }
  return TRUE;
}
