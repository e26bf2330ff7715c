/* atl-store-schema.c: the store's schema, as an ordered list of migration steps.
 *
 * migrations[i] takes a database from user_version i to i + 1. A step is never edited
 * once released (databases in the wild were made by it); a change is a new step. Each
 * step runs in its own BEGIN IMMEDIATE transaction together with the user_version bump,
 * so a crash mid-upgrade leaves the previous version intact, and a second process that
 * raced us sees the new version and skips the step.
 */
#include "atl-store-private.h"

/* v1: sessions, their model versions, grids, works and comparisons. */
static const char migration_1[] =
  "CREATE TABLE sessions ("
  "  id INTEGER PRIMARY KEY,"
  "  name TEXT NOT NULL UNIQUE,"
  "  domain TEXT NOT NULL CHECK (domain IN ('art', 'music')),"
  "  sliders TEXT NOT NULL DEFAULT '{}',"
  "  current_version_id INTEGER REFERENCES model_versions (id) ON DELETE SET NULL,"
  "  exploration REAL NOT NULL DEFAULT 0.25 CHECK (exploration BETWEEN 0 AND 1),"
  "  created INTEGER NOT NULL,"
  "  updated INTEGER NOT NULL);"
  "CREATE TABLE model_versions ("
  "  id INTEGER PRIMARY KEY,"
  "  session_id INTEGER NOT NULL REFERENCES sessions (id) ON DELETE CASCADE,"
  "  parent_id INTEGER REFERENCES model_versions (id) ON DELETE SET NULL,"
  "  number INTEGER NOT NULL CHECK (number >= 0),"
  "  path TEXT,"
  "  sha256 TEXT,"
  "  metrics TEXT NOT NULL DEFAULT '{}',"
  "  created INTEGER NOT NULL,"
  "  UNIQUE (session_id, number));"
  "CREATE TABLE grids ("
  "  id INTEGER PRIMARY KEY,"
  "  session_id INTEGER NOT NULL REFERENCES sessions (id) ON DELETE CASCADE,"
  "  version_id INTEGER REFERENCES model_versions (id) ON DELETE SET NULL,"
  "  round INTEGER NOT NULL,"
  "  prompt TEXT NOT NULL DEFAULT '{}',"
  "  created INTEGER NOT NULL);"
  "CREATE TABLE works ("
  "  id INTEGER PRIMARY KEY,"
  "  session_id INTEGER NOT NULL REFERENCES sessions (id) ON DELETE CASCADE,"
  "  domain TEXT NOT NULL CHECK (domain IN ('art', 'music')),"
  "  tokens BLOB NOT NULL,"                      /* int32 little-endian */
  "  prompt TEXT NOT NULL DEFAULT '{}',"
  "  seed INTEGER NOT NULL,"                     /* a uint64 stored bit for bit */
  "  temperature REAL NOT NULL,"
  "  version_id INTEGER REFERENCES model_versions (id) ON DELETE SET NULL,"
  "  grid_id INTEGER REFERENCES grids (id) ON DELETE SET NULL,"
  "  position INTEGER,"
  "  parent_id INTEGER REFERENCES works (id) ON DELETE SET NULL,"
  "  created INTEGER NOT NULL,"
  "  favourite INTEGER NOT NULL DEFAULT 0,"
  "  rejected INTEGER NOT NULL DEFAULT 0,"
  "  rating INTEGER NOT NULL DEFAULT 0 CHECK (rating BETWEEN 0 AND 5),"
  "  in_collection INTEGER NOT NULL DEFAULT 0,"
  "  title TEXT);"
  "CREATE TABLE comparisons ("
  "  id INTEGER PRIMARY KEY,"
  "  session_id INTEGER NOT NULL REFERENCES sessions (id) ON DELETE CASCADE,"
  "  winner_id INTEGER NOT NULL REFERENCES works (id) ON DELETE CASCADE,"
  "  loser_id INTEGER NOT NULL REFERENCES works (id) ON DELETE CASCADE,"
  "  grid_id INTEGER REFERENCES grids (id) ON DELETE SET NULL,"
  "  kind TEXT NOT NULL CHECK (kind IN ('grid', 'ab', 'rating', 'edit', 'import')),"
  "  position INTEGER,"
  "  created INTEGER NOT NULL,"
  "  undone INTEGER NOT NULL DEFAULT 0,"
  "  CHECK (winner_id <> loser_id));"
  /* Listing queries, and an index under every foreign key so that deleting a session
   * cascades in index lookups rather than table scans. */
  "CREATE INDEX sessions_current ON sessions (current_version_id);"
  "CREATE INDEX model_versions_parent ON model_versions (parent_id);"
  "CREATE INDEX grids_session ON grids (session_id, round);"
  "CREATE INDEX grids_version ON grids (version_id);"
  "CREATE INDEX works_session ON works (session_id, id);"
  "CREATE INDEX works_grid ON works (grid_id, position);"
  "CREATE INDEX works_version ON works (version_id);"
  "CREATE INDEX works_parent ON works (parent_id);"
  "CREATE INDEX works_collection ON works (session_id, id) WHERE in_collection = 1;"
  "CREATE INDEX comparisons_session ON comparisons (session_id, id);"
  "CREATE INDEX comparisons_winner ON comparisons (winner_id);"
  "CREATE INDEX comparisons_loser ON comparisons (loser_id);"
  "CREATE INDEX comparisons_grid ON comparisons (grid_id);";

/* v2: pick batches, so that the last pick can be undone exactly (its comparisons, and the
 * flags and ratings it changed), and a rating time for the bounded rating window. */
static const char migration_2[] =
  "CREATE TABLE pick_batches ("
  "  id INTEGER PRIMARY KEY,"
  "  session_id INTEGER NOT NULL REFERENCES sessions (id) ON DELETE CASCADE,"
  "  kind TEXT NOT NULL CHECK (kind IN ('grid', 'ab', 'rating', 'edit', 'import')),"
  "  grid_id INTEGER REFERENCES grids (id) ON DELETE SET NULL,"
  "  created INTEGER NOT NULL,"
  "  undone INTEGER NOT NULL DEFAULT 0);"
  /* The flags of each work a batch touched, as they were before it. */
  "CREATE TABLE batch_works ("
  "  batch_id INTEGER NOT NULL REFERENCES pick_batches (id) ON DELETE CASCADE,"
  "  work_id INTEGER NOT NULL REFERENCES works (id) ON DELETE CASCADE,"
  "  favourite INTEGER NOT NULL,"
  "  rejected INTEGER NOT NULL,"
  "  rating INTEGER NOT NULL,"
  "  rated_at INTEGER,"
  "  PRIMARY KEY (batch_id, work_id)) WITHOUT ROWID;"
  "ALTER TABLE comparisons ADD COLUMN"
  "  batch_id INTEGER REFERENCES pick_batches (id) ON DELETE CASCADE;"
  "ALTER TABLE comparisons ADD COLUMN"
  "  superseded_by INTEGER REFERENCES pick_batches (id) ON DELETE SET NULL;"
  "ALTER TABLE works ADD COLUMN rated_at INTEGER;"
  "UPDATE works SET rated_at = created WHERE rating > 0;"
  "CREATE INDEX pick_batches_session ON pick_batches (session_id, id);"
  "CREATE INDEX pick_batches_grid ON pick_batches (grid_id);"
  "CREATE INDEX batch_works_work ON batch_works (work_id);"
  "CREATE INDEX comparisons_batch ON comparisons (batch_id);"
  "CREATE INDEX comparisons_superseded ON comparisons (superseded_by);"
  "CREATE INDEX comparisons_active ON comparisons (session_id, id)"
  "  WHERE undone = 0 AND superseded_by IS NULL;"
  "CREATE INDEX works_rated ON works (session_id, rated_at) WHERE rating > 0;";

static const char *const migrations[] = {
  migration_1,
  migration_2,
};

G_STATIC_ASSERT (G_N_ELEMENTS (migrations) == ATL_STORE_SCHEMA_VERSION);

static gboolean
read_user_version (AtlStore  *store,
                   int       *out_version,
                   GError   **error)
{
  g_autoptr(AtlStmt) stmt = _atl_store_stmt (store, "PRAGMA user_version", error);

  if (stmt == NULL)
    return FALSE;
  if (sqlite3_step (stmt) != SQLITE_ROW)
    return _atl_store_fail (store, "reading the schema version", error);
  *out_version = sqlite3_column_int (stmt, 0);
  return TRUE;
}

static gboolean
count_tables (AtlStore  *store,
              int       *out_n,
              GError   **error)
{
  g_autoptr(AtlStmt) stmt =
    _atl_store_stmt (store, "SELECT count(*) FROM sqlite_schema WHERE type = 'table'", error);

  if (stmt == NULL)
    return FALSE;
  if (sqlite3_step (stmt) != SQLITE_ROW)
    return _atl_store_fail (store, "reading the schema", error);
  *out_n = sqlite3_column_int (stmt, 0);
  return TRUE;
}

static gboolean
apply_step (AtlStore  *store,
            int        from,
            GError   **error)
{
  g_autofree char *bump = NULL;
  int version = -1;

  if (!_atl_store_begin (store, error))
    return FALSE;
  /* Another process may have run this step while we waited for the lock. */
  if (!read_user_version (store, &version, error))
    return _atl_store_rollback (store);
  if (version != from)
    return _atl_store_commit (store, error);

  bump = g_strdup_printf ("PRAGMA user_version = %d", from + 1);
  if (sqlite3_exec (store->db, migrations[from], NULL, NULL, NULL) != SQLITE_OK)
    {
      g_autofree char *what = g_strdup_printf ("upgrading the schema to version %d", from + 1);

      _atl_store_fail (store, what, error);
      return _atl_store_rollback (store);
    }
  if (!_atl_store_exec (store, bump, error))
    return _atl_store_rollback (store);
  return _atl_store_commit (store, error);
}

gboolean
_atl_store_migrate (AtlStore  *store,
                    GError   **error)
{
  int version = 0, n_tables = 0;

  /* Reading the schema is the first real read of the file: a file that is not a
   * database fails here, with SQLite's own words. */
  if (!count_tables (store, &n_tables, error) || !read_user_version (store, &version, error))
    return FALSE;

  if (version > ATL_STORE_SCHEMA_VERSION)
    {
      g_set_error (error, ATL_STORE_ERROR, ATL_STORE_ERROR_TOO_NEW,
                   "Store “%s” has schema version %d, newer than this Atelier's %d; "
                   "update Atelier to open it", store->path, version,
                   ATL_STORE_SCHEMA_VERSION);
      return FALSE;
    }
  if (version == 0 && n_tables > 0)
    {
      g_set_error (error, ATL_STORE_ERROR, ATL_STORE_ERROR_CORRUPT,
                   "Store “%s” is an SQLite database, but not Atelier's (it has tables and "
                   "no Atelier schema version)", store->path);
      return FALSE;
    }

  for (int from = version; from < ATL_STORE_SCHEMA_VERSION; from++)
    if (!apply_step (store, from, error))
      return FALSE;
  return TRUE;
}
