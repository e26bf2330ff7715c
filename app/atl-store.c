/* atl-store.c: AtlStore's connection — opening (with the checks that turn a damaged file
 * into a clear error), the statement cache, transactions and error mapping — and the
 * small records it hands out. Sessions and versions are in atl-store-sessions.c, works
 * and grids in atl-store-works.c, feedback in atl-store-feedback.c.
 */
#include "atl-store-private.h"

#include <errno.h>
#include <fcntl.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <gio/gio.h>
#include <glib/gstdio.h>
#include <json-glib/json-glib.h>

#include "atl-paths.h"

G_DEFINE_QUARK (atl-store-error-quark, atl_store_error)

/* How long a write waits for another process's transaction (the trainer's) to finish. */
#define BUSY_TIMEOUT_MS 5000
/* An SQLite file's first bytes, and where its header keeps the page size and count. */
#define SQLITE_MAGIC "SQLite format 3"
#define HEADER_SIZE 100

G_DEFINE_FINAL_TYPE (AtlStore, atl_store, G_TYPE_OBJECT)

static void
close_db (AtlStore *store)
{
  if (store->db == NULL)
    return;
  /* Statements first: sqlite3_close refuses while any is alive. */
  g_hash_table_remove_all (store->stmts);
  sqlite3_close_v2 (store->db);
  store->db = NULL;
}

static void
atl_store_finalize (GObject *object)
{
  AtlStore *store = ATL_STORE (object);

  close_db (store);
  g_clear_pointer (&store->stmts, g_hash_table_unref);
  g_clear_pointer (&store->path, g_free);
  G_OBJECT_CLASS (atl_store_parent_class)->finalize (object);
}

static void
atl_store_class_init (AtlStoreClass *klass)
{
  G_OBJECT_CLASS (klass)->finalize = atl_store_finalize;
}

static void
stmt_finalize (gpointer stmt)
{
  sqlite3_finalize (stmt);
}

static void
atl_store_init (AtlStore *store)
{
  store->stmts = g_hash_table_new_full (g_direct_hash, g_direct_equal, NULL, stmt_finalize);
}

/* Error plumbing. */

static AtlStoreError
error_code_for (int rc)
{
  switch (rc & 0xff)
    {
    case SQLITE_CORRUPT:
    case SQLITE_NOTADB:
      return ATL_STORE_ERROR_CORRUPT;
    case SQLITE_BUSY:
    case SQLITE_LOCKED:
      return ATL_STORE_ERROR_BUSY;
    case SQLITE_CANTOPEN:
    case SQLITE_IOERR:
    case SQLITE_FULL:
    case SQLITE_READONLY:
    case SQLITE_PERM:
      return ATL_STORE_ERROR_IO;
    case SQLITE_CONSTRAINT:
      return ATL_STORE_ERROR_INVALID;
    default:
      return ATL_STORE_ERROR_FAILED;
    }
}

gboolean
_atl_store_fail (AtlStore    *store,
                 const char  *what,
                 GError     **error)
{
  int rc = store->db != NULL ? sqlite3_extended_errcode (store->db) : SQLITE_MISUSE;
  const char *msg = store->db != NULL ? sqlite3_errmsg (store->db) : "closed";

  AtlStoreError code = error_code_for (rc);

  if (code == ATL_STORE_ERROR_CORRUPT)
    g_set_error (error, ATL_STORE_ERROR, code, "Store “%s” is damaged (%s: %s)", store->path,
                 what, msg);
  else
    g_set_error (error, ATL_STORE_ERROR, code, "Store “%s”: %s: %s", store->path, what, msg);
  return FALSE;
}

gboolean
_atl_store_check_open (AtlStore  *store,
                       GError   **error)
{
  if (store->db != NULL)
    return TRUE;
  g_set_error (error, ATL_STORE_ERROR, ATL_STORE_ERROR_IO, "Store “%s” is closed",
               store->path);
  return FALSE;
}

/* Statements and transactions. */

void
_atl_stmt_release (AtlStmt *stmt)
{
  sqlite3_reset (stmt);
  sqlite3_clear_bindings (stmt);
}

AtlStmt *
_atl_store_stmt (AtlStore    *store,
                 const char  *sql,
                 GError     **error)
{
  sqlite3_stmt *stmt;

  if (!_atl_store_check_open (store, error))
    return NULL;
  stmt = g_hash_table_lookup (store->stmts, sql);
  if (stmt != NULL)
    return stmt;
  if (sqlite3_prepare_v3 (store->db, sql, -1, SQLITE_PREPARE_PERSISTENT, &stmt, NULL)
      != SQLITE_OK)
    {
      _atl_store_fail (store, "preparing a query", error);
      return NULL;
    }
  g_hash_table_insert (store->stmts, (gpointer) sql, stmt);
  return stmt;
}

gboolean
_atl_store_exec (AtlStore    *store,
                 const char  *sql,
                 GError     **error)
{
  if (!_atl_store_check_open (store, error))
    return FALSE;
  if (sqlite3_exec (store->db, sql, NULL, NULL, NULL) != SQLITE_OK)
    return _atl_store_fail (store, sql, error);
  return TRUE;
}

gboolean
_atl_store_step_done (AtlStore    *store,
                      AtlStmt     *stmt,
                      const char  *what,
                      GError     **error)
{
  int rc;

  while ((rc = sqlite3_step (stmt)) == SQLITE_ROW)
    ;
  if (rc != SQLITE_DONE)
    return _atl_store_fail (store, what, error);
  return TRUE;
}

gboolean
_atl_store_begin (AtlStore  *store,
                  GError   **error)
{
  return _atl_store_exec (store, "BEGIN IMMEDIATE", error);
}

gboolean
_atl_store_commit (AtlStore  *store,
                   GError   **error)
{
  if (!_atl_store_exec (store, "COMMIT", error))
    return _atl_store_rollback (store);
  return TRUE;
}

gboolean
_atl_store_rollback (AtlStore *store)
{
  if (store->db != NULL && !sqlite3_get_autocommit (store->db))
    sqlite3_exec (store->db, "ROLLBACK", NULL, NULL, NULL);
  return FALSE;
}

/* Validation shared by the files of the store. */

gboolean
_atl_check_json_object (const char  *json,
                        const char  *what,
                        GError     **error)
{
  g_autoptr(JsonParser) parser = NULL;
  g_autoptr(GError) local = NULL;
  JsonNode *root;

  if (json == NULL)
    return TRUE;
  parser = json_parser_new_immutable ();
  if (!json_parser_load_from_data (parser, json, -1, &local))
    {
      g_set_error (error, ATL_STORE_ERROR, ATL_STORE_ERROR_INVALID, "The %s are not JSON: %s",
                   what, local->message);
      return FALSE;
    }
  root = json_parser_get_root (parser);
  if (root == NULL || !JSON_NODE_HOLDS_OBJECT (root))
    {
      g_set_error (error, ATL_STORE_ERROR, ATL_STORE_ERROR_INVALID,
                   "The %s must be a JSON object", what);
      return FALSE;
    }
  return TRUE;
}

gboolean
_atl_check_work_spec (const AtlWorkSpec  *spec,
                      GError            **error)
{
  if (spec->n_tokens == 0 || spec->n_tokens > ATL_STORE_MAX_TOKENS || spec->tokens == NULL)
    {
      g_set_error (error, ATL_STORE_ERROR, ATL_STORE_ERROR_INVALID,
                   "A work must have 1 to %d tokens, not %" G_GSIZE_FORMAT,
                   ATL_STORE_MAX_TOKENS, spec->n_tokens);
      return FALSE;
    }
  for (gsize i = 0; i < spec->n_tokens; i++)
    if (spec->tokens[i] < 0 || spec->tokens[i] > ATL_STORE_MAX_TOKEN_ID)
      {
        g_set_error (error, ATL_STORE_ERROR, ATL_STORE_ERROR_INVALID,
                     "Token %" G_GSIZE_FORMAT " of a work is %d, outside 0–%d", i,
                     spec->tokens[i], ATL_STORE_MAX_TOKEN_ID);
        return FALSE;
      }
  if (!(spec->temperature >= 0.0 && spec->temperature <= 100.0))
    {
      g_set_error (error, ATL_STORE_ERROR, ATL_STORE_ERROR_INVALID,
                   "A work's temperature must be in 0–100, not %g", spec->temperature);
      return FALSE;
    }
  return _atl_check_json_object (spec->prompt_json, "work's prompt", error);
}

/* Opening. */

static guint32
read_be32 (const guint8 *p)
{
  return ((guint32) p[0] << 24) | ((guint32) p[1] << 16) | ((guint32) p[2] << 8) | p[3];
}

/* Before SQLite sees the file: is it an SQLite file at all, and is it as long as its own
 * header says? SQLite reads pages lazily, so a truncated file would otherwise open and
 * fail later, half-way through some query. The length check is skipped while a WAL file
 * has content: pages may then legitimately live only in the WAL until recovery. */
static gboolean
check_file_header (const char  *path,
                   GError     **error)
{
  g_autofree char *wal = g_strconcat (path, "-wal", NULL);
  guint8 header[HEADER_SIZE];
  struct stat st, wal_st;
  guint32 page_size, n_pages;
  ssize_t got;
  int fd;

  fd = g_open (path, O_RDONLY | O_CLOEXEC, 0);
  if (fd < 0)
    return TRUE;  /* missing: SQLite creates it, or reports why it cannot */
  if (fstat (fd, &st) != 0 || st.st_size == 0)
    {
      close (fd);
      return TRUE;
    }
  got = read (fd, header, sizeof header);
  close (fd);
  if (got != (ssize_t) sizeof header || memcmp (header, SQLITE_MAGIC, 16) != 0)
    {
      g_set_error (error, ATL_STORE_ERROR, ATL_STORE_ERROR_CORRUPT,
                   "Store “%s” is damaged: the file is not an SQLite database", path);
      return FALSE;
    }

  if (g_stat (wal, &wal_st) == 0 && wal_st.st_size > 0)
    return TRUE;
  page_size = ((guint32) header[16] << 8) | header[17];
  if (page_size == 1)
    page_size = 65536;
  n_pages = read_be32 (header + 28);
  /* The in-header size is only valid when "version-valid-for" matches the change counter. */
  if (n_pages == 0 || read_be32 (header + 92) != read_be32 (header + 24))
    return TRUE;
  if ((guint64) st.st_size < (guint64) n_pages * page_size)
    {
      g_set_error (error, ATL_STORE_ERROR, ATL_STORE_ERROR_CORRUPT,
                   "Store “%s” is damaged: the file is truncated (%" G_GUINT64_FORMAT
                   " of %" G_GUINT64_FORMAT " bytes)", path, (guint64) st.st_size,
                   (guint64) n_pages * page_size);
      return FALSE;
    }
  return TRUE;
}

static gboolean
configure (AtlStore  *store,
           GError   **error)
{
  g_autoptr(AtlStmt) stmt = NULL;

  sqlite3_extended_result_codes (store->db, 1);
  sqlite3_busy_timeout (store->db, BUSY_TIMEOUT_MS);

  /* journal_mode answers with the mode it ended in; anything but WAL is a failure (a
   * read-only folder, a file system without shared memory). */
  stmt = _atl_store_stmt (store, "PRAGMA journal_mode = WAL", error);
  if (stmt == NULL)
    return FALSE;
  if (sqlite3_step (stmt) != SQLITE_ROW)
    return _atl_store_fail (store, "switching to WAL", error);
  if (g_ascii_strcasecmp ((const char *) sqlite3_column_text (stmt, 0), "wal") != 0)
    {
      g_set_error (error, ATL_STORE_ERROR, ATL_STORE_ERROR_IO,
                   "Store “%s”: cannot use write-ahead logging (journal mode stays “%s”)",
                   store->path, sqlite3_column_text (stmt, 0));
      return FALSE;
    }
  /* FULL: in WAL mode every commit syncs the log, so a pick survives a power cut. */
  return _atl_store_exec (store, "PRAGMA foreign_keys = ON", error)
         && _atl_store_exec (store, "PRAGMA synchronous = FULL", error);
}

AtlStore *
atl_store_open (const char  *dir,
                GError     **error)
{
  g_autoptr(AtlStore) store = NULL;
  int rc;

  g_return_val_if_fail (dir != NULL, NULL);

  if (g_mkdir_with_parents (dir, 0700) != 0)
    {
      int saved = errno;

      g_set_error (error, ATL_STORE_ERROR, ATL_STORE_ERROR_IO,
                   "Cannot create the store folder “%s”: %s", dir, g_strerror (saved));
      return NULL;
    }

  store = g_object_new (ATL_TYPE_STORE, NULL);
  store->path = g_build_filename (dir, ATL_STORE_DB_NAME, NULL);
  if (!check_file_header (store->path, error))
    return NULL;

  rc = sqlite3_open_v2 (store->path, &store->db,
                        SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE | SQLITE_OPEN_NOMUTEX,
                        NULL);
  if (rc != SQLITE_OK)
    {
      _atl_store_fail (store, "cannot open", error);
      close_db (store);
      return NULL;
    }

  if (!configure (store, error) || !_atl_store_migrate (store, error))
    {
      close_db (store);
      return NULL;
    }
  return g_steal_pointer (&store);
}

AtlStore *
atl_store_open_default (GError **error)
{
  g_autofree char *dir = atl_paths_dup_store_dir ();

  return atl_store_open (dir, error);
}

gboolean
atl_store_close (AtlStore  *store,
                 GError   **error)
{
  g_return_val_if_fail (ATL_IS_STORE (store), FALSE);

  if (store->db == NULL)
    return TRUE;
  g_hash_table_remove_all (store->stmts);
  if (sqlite3_close (store->db) != SQLITE_OK)
    {
      _atl_store_fail (store, "closing", error);
      sqlite3_close_v2 (store->db);
      store->db = NULL;
      return FALSE;
    }
  store->db = NULL;
  return TRUE;
}

const char *
atl_store_get_path (AtlStore *store)
{
  g_return_val_if_fail (ATL_IS_STORE (store), NULL);
  return store->path;
}

int
atl_store_get_schema_version (AtlStore *store)
{
  g_autoptr(AtlStmt) stmt = _atl_store_stmt (store, "PRAGMA user_version", NULL);

  if (stmt == NULL || sqlite3_step (stmt) != SQLITE_ROW)
    return -1;
  return sqlite3_column_int (stmt, 0);
}

gboolean
atl_store_check_integrity (AtlStore  *store,
                           GError   **error)
{
  g_autoptr(AtlStmt) stmt = NULL;
  g_autoptr(GString) findings = g_string_new (NULL);
  int rc, n = 0;

  g_return_val_if_fail (ATL_IS_STORE (store), FALSE);

  stmt = _atl_store_stmt (store, "PRAGMA integrity_check(20)", error);
  if (stmt == NULL)
    return FALSE;
  while ((rc = sqlite3_step (stmt)) == SQLITE_ROW)
    {
      const char *line = (const char *) sqlite3_column_text (stmt, 0);

      if (n++ == 0 && g_strcmp0 (line, "ok") == 0)
        continue;
      g_string_append_printf (findings, "%s%s", findings->len > 0 ? "; " : "", line);
    }
  if (rc != SQLITE_DONE)
    return _atl_store_fail (store, "checking integrity", error);
  if (findings->len > 0)
    {
      g_set_error (error, ATL_STORE_ERROR, ATL_STORE_ERROR_CORRUPT,
                   "Store “%s” is damaged: %s", store->path, findings->str);
      return FALSE;
    }
  return TRUE;
}

/* Enum names. */

static const char *const kind_names[] = { "grid", "ab", "rating", "edit", "import" };

G_STATIC_ASSERT (G_N_ELEMENTS (kind_names) == ATL_COMPARISON_N_KINDS);

const char *
atl_comparison_kind_to_string (AtlComparisonKind kind)
{
  g_return_val_if_fail ((guint) kind < ATL_COMPARISON_N_KINDS, NULL);
  return kind_names[kind];
}

gboolean
atl_comparison_kind_from_string (const char        *str,
                                 AtlComparisonKind *out_kind)
{
  for (guint i = 0; i < ATL_COMPARISON_N_KINDS; i++)
    if (g_strcmp0 (str, kind_names[i]) == 0)
      {
        *out_kind = (AtlComparisonKind) i;
        return TRUE;
      }
  return FALSE;
}

/* Records. */

void
atl_session_free (AtlSession *session)
{
  if (session == NULL)
    return;
  g_free (session->name);
  g_free (session->sliders_json);
  g_free (session);
}

void
atl_model_version_free (AtlModelVersion *version)
{
  if (version == NULL)
    return;
  g_free (version->path);
  g_free (version->sha256);
  g_free (version->metrics_json);
  g_free (version);
}

void
atl_grid_free (AtlGrid *grid)
{
  if (grid == NULL)
    return;
  g_free (grid->prompt_json);
  g_free (grid);
}

void
atl_work_free (AtlWork *work)
{
  if (work == NULL)
    return;
  g_free (work->tokens);
  g_free (work->prompt_json);
  g_free (work->title);
  g_free (work);
}

void
atl_preference_free (AtlPreference *preference)
{
  if (preference == NULL)
    return;
  atl_work_free (preference->winner);
  atl_work_free (preference->loser);
  g_free (preference);
}
