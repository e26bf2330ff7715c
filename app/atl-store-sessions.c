/* atl-store-sessions.c: sessions (a named style with its own fine-tuned generator) and
 * their model versions. v0 of a session is the shipped base; training adds vN+1; restore
 * and reset only move the session's "current" pointer, so history is never lost.
 */
#include "atl-store-private.h"

#include <string.h>

#define SESSION_COLUMNS \
  "id, name, domain, sliders, coalesce(current_version_id, 0), exploration, created, updated"
#define VERSION_COLUMNS \
  "id, session_id, coalesce(parent_id, 0), number, path, sha256, metrics, created"

static char *
dup_column_text (sqlite3_stmt *stmt,
                 int           col)
{
  return g_strdup ((const char *) sqlite3_column_text (stmt, col));
}

static AtlSession *
session_from_row (sqlite3_stmt *stmt)
{
  AtlSession *s = g_new0 (AtlSession, 1);

  s->id = sqlite3_column_int64 (stmt, 0);
  s->name = dup_column_text (stmt, 1);
  if (!atl_domain_from_string ((const char *) sqlite3_column_text (stmt, 2), &s->domain))
    s->domain = ATL_DOMAIN_ART;  /* unreachable: a CHECK constraint guards the column */
  s->sliders_json = dup_column_text (stmt, 3);
  s->current_version_id = sqlite3_column_int64 (stmt, 4);
  s->exploration = sqlite3_column_double (stmt, 5);
  s->created = sqlite3_column_int64 (stmt, 6);
  s->updated = sqlite3_column_int64 (stmt, 7);
  return s;
}

static AtlModelVersion *
version_from_row (sqlite3_stmt *stmt)
{
  AtlModelVersion *v = g_new0 (AtlModelVersion, 1);

  v->id = sqlite3_column_int64 (stmt, 0);
  v->session_id = sqlite3_column_int64 (stmt, 1);
  v->parent_id = sqlite3_column_int64 (stmt, 2);
  v->number = (guint) sqlite3_column_int64 (stmt, 3);
  v->path = dup_column_text (stmt, 4);
  v->sha256 = dup_column_text (stmt, 5);
  v->metrics_json = dup_column_text (stmt, 6);
  v->created = sqlite3_column_int64 (stmt, 7);
  return v;
}

static gboolean
session_not_found (gint64    session_id,
                   GError  **error)
{
  g_set_error (error, ATL_STORE_ERROR, ATL_STORE_ERROR_NOT_FOUND,
               "There is no session with id %" G_GINT64_FORMAT, session_id);
  return FALSE;
}

static gboolean
check_name (const char  *name,
            GError     **error)
{
  gboolean blank = TRUE;

  if (name != NULL && g_utf8_validate (name, -1, NULL)
      && g_utf8_strlen (name, -1) <= ATL_STORE_MAX_NAME)
    for (const char *p = name; *p != '\0' && blank; p = g_utf8_next_char (p))
      blank = g_unichar_isspace (g_utf8_get_char (p));
  if (blank)
    {
      g_set_error (error, ATL_STORE_ERROR, ATL_STORE_ERROR_INVALID,
                   "A session name must be 1–%d characters of UTF-8, not only spaces",
                   ATL_STORE_MAX_NAME);
      return FALSE;
    }
  return TRUE;
}

/* A UNIQUE failure on sessions.name is the one constraint a user can hit by typing. */
static gboolean
fail_name (AtlStore    *store,
           const char  *name,
           const char  *what,
           GError     **error)
{
  if (sqlite3_extended_errcode (store->db) == SQLITE_CONSTRAINT_UNIQUE)
    {
      g_set_error (error, ATL_STORE_ERROR, ATL_STORE_ERROR_EXISTS,
                   "A session named “%s” exists already", name);
      return FALSE;
    }
  return _atl_store_fail (store, what, error);
}

gboolean
_atl_store_session_domain (AtlStore   *store,
                           gint64      session_id,
                           AtlDomain  *out_domain,
                           GError    **error)
{
  g_autoptr(AtlStmt) stmt =
    _atl_store_stmt (store, "SELECT domain FROM sessions WHERE id = ?", error);
  int rc;

  if (stmt == NULL)
    return FALSE;
  sqlite3_bind_int64 (stmt, 1, session_id);
  rc = sqlite3_step (stmt);
  if (rc == SQLITE_DONE)
    return session_not_found (session_id, error);
  if (rc != SQLITE_ROW)
    return _atl_store_fail (store, "reading a session", error);
  atl_domain_from_string ((const char *) sqlite3_column_text (stmt, 0), out_domain);
  return TRUE;
}

static gint64
insert_version (AtlStore    *store,
                gint64       session_id,
                gint64       parent_id,
                guint        number,
                const char  *path,
                const char  *sha256,
                const char  *metrics_json,
                GError     **error)
{
  g_autoptr(AtlStmt) stmt = _atl_store_stmt (store,
    "INSERT INTO model_versions (session_id, parent_id, number, path, sha256, metrics, created)"
    " VALUES (?, ?, ?, ?, ?, ?, ?)", error);

  if (stmt == NULL)
    return 0;
  sqlite3_bind_int64 (stmt, 1, session_id);
  if (parent_id > 0)
    sqlite3_bind_int64 (stmt, 2, parent_id);
  sqlite3_bind_int64 (stmt, 3, number);
  sqlite3_bind_text (stmt, 4, path, -1, SQLITE_TRANSIENT);
  sqlite3_bind_text (stmt, 5, sha256, -1, SQLITE_TRANSIENT);
  sqlite3_bind_text (stmt, 6, metrics_json != NULL ? metrics_json : "{}", -1, SQLITE_TRANSIENT);
  sqlite3_bind_int64 (stmt, 7, g_get_real_time ());
  if (!_atl_store_step_done (store, stmt, "adding a model version", error))
    return 0;
  return sqlite3_last_insert_rowid (store->db);
}

/* Points the session at version_id, which must be one of its own versions. */
static gboolean
update_current (AtlStore  *store,
                gint64     session_id,
                gint64     version_id,
                GError   **error)
{
  g_autoptr(AtlStmt) stmt = _atl_store_stmt (store,
    "UPDATE sessions SET current_version_id = ?1, updated = ?3 WHERE id = ?2"
    " AND EXISTS (SELECT 1 FROM model_versions WHERE id = ?1 AND session_id = ?2)", error);

  if (stmt == NULL)
    return FALSE;
  sqlite3_bind_int64 (stmt, 1, version_id);
  sqlite3_bind_int64 (stmt, 2, session_id);
  sqlite3_bind_int64 (stmt, 3, g_get_real_time ());
  if (!_atl_store_step_done (store, stmt, "switching the model version", error))
    return FALSE;
  if (sqlite3_changes (store->db) == 0)
    {
      g_set_error (error, ATL_STORE_ERROR, ATL_STORE_ERROR_NOT_FOUND,
                   "Version id %" G_GINT64_FORMAT " is not a version of session %"
                   G_GINT64_FORMAT, version_id, session_id);
      return FALSE;
    }
  return TRUE;
}

gint64
atl_store_create_session (AtlStore    *store,
                          const char  *name,
                          AtlDomain    domain,
                          const char  *sliders_json,
                          const char  *base_path,
                          const char  *base_sha256,
                          GError     **error)
{
  g_autoptr(AtlStmt) stmt = NULL;
  gint64 now = g_get_real_time (), session_id, v0;

  g_return_val_if_fail (ATL_IS_STORE (store), 0);

  if (!check_name (name, error) || !_atl_check_json_object (sliders_json, "sliders", error))
    return 0;
  if ((guint) domain > ATL_DOMAIN_MUSIC)
    {
      g_set_error (error, ATL_STORE_ERROR, ATL_STORE_ERROR_INVALID, "Unknown domain %d",
                   domain);
      return 0;
    }
  stmt = _atl_store_stmt (store,
    "INSERT INTO sessions (name, domain, sliders, created, updated) VALUES (?, ?, ?, ?, ?)",
    error);
  if (stmt == NULL || !_atl_store_begin (store, error))
    return 0;
  sqlite3_bind_text (stmt, 1, name, -1, SQLITE_TRANSIENT);
  sqlite3_bind_text (stmt, 2, atl_domain_to_string (domain), -1, SQLITE_STATIC);
  sqlite3_bind_text (stmt, 3, sliders_json != NULL ? sliders_json : "{}", -1, SQLITE_TRANSIENT);
  sqlite3_bind_int64 (stmt, 4, now);
  sqlite3_bind_int64 (stmt, 5, now);
  if (sqlite3_step (stmt) != SQLITE_DONE)
    {
      fail_name (store, name, "creating a session", error);
      return _atl_store_rollback (store);
    }
  session_id = sqlite3_last_insert_rowid (store->db);

  v0 = insert_version (store, session_id, 0, 0, base_path, base_sha256, NULL, error);
  if (v0 == 0 || !update_current (store, session_id, v0, error)
      || !_atl_store_commit (store, error))
    return _atl_store_rollback (store);
  return session_id;
}

gboolean
atl_store_rename_session (AtlStore    *store,
                          gint64       session_id,
                          const char  *new_name,
                          GError     **error)
{
  g_autoptr(AtlStmt) stmt = NULL;

  if (!check_name (new_name, error))
    return FALSE;
  stmt = _atl_store_stmt (store, "UPDATE sessions SET name = ?, updated = ? WHERE id = ?",
                          error);
  if (stmt == NULL)
    return FALSE;
  sqlite3_bind_text (stmt, 1, new_name, -1, SQLITE_TRANSIENT);
  sqlite3_bind_int64 (stmt, 2, g_get_real_time ());
  sqlite3_bind_int64 (stmt, 3, session_id);
  if (sqlite3_step (stmt) != SQLITE_DONE)
    return fail_name (store, new_name, "renaming a session", error);
  if (sqlite3_changes (store->db) == 0)
    return session_not_found (session_id, error);
  return TRUE;
}

gboolean
atl_store_delete_session (AtlStore  *store,
                          gint64     session_id,
                          GError   **error)
{
  g_autoptr(AtlStmt) stmt = _atl_store_stmt (store, "DELETE FROM sessions WHERE id = ?", error);

  if (stmt == NULL)
    return FALSE;
  sqlite3_bind_int64 (stmt, 1, session_id);
  if (!_atl_store_step_done (store, stmt, "deleting a session", error))
    return FALSE;
  if (sqlite3_changes (store->db) == 0)
    return session_not_found (session_id, error);
  return TRUE;
}

GPtrArray *
atl_store_list_sessions (AtlStore  *store,
                         GError   **error)
{
  g_autoptr(AtlStmt) stmt = _atl_store_stmt (store,
    "SELECT " SESSION_COLUMNS " FROM sessions ORDER BY name", error);
  g_autoptr(GPtrArray) sessions = g_ptr_array_new_with_free_func ((GDestroyNotify) atl_session_free);
  int rc;

  if (stmt == NULL)
    return NULL;
  while ((rc = sqlite3_step (stmt)) == SQLITE_ROW)
    g_ptr_array_add (sessions, session_from_row (stmt));
  if (rc != SQLITE_DONE)
    {
      _atl_store_fail (store, "listing sessions", error);
      return NULL;
    }
  return g_steal_pointer (&sessions);
}

AtlSession *
atl_store_get_session (AtlStore  *store,
                       gint64     session_id,
                       GError   **error)
{
  g_autoptr(AtlStmt) stmt = _atl_store_stmt (store,
    "SELECT " SESSION_COLUMNS " FROM sessions WHERE id = ?", error);
  int rc;

  if (stmt == NULL)
    return NULL;
  sqlite3_bind_int64 (stmt, 1, session_id);
  rc = sqlite3_step (stmt);
  if (rc == SQLITE_ROW)
    return session_from_row (stmt);
  if (rc == SQLITE_DONE)
    session_not_found (session_id, error);
  else
    _atl_store_fail (store, "reading a session", error);
  return NULL;
}

AtlSession *
atl_store_lookup_session (AtlStore    *store,
                          const char  *name,
                          GError     **error)
{
  g_autoptr(AtlStmt) stmt = _atl_store_stmt (store,
    "SELECT " SESSION_COLUMNS " FROM sessions WHERE name = ?", error);
  int rc;

  if (stmt == NULL)
    return NULL;
  sqlite3_bind_text (stmt, 1, name, -1, SQLITE_TRANSIENT);
  rc = sqlite3_step (stmt);
  if (rc == SQLITE_ROW)
    return session_from_row (stmt);
  if (rc == SQLITE_DONE)
    g_set_error (error, ATL_STORE_ERROR, ATL_STORE_ERROR_NOT_FOUND,
                 "There is no session named “%s”", name);
  else
    _atl_store_fail (store, "reading a session", error);
  return NULL;
}

gboolean
atl_store_set_sliders (AtlStore    *store,
                       gint64       session_id,
                       const char  *sliders_json,
                       GError     **error)
{
  g_autoptr(AtlStmt) stmt = NULL;

  if (!_atl_check_json_object (sliders_json, "sliders", error))
    return FALSE;
  stmt = _atl_store_stmt (store, "UPDATE sessions SET sliders = ?, updated = ? WHERE id = ?",
                          error);
  if (stmt == NULL)
    return FALSE;
  sqlite3_bind_text (stmt, 1, sliders_json != NULL ? sliders_json : "{}", -1, SQLITE_TRANSIENT);
  sqlite3_bind_int64 (stmt, 2, g_get_real_time ());
  sqlite3_bind_int64 (stmt, 3, session_id);
  if (!_atl_store_step_done (store, stmt, "saving the sliders", error))
    return FALSE;
  return sqlite3_changes (store->db) > 0 || session_not_found (session_id, error);
}

gboolean
atl_store_set_exploration (AtlStore  *store,
                           gint64     session_id,
                           double     ratio,
                           GError   **error)
{
  g_autoptr(AtlStmt) stmt = NULL;

  if (!(ratio >= 0.0 && ratio <= 1.0))
    {
      g_set_error (error, ATL_STORE_ERROR, ATL_STORE_ERROR_INVALID,
                   "The exploration ratio must be in 0–1, not %g", ratio);
      return FALSE;
    }
  stmt = _atl_store_stmt (store,
    "UPDATE sessions SET exploration = ?, updated = ? WHERE id = ?", error);
  if (stmt == NULL)
    return FALSE;
  sqlite3_bind_double (stmt, 1, ratio);
  sqlite3_bind_int64 (stmt, 2, g_get_real_time ());
  sqlite3_bind_int64 (stmt, 3, session_id);
  if (!_atl_store_step_done (store, stmt, "saving the exploration ratio", error))
    return FALSE;
  return sqlite3_changes (store->db) > 0 || session_not_found (session_id, error);
}

gboolean
atl_store_set_current_version (AtlStore  *store,
                               gint64     session_id,
                               gint64     version_id,
                               GError   **error)
{
  return update_current (store, session_id, version_id, error);
}

/* Versions. */

gint64
atl_store_add_version (AtlStore    *store,
                       gint64       session_id,
                       gint64       parent_id,
                       const char  *path,
                       const char  *sha256,
                       const char  *metrics_json,
                       gboolean     make_current,
                       GError     **error)
{
  g_autoptr(AtlStmt) stmt = NULL;
  g_autoptr(AtlSession) session = NULL;
  gint64 id;
  guint number;

  if (path == NULL || sha256 == NULL || strlen (sha256) != 64)
    {
      g_set_error (error, ATL_STORE_ERROR, ATL_STORE_ERROR_INVALID,
                   "A new model version needs its checkpoint's path and sha256 (64 hex digits)");
      return 0;
    }
  if (!_atl_check_json_object (metrics_json, "version's metrics", error)
      || !_atl_store_begin (store, error))
    return 0;

  session = atl_store_get_session (store, session_id, error);
  if (session == NULL)
    return _atl_store_rollback (store);
  if (parent_id == 0)
    parent_id = session->current_version_id;

  stmt = _atl_store_stmt (store,
    "SELECT coalesce(max(number), -1) + 1,"
    " (SELECT count(*) FROM model_versions WHERE id = ?2 AND session_id = ?1)"
    " FROM model_versions WHERE session_id = ?1", error);
  if (stmt == NULL)
    return _atl_store_rollback (store);
  sqlite3_bind_int64 (stmt, 1, session_id);
  sqlite3_bind_int64 (stmt, 2, parent_id);
  if (sqlite3_step (stmt) != SQLITE_ROW)
    {
      _atl_store_fail (store, "numbering a model version", error);
      return _atl_store_rollback (store);
    }
  number = (guint) sqlite3_column_int64 (stmt, 0);
  if (parent_id != 0 && sqlite3_column_int (stmt, 1) == 0)
    {
      g_set_error (error, ATL_STORE_ERROR, ATL_STORE_ERROR_NOT_FOUND,
                   "Version id %" G_GINT64_FORMAT " is not a version of session “%s”",
                   parent_id, session->name);
      return _atl_store_rollback (store);
    }
  sqlite3_reset (stmt);

  id = insert_version (store, session_id, parent_id, number, path, sha256, metrics_json, error);
  if (id == 0 || (make_current && !update_current (store, session_id, id, error))
      || !_atl_store_commit (store, error))
    return _atl_store_rollback (store);
  return id;
}

GPtrArray *
atl_store_list_versions (AtlStore  *store,
                         gint64     session_id,
                         GError   **error)
{
  g_autoptr(AtlStmt) stmt = _atl_store_stmt (store,
    "SELECT " VERSION_COLUMNS " FROM model_versions WHERE session_id = ? ORDER BY number",
    error);
  g_autoptr(GPtrArray) versions =
    g_ptr_array_new_with_free_func ((GDestroyNotify) atl_model_version_free);
  int rc;

  if (stmt == NULL)
    return NULL;
  sqlite3_bind_int64 (stmt, 1, session_id);
  while ((rc = sqlite3_step (stmt)) == SQLITE_ROW)
    g_ptr_array_add (versions, version_from_row (stmt));
  if (rc != SQLITE_DONE)
    {
      _atl_store_fail (store, "listing model versions", error);
      return NULL;
    }
  return g_steal_pointer (&versions);
}

AtlModelVersion *
atl_store_get_version (AtlStore  *store,
                       gint64     version_id,
                       GError   **error)
{
  g_autoptr(AtlStmt) stmt = _atl_store_stmt (store,
    "SELECT " VERSION_COLUMNS " FROM model_versions WHERE id = ?", error);
  int rc;

  if (stmt == NULL)
    return NULL;
  sqlite3_bind_int64 (stmt, 1, version_id);
  rc = sqlite3_step (stmt);
  if (rc == SQLITE_ROW)
    return version_from_row (stmt);
  if (rc == SQLITE_DONE)
    g_set_error (error, ATL_STORE_ERROR, ATL_STORE_ERROR_NOT_FOUND,
                 "There is no model version with id %" G_GINT64_FORMAT, version_id);
  else
    _atl_store_fail (store, "reading a model version", error);
  return NULL;
}

AtlModelVersion *
atl_store_get_current_version (AtlStore  *store,
                               gint64     session_id,
                               GError   **error)
{
  g_autoptr(AtlSession) session = atl_store_get_session (store, session_id, error);

  if (session == NULL)
    return NULL;
  return atl_store_get_version (store, session->current_version_id, error);
}

gboolean
atl_store_restore_version (AtlStore  *store,
                           gint64     session_id,
                           guint      number,
                           GError   **error)
{
  g_autoptr(AtlStmt) stmt = _atl_store_stmt (store,
    "SELECT id FROM model_versions WHERE session_id = ? AND number = ?", error);
  gint64 version_id;
  int rc;

  if (stmt == NULL)
    return FALSE;
  sqlite3_bind_int64 (stmt, 1, session_id);
  sqlite3_bind_int64 (stmt, 2, number);
  rc = sqlite3_step (stmt);
  if (rc == SQLITE_DONE)
    {
      g_autoptr(AtlSession) session = NULL;

      sqlite3_reset (stmt);
      session = atl_store_get_session (store, session_id, error);
      if (session != NULL)
        g_set_error (error, ATL_STORE_ERROR, ATL_STORE_ERROR_NOT_FOUND,
                     "Session “%s” has no version v%u", session->name, number);
      return FALSE;
    }
  if (rc != SQLITE_ROW)
    return _atl_store_fail (store, "finding a model version", error);
  version_id = sqlite3_column_int64 (stmt, 0);
  sqlite3_reset (stmt);
  return update_current (store, session_id, version_id, error);
}

gboolean
atl_store_reset_to_base (AtlStore  *store,
                         gint64     session_id,
                         GError   **error)
{
  return atl_store_restore_version (store, session_id, 0, error);
}
