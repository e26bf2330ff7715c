/* atl-store-learning.c: what the learning side reads from the store — the active
 * comparisons with both works (the reward model's training set, the exporter's lines) and
 * their counts — and the bulk import of comparisons from a preferences file.
 */
#include "atl-store-private.h"

#include <string.h>

GPtrArray *
atl_store_list_preferences (AtlStore  *store,
                            gint64     session_id,
                            GError   **error)
{
  g_autoptr(AtlStmt) stmt = _atl_store_stmt (store,
    "SELECT c.id, c.session_id, c.kind, coalesce(c.grid_id, 0), coalesce(c.position, -1),"
    " coalesce(c.batch_id, 0), c.created, " ATL_WORK_COLUMNS_OF ("w") ", "
    ATL_WORK_COLUMNS_OF ("l")
    " FROM comparisons c JOIN works w ON w.id = c.winner_id JOIN works l ON l.id = c.loser_id"
    " WHERE (?1 = 0 OR c.session_id = ?1) AND c.undone = 0 AND c.superseded_by IS NULL"
    " ORDER BY c.id", error);
  g_autoptr(GPtrArray) prefs =
    g_ptr_array_new_with_free_func ((GDestroyNotify) atl_preference_free);
  int rc;

  if (stmt == NULL)
    return NULL;
  sqlite3_bind_int64 (stmt, 1, session_id);
  while ((rc = sqlite3_step (stmt)) == SQLITE_ROW)
    {
      g_autoptr(AtlPreference) p = g_new0 (AtlPreference, 1);

      p->id = sqlite3_column_int64 (stmt, 0);
      p->session_id = sqlite3_column_int64 (stmt, 1);
      atl_comparison_kind_from_string ((const char *) sqlite3_column_text (stmt, 2), &p->kind);
      p->grid_id = sqlite3_column_int64 (stmt, 3);
      p->position = sqlite3_column_int (stmt, 4);
      p->batch_id = sqlite3_column_int64 (stmt, 5);
      p->created = sqlite3_column_int64 (stmt, 6);
      p->winner = _atl_work_from_row (store, stmt, 7, error);
      if (p->winner == NULL)
        return NULL;
      p->loser = _atl_work_from_row (store, stmt, 7 + ATL_WORK_N_COLUMNS, error);
      if (p->loser == NULL)
        return NULL;
      g_ptr_array_add (prefs, g_steal_pointer (&p));
    }
  if (rc != SQLITE_DONE)
    {
      _atl_store_fail (store, "listing comparisons", error);
      return NULL;
    }
  return g_steal_pointer (&prefs);
}

gboolean
atl_store_count_comparisons (AtlStore             *store,
                             gint64                session_id,
                             AtlComparisonCounts  *out_counts,
                             GError              **error)
{
  g_autoptr(AtlStmt) stmt = _atl_store_stmt (store,
    "SELECT kind, undone = 0 AND superseded_by IS NULL, count(*) FROM comparisons"
    " WHERE (?1 = 0 OR session_id = ?1) GROUP BY 1, 2", error);
  int rc;

  memset (out_counts, 0, sizeof *out_counts);
  if (stmt == NULL)
    return FALSE;
  sqlite3_bind_int64 (stmt, 1, session_id);
  while ((rc = sqlite3_step (stmt)) == SQLITE_ROW)
    {
      AtlComparisonKind kind;
      guint n = (guint) sqlite3_column_int64 (stmt, 2);

      if (!sqlite3_column_int (stmt, 1))
        out_counts->inactive += n;
      else if (atl_comparison_kind_from_string ((const char *) sqlite3_column_text (stmt, 0),
                                                &kind))
        {
          out_counts->by_kind[kind] += n;
          out_counts->active += n;
        }
    }
  if (rc != SQLITE_DONE)
    return _atl_store_fail (store, "counting comparisons", error);
  return TRUE;
}

/* Identity of a work inside one import: seed, prompt and tokens. */
static GBytes *
work_key (const AtlWorkSpec *spec)
{
  GByteArray *key = g_byte_array_new ();
  const char *prompt = spec->prompt_json != NULL ? spec->prompt_json : "{}";

  g_byte_array_append (key, (const guint8 *) &spec->seed, sizeof spec->seed);
  g_byte_array_append (key, (const guint8 *) prompt, (guint) strlen (prompt) + 1);
  g_byte_array_append (key, (const guint8 *) spec->tokens,
                       (guint) (spec->n_tokens * sizeof (gint32)));
  return g_byte_array_free_to_bytes (key);
}

static gint64
import_work (AtlStore           *store,
             GHashTable         *seen,
             gint64              session_id,
             AtlDomain           domain,
             const AtlWorkSpec  *spec,
             guint              *n_works,
             GError            **error)
{
  GBytes *key;
  AtlWorkSpec copy = *spec;
  gint64 id;

  if (!_atl_check_work_spec (spec, error))
    return 0;
  key = work_key (spec);
  id = GPOINTER_TO_SIZE (g_hash_table_lookup (seen, key));
  if (id != 0)
    {
      g_bytes_unref (key);
      return id;
    }
  /* Versions and parents are ids of another store: meaningless here. */
  copy.version_id = 0;
  copy.parent_id = 0;
  id = _atl_store_insert_work (store, session_id, domain, &copy, 0, -1, error);
  if (id == 0)
    {
      g_bytes_unref (key);
      return 0;
    }
  g_hash_table_insert (seen, key, GSIZE_TO_POINTER ((gsize) id));
  (*n_works)++;
  return id;
}

gboolean
atl_store_import_pairs (AtlStore             *store,
                        gint64                session_id,
                        const AtlImportPair  *pairs,
                        guint                 n_pairs,
                        guint                *out_n_works,
                        GError              **error)
{
  g_autoptr(GHashTable) seen = g_hash_table_new_full (g_bytes_hash, g_bytes_equal,
                                                      (GDestroyNotify) g_bytes_unref, NULL);
  g_autoptr(AtlStmt) stmt = NULL;
  guint n_works = 0;
  gint64 batch_id;
  AtlDomain domain;

  g_return_val_if_fail (ATL_IS_STORE (store), FALSE);
  G_STATIC_ASSERT (sizeof (gsize) >= sizeof (gint64));

  if (out_n_works != NULL)
    *out_n_works = 0;
  if (!_atl_store_begin (store, error))
    return FALSE;
  if (!_atl_store_session_domain (store, session_id, &domain, error))
    return _atl_store_rollback (store);
  stmt = _atl_store_stmt (store,
    "INSERT INTO pick_batches (session_id, kind, created) VALUES (?, 'import', ?)", error);
  if (stmt == NULL)
    return _atl_store_rollback (store);
  sqlite3_bind_int64 (stmt, 1, session_id);
  sqlite3_bind_int64 (stmt, 2, g_get_real_time ());
  if (!_atl_store_step_done (store, stmt, "importing comparisons", error))
    return _atl_store_rollback (store);
  batch_id = sqlite3_last_insert_rowid (store->db);
  _atl_stmt_release (g_steal_pointer (&stmt));

  stmt = _atl_store_stmt (store,
    "INSERT INTO comparisons (session_id, winner_id, loser_id, kind, created, batch_id)"
    " VALUES (?, ?, ?, 'import', ?, ?)", error);
  if (stmt == NULL)
    return _atl_store_rollback (store);
  for (guint i = 0; i < n_pairs; i++)
    {
      g_autoptr(GError) local = NULL;
      gint64 winner, loser;

      winner = import_work (store, seen, session_id, domain, pairs[i].winner, &n_works, &local);
      loser = winner != 0 ? import_work (store, seen, session_id, domain, pairs[i].loser,
                                         &n_works, &local) : 0;
      if (loser == winner && local == NULL)
        g_set_error (&local, ATL_STORE_ERROR, ATL_STORE_ERROR_INVALID,
                     "the chosen and the rejected work are the same");
      if (local != NULL)
        {
          g_set_error (error, local->domain, local->code, "Pair %u: %s", i + 1, local->message);
          return _atl_store_rollback (store);
        }
      sqlite3_bind_int64 (stmt, 1, session_id);
      sqlite3_bind_int64 (stmt, 2, winner);
      sqlite3_bind_int64 (stmt, 3, loser);
      sqlite3_bind_int64 (stmt, 4, pairs[i].created > 0 ? pairs[i].created : g_get_real_time ());
      sqlite3_bind_int64 (stmt, 5, batch_id);
      if (!_atl_store_step_done (store, stmt, "importing a comparison", error))
        return _atl_store_rollback (store);
      sqlite3_reset (stmt);
    }
  if (!_atl_store_commit (store, error))
    return FALSE;
  if (out_n_works != NULL)
    *out_n_works = n_works;
  return TRUE;
}
