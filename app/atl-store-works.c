/* atl-store-works.c: works (token sequences with how they were drawn and what the artist
 * thinks of them) and grids (a round of candidates shown together).
 *
 * Tokens are stored as a BLOB of int32 little-endian, whatever the host, so a database
 * copied between machines reads the same; a blob whose length is not a whole number of
 * tokens is reported as damage rather than read.
 */
#include "atl-store-private.h"

#include <string.h>

#define GRID_COLUMNS "id, session_id, coalesce(version_id, 0), round, prompt, created"

static AtlGrid *
grid_from_row (sqlite3_stmt *stmt)
{
  AtlGrid *g = g_new0 (AtlGrid, 1);

  g->id = sqlite3_column_int64 (stmt, 0);
  g->session_id = sqlite3_column_int64 (stmt, 1);
  g->version_id = sqlite3_column_int64 (stmt, 2);
  g->round = (guint) sqlite3_column_int64 (stmt, 3);
  g->prompt_json = g_strdup ((const char *) sqlite3_column_text (stmt, 4));
  g->created = sqlite3_column_int64 (stmt, 5);
  return g;
}

AtlWork *
_atl_work_from_row (AtlStore      *store,
                    sqlite3_stmt  *stmt,
                    int            first,
                    GError       **error)
{
  g_autoptr(AtlWork) w = g_new0 (AtlWork, 1);
  const guint8 *blob;
  int c = first, n_bytes;

  w->id = sqlite3_column_int64 (stmt, c++);
  w->session_id = sqlite3_column_int64 (stmt, c++);
  atl_domain_from_string ((const char *) sqlite3_column_text (stmt, c++), &w->domain);

  blob = sqlite3_column_blob (stmt, c);
  n_bytes = sqlite3_column_bytes (stmt, c++);
  if (n_bytes <= 0 || n_bytes % 4 != 0 || n_bytes / 4 > ATL_STORE_MAX_TOKENS)
    {
      g_set_error (error, ATL_STORE_ERROR, ATL_STORE_ERROR_CORRUPT,
                   "Store “%s” is damaged: work %" G_GINT64_FORMAT " has %d bytes of tokens",
                   store->path, w->id, n_bytes);
      return NULL;
    }
  w->n_tokens = (gsize) n_bytes / 4;
  w->tokens = g_new (gint32, w->n_tokens);
  for (gsize i = 0; i < w->n_tokens; i++)
    {
      guint32 le;

      memcpy (&le, blob + 4 * i, 4);
      w->tokens[i] = (gint32) GUINT32_FROM_LE (le);
    }

  w->prompt_json = g_strdup ((const char *) sqlite3_column_text (stmt, c++));
  w->seed = (guint64) sqlite3_column_int64 (stmt, c++);
  w->temperature = sqlite3_column_double (stmt, c++);
  w->version_id = sqlite3_column_int64 (stmt, c++);
  w->grid_id = sqlite3_column_int64 (stmt, c++);
  w->position = sqlite3_column_type (stmt, c) == SQLITE_NULL ? -1 : sqlite3_column_int (stmt, c);
  c++;
  w->parent_id = sqlite3_column_int64 (stmt, c++);
  w->created = sqlite3_column_int64 (stmt, c++);
  w->favourite = sqlite3_column_int (stmt, c++) != 0;
  w->rejected = sqlite3_column_int (stmt, c++) != 0;
  w->rating = sqlite3_column_int (stmt, c++);
  w->in_collection = sqlite3_column_int (stmt, c++) != 0;
  w->title = g_strdup ((const char *) sqlite3_column_text (stmt, c++));
  g_assert (c == first + ATL_WORK_N_COLUMNS);
  return g_steal_pointer (&w);
}

GPtrArray *
_atl_store_collect_works (AtlStore  *store,
                          AtlStmt   *stmt,
                          GError   **error)
{
  g_autoptr(GPtrArray) works = g_ptr_array_new_with_free_func ((GDestroyNotify) atl_work_free);
  int rc;

  while ((rc = sqlite3_step (stmt)) == SQLITE_ROW)
    {
      AtlWork *w = _atl_work_from_row (store, stmt, 0, error);

      if (w == NULL)
        return NULL;
      g_ptr_array_add (works, w);
    }
  if (rc != SQLITE_DONE)
    {
      _atl_store_fail (store, "listing works", error);
      return NULL;
    }
  return g_steal_pointer (&works);
}

/* Does id name a row of table (model_versions or works) in this session? */
static gboolean
belongs_to_session (AtlStore    *store,
                    const char  *sql,
                    gint64       id,
                    gint64       session_id,
                    const char  *what,
                    GError     **error)
{
  g_autoptr(AtlStmt) stmt = _atl_store_stmt (store, sql, error);
  int rc;

  if (stmt == NULL)
    return FALSE;
  sqlite3_bind_int64 (stmt, 1, id);
  rc = sqlite3_step (stmt);
  if (rc == SQLITE_ROW && sqlite3_column_int64 (stmt, 0) == session_id)
    return TRUE;
  if (rc != SQLITE_ROW && rc != SQLITE_DONE)
    return _atl_store_fail (store, what, error);
  g_set_error (error, ATL_STORE_ERROR, ATL_STORE_ERROR_NOT_FOUND,
               "%s id %" G_GINT64_FORMAT " does not belong to session %" G_GINT64_FORMAT,
               what, id, session_id);
  return FALSE;
}

gint64
_atl_store_insert_work (AtlStore           *store,
                        gint64              session_id,
                        AtlDomain           domain,
                        const AtlWorkSpec  *spec,
                        gint64              grid_id,
                        int                 position,
                        GError            **error)
{
  g_autoptr(AtlStmt) stmt = NULL;
  g_autofree guint32 *le = NULL;

  if (!_atl_check_work_spec (spec, error))
    return 0;
  if (spec->version_id > 0
      && !belongs_to_session (store, "SELECT session_id FROM model_versions WHERE id = ?",
                              spec->version_id, session_id, "Model version", error))
    return 0;
  if (spec->parent_id > 0
      && !belongs_to_session (store, "SELECT session_id FROM works WHERE id = ?",
                              spec->parent_id, session_id, "Parent work", error))
    return 0;

  le = g_new (guint32, spec->n_tokens);
  for (gsize i = 0; i < spec->n_tokens; i++)
    le[i] = GUINT32_TO_LE ((guint32) spec->tokens[i]);

  stmt = _atl_store_stmt (store,
    "INSERT INTO works (session_id, domain, tokens, prompt, seed, temperature, version_id,"
    " grid_id, position, parent_id, created, title)"
    " VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)", error);
  if (stmt == NULL)
    return 0;
  sqlite3_bind_int64 (stmt, 1, session_id);
  sqlite3_bind_text (stmt, 2, atl_domain_to_string (domain), -1, SQLITE_STATIC);
  sqlite3_bind_blob (stmt, 3, le, (int) (spec->n_tokens * 4), SQLITE_STATIC);
  sqlite3_bind_text (stmt, 4, spec->prompt_json != NULL ? spec->prompt_json : "{}", -1,
                     SQLITE_STATIC);
  sqlite3_bind_int64 (stmt, 5, (gint64) spec->seed);
  sqlite3_bind_double (stmt, 6, spec->temperature);
  if (spec->version_id > 0)
    sqlite3_bind_int64 (stmt, 7, spec->version_id);
  if (grid_id > 0)
    {
      sqlite3_bind_int64 (stmt, 8, grid_id);
      sqlite3_bind_int (stmt, 9, position);
    }
  if (spec->parent_id > 0)
    sqlite3_bind_int64 (stmt, 10, spec->parent_id);
  sqlite3_bind_int64 (stmt, 11, g_get_real_time ());
  sqlite3_bind_text (stmt, 12, spec->title, -1, SQLITE_STATIC);
  if (!_atl_store_step_done (store, stmt, "adding a work", error))
    return 0;
  return sqlite3_last_insert_rowid (store->db);
}

gint64
atl_store_add_work (AtlStore           *store,
                    gint64              session_id,
                    const AtlWorkSpec  *spec,
                    GError            **error)
{
  gint64 id = 0;

  if (!atl_store_add_works (store, session_id, spec, 1, &id, error))
    return 0;
  return id;
}

gboolean
atl_store_add_works (AtlStore           *store,
                     gint64              session_id,
                     const AtlWorkSpec  *specs,
                     guint               n,
                     gint64             *out_ids,
                     GError            **error)
{
  AtlDomain domain;

  g_return_val_if_fail (ATL_IS_STORE (store), FALSE);
  g_return_val_if_fail (n == 0 || specs != NULL, FALSE);

  if (!_atl_store_begin (store, error))
    return FALSE;
  if (!_atl_store_session_domain (store, session_id, &domain, error))
    return _atl_store_rollback (store);
  for (guint i = 0; i < n; i++)
    {
      gint64 id = _atl_store_insert_work (store, session_id, domain, &specs[i], 0, -1, error);

      if (id == 0)
        return _atl_store_rollback (store);
      if (out_ids != NULL)
        out_ids[i] = id;
    }
  return _atl_store_commit (store, error);
}

gint64
atl_store_add_grid (AtlStore           *store,
                    gint64              session_id,
                    gint64              version_id,
                    const char         *prompt_json,
                    const AtlWorkSpec  *specs,
                    guint               n,
                    gint64             *out_work_ids,
                    GError            **error)
{
  g_autoptr(AtlStmt) stmt = NULL;
  g_autoptr(AtlSession) session = NULL;
  gint64 grid_id;
  AtlDomain domain;

  g_return_val_if_fail (ATL_IS_STORE (store), 0);
  g_return_val_if_fail (n == 0 || specs != NULL, 0);

  if (!_atl_check_json_object (prompt_json, "grid's prompt", error)
      || !_atl_store_begin (store, error))
    return 0;
  session = atl_store_get_session (store, session_id, error);
  if (session == NULL)
    return _atl_store_rollback (store);
  domain = session->domain;
  if (version_id == 0)
    version_id = session->current_version_id;
  if (version_id > 0
      && !belongs_to_session (store, "SELECT session_id FROM model_versions WHERE id = ?",
                              version_id, session_id, "Model version", error))
    return _atl_store_rollback (store);

  stmt = _atl_store_stmt (store,
    "INSERT INTO grids (session_id, version_id, round, prompt, created)"
    " SELECT ?1, ?2, coalesce(max(round), 0) + 1, ?3, ?4 FROM grids WHERE session_id = ?1",
    error);
  if (stmt == NULL)
    return _atl_store_rollback (store);
  sqlite3_bind_int64 (stmt, 1, session_id);
  if (version_id > 0)
    sqlite3_bind_int64 (stmt, 2, version_id);
  sqlite3_bind_text (stmt, 3, prompt_json != NULL ? prompt_json : "{}", -1, SQLITE_STATIC);
  sqlite3_bind_int64 (stmt, 4, g_get_real_time ());
  if (!_atl_store_step_done (store, stmt, "adding a grid", error))
    return _atl_store_rollback (store);
  grid_id = sqlite3_last_insert_rowid (store->db);

  for (guint i = 0; i < n; i++)
    {
      AtlWorkSpec spec = specs[i];
      gint64 id;

      if (spec.version_id == 0)
        spec.version_id = version_id;
      id = _atl_store_insert_work (store, session_id, domain, &spec, grid_id, (int) i, error);
      if (id == 0)
        return _atl_store_rollback (store);
      if (out_work_ids != NULL)
        out_work_ids[i] = id;
    }
  if (!_atl_store_commit (store, error))
    return 0;
  return grid_id;
}

AtlGrid *
atl_store_get_grid (AtlStore  *store,
                    gint64     grid_id,
                    GError   **error)
{
  g_autoptr(AtlStmt) stmt = _atl_store_stmt (store,
    "SELECT " GRID_COLUMNS " FROM grids WHERE id = ?", error);
  int rc;

  if (stmt == NULL)
    return NULL;
  sqlite3_bind_int64 (stmt, 1, grid_id);
  rc = sqlite3_step (stmt);
  if (rc == SQLITE_ROW)
    return grid_from_row (stmt);
  if (rc == SQLITE_DONE)
    g_set_error (error, ATL_STORE_ERROR, ATL_STORE_ERROR_NOT_FOUND,
                 "There is no grid with id %" G_GINT64_FORMAT, grid_id);
  else
    _atl_store_fail (store, "reading a grid", error);
  return NULL;
}

GPtrArray *
atl_store_list_grids (AtlStore  *store,
                      gint64     session_id,
                      GError   **error)
{
  g_autoptr(AtlStmt) stmt = _atl_store_stmt (store,
    "SELECT " GRID_COLUMNS " FROM grids WHERE session_id = ? ORDER BY round", error);
  g_autoptr(GPtrArray) grids = g_ptr_array_new_with_free_func ((GDestroyNotify) atl_grid_free);
  int rc;

  if (stmt == NULL)
    return NULL;
  sqlite3_bind_int64 (stmt, 1, session_id);
  while ((rc = sqlite3_step (stmt)) == SQLITE_ROW)
    g_ptr_array_add (grids, grid_from_row (stmt));
  if (rc != SQLITE_DONE)
    {
      _atl_store_fail (store, "listing grids", error);
      return NULL;
    }
  return g_steal_pointer (&grids);
}

AtlWork *
atl_store_get_work (AtlStore  *store,
                    gint64     work_id,
                    GError   **error)
{
  g_autoptr(AtlStmt) stmt = _atl_store_stmt (store,
    "SELECT " ATL_WORK_COLUMNS " FROM works w WHERE w.id = ?", error);
  int rc;

  if (stmt == NULL)
    return NULL;
  sqlite3_bind_int64 (stmt, 1, work_id);
  rc = sqlite3_step (stmt);
  if (rc == SQLITE_ROW)
    return _atl_work_from_row (store, stmt, 0, error);
  if (rc == SQLITE_DONE)
    g_set_error (error, ATL_STORE_ERROR, ATL_STORE_ERROR_NOT_FOUND,
                 "There is no work with id %" G_GINT64_FORMAT, work_id);
  else
    _atl_store_fail (store, "reading a work", error);
  return NULL;
}

GPtrArray *
atl_store_list_works (AtlStore  *store,
                      gint64     session_id,
                      GError   **error)
{
  g_autoptr(AtlStmt) stmt = _atl_store_stmt (store,
    "SELECT " ATL_WORK_COLUMNS " FROM works w WHERE w.session_id = ? ORDER BY w.id", error);

  if (stmt == NULL)
    return NULL;
  sqlite3_bind_int64 (stmt, 1, session_id);
  return _atl_store_collect_works (store, stmt, error);
}

GPtrArray *
atl_store_list_grid_works (AtlStore  *store,
                           gint64     grid_id,
                           GError   **error)
{
  g_autoptr(AtlStmt) stmt = _atl_store_stmt (store,
    "SELECT " ATL_WORK_COLUMNS " FROM works w WHERE w.grid_id = ? ORDER BY w.position", error);

  if (stmt == NULL)
    return NULL;
  sqlite3_bind_int64 (stmt, 1, grid_id);
  return _atl_store_collect_works (store, stmt, error);
}

GPtrArray *
atl_store_list_collection (AtlStore  *store,
                           gint64     session_id,
                           GError   **error)
{
  g_autoptr(AtlStmt) stmt = _atl_store_stmt (store,
    "SELECT " ATL_WORK_COLUMNS " FROM works w WHERE w.session_id = ? AND w.in_collection = 1"
    " ORDER BY w.id", error);

  if (stmt == NULL)
    return NULL;
  sqlite3_bind_int64 (stmt, 1, session_id);
  return _atl_store_collect_works (store, stmt, error);
}

/* Sets one column of one work; sql has ?1 = value, ?2 = id. */
static gboolean
set_work_column (AtlStore    *store,
                 const char  *sql,
                 gint64       work_id,
                 gint64       value,
                 const char  *text,
                 GError     **error)
{
  g_autoptr(AtlStmt) stmt = _atl_store_stmt (store, sql, error);

  if (stmt == NULL)
    return FALSE;
  if (text != NULL)
    sqlite3_bind_text (stmt, 1, text, -1, SQLITE_STATIC);
  else
    sqlite3_bind_int64 (stmt, 1, value);
  sqlite3_bind_int64 (stmt, 2, work_id);
  if (!_atl_store_step_done (store, stmt, "updating a work", error))
    return FALSE;
  if (sqlite3_changes (store->db) == 0)
    {
      g_set_error (error, ATL_STORE_ERROR, ATL_STORE_ERROR_NOT_FOUND,
                   "There is no work with id %" G_GINT64_FORMAT, work_id);
      return FALSE;
    }
  return TRUE;
}

gboolean
atl_store_set_favourite (AtlStore  *store,
                         gint64     work_id,
                         gboolean   favourite,
                         GError   **error)
{
  return set_work_column (store, "UPDATE works SET favourite = ?1 WHERE id = ?2", work_id,
                          favourite ? 1 : 0, NULL, error);
}

gboolean
atl_store_set_rejected (AtlStore  *store,
                        gint64     work_id,
                        gboolean   rejected,
                        GError   **error)
{
  return set_work_column (store, "UPDATE works SET rejected = ?1 WHERE id = ?2", work_id,
                          rejected ? 1 : 0, NULL, error);
}

gboolean
atl_store_set_in_collection (AtlStore  *store,
                             gint64     work_id,
                             gboolean   in_collection,
                             GError   **error)
{
  return set_work_column (store, "UPDATE works SET in_collection = ?1 WHERE id = ?2", work_id,
                          in_collection ? 1 : 0, NULL, error);
}

gboolean
atl_store_set_title (AtlStore    *store,
                     gint64       work_id,
                     const char  *title,
                     GError     **error)
{
  if (title != NULL && !g_utf8_validate (title, -1, NULL))
    {
      g_set_error (error, ATL_STORE_ERROR, ATL_STORE_ERROR_INVALID,
                   "A work's title must be UTF-8");
      return FALSE;
    }
  if (title == NULL)
    return set_work_column (store, "UPDATE works SET title = NULL WHERE id = ?2", work_id,
                            0, NULL, error);
  return set_work_column (store, "UPDATE works SET title = ?1 WHERE id = ?2", work_id, 0,
                          title, error);
}
