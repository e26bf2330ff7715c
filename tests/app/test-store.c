/* test-store.c: AtlStore on a real SQLite file — schema and migration from version 1,
 * damaged files, crash safety of picks (a child SIGKILLed right after, or during, its
 * commits), sessions with cascading delete, versions, works. Feedback → comparisons is in
 * test-store-picks.c.
 */
#include <signal.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include "atl-store-private.h"
#include "store-helpers.h"

/* Schema version 1 exactly as released: the migration test builds a v1 file from it. */
static const char v1_schema[] =
  "CREATE TABLE sessions (id INTEGER PRIMARY KEY, name TEXT NOT NULL UNIQUE,"
  " domain TEXT NOT NULL CHECK (domain IN ('art', 'music')), sliders TEXT NOT NULL DEFAULT '{}',"
  " current_version_id INTEGER REFERENCES model_versions (id) ON DELETE SET NULL,"
  " exploration REAL NOT NULL DEFAULT 0.25 CHECK (exploration BETWEEN 0 AND 1),"
  " created INTEGER NOT NULL, updated INTEGER NOT NULL);"
  "CREATE TABLE model_versions (id INTEGER PRIMARY KEY,"
  " session_id INTEGER NOT NULL REFERENCES sessions (id) ON DELETE CASCADE,"
  " parent_id INTEGER REFERENCES model_versions (id) ON DELETE SET NULL,"
  " number INTEGER NOT NULL CHECK (number >= 0), path TEXT, sha256 TEXT,"
  " metrics TEXT NOT NULL DEFAULT '{}', created INTEGER NOT NULL, UNIQUE (session_id, number));"
  "CREATE TABLE grids (id INTEGER PRIMARY KEY,"
  " session_id INTEGER NOT NULL REFERENCES sessions (id) ON DELETE CASCADE,"
  " version_id INTEGER REFERENCES model_versions (id) ON DELETE SET NULL,"
  " round INTEGER NOT NULL, prompt TEXT NOT NULL DEFAULT '{}', created INTEGER NOT NULL);"
  "CREATE TABLE works (id INTEGER PRIMARY KEY,"
  " session_id INTEGER NOT NULL REFERENCES sessions (id) ON DELETE CASCADE,"
  " domain TEXT NOT NULL CHECK (domain IN ('art', 'music')), tokens BLOB NOT NULL,"
  " prompt TEXT NOT NULL DEFAULT '{}', seed INTEGER NOT NULL, temperature REAL NOT NULL,"
  " version_id INTEGER REFERENCES model_versions (id) ON DELETE SET NULL,"
  " grid_id INTEGER REFERENCES grids (id) ON DELETE SET NULL, position INTEGER,"
  " parent_id INTEGER REFERENCES works (id) ON DELETE SET NULL, created INTEGER NOT NULL,"
  " favourite INTEGER NOT NULL DEFAULT 0, rejected INTEGER NOT NULL DEFAULT 0,"
  " rating INTEGER NOT NULL DEFAULT 0 CHECK (rating BETWEEN 0 AND 5),"
  " in_collection INTEGER NOT NULL DEFAULT 0, title TEXT);"
  "CREATE TABLE comparisons (id INTEGER PRIMARY KEY,"
  " session_id INTEGER NOT NULL REFERENCES sessions (id) ON DELETE CASCADE,"
  " winner_id INTEGER NOT NULL REFERENCES works (id) ON DELETE CASCADE,"
  " loser_id INTEGER NOT NULL REFERENCES works (id) ON DELETE CASCADE,"
  " grid_id INTEGER REFERENCES grids (id) ON DELETE SET NULL,"
  " kind TEXT NOT NULL CHECK (kind IN ('grid', 'ab', 'rating', 'edit', 'import')),"
  " position INTEGER, created INTEGER NOT NULL, undone INTEGER NOT NULL DEFAULT 0,"
  " CHECK (winner_id <> loser_id));"
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
  "CREATE INDEX comparisons_grid ON comparisons (grid_id);"
  "PRAGMA user_version = 1;";

/* A v1 session: v0, one grid of three works (tokens 1,5,2 / 1,6,2 / 1,7,2 as int32 LE),
 * the second rated 4, and the grid's picks as v1 recorded them (work 1 favourite). */
static const char v1_rows[] =
  "INSERT INTO sessions VALUES (1, 'Old', 'music', '{}', NULL, 0.25, 10, 10);"
  "INSERT INTO model_versions VALUES (1, 1, NULL, 0, NULL, NULL, '{}', 10);"
  "UPDATE sessions SET current_version_id = 1;"
  "INSERT INTO grids VALUES (1, 1, 1, 1, '{}', 11);"
  "INSERT INTO works VALUES"
  " (1, 1, 'music', x'010000000500000002000000', '{}', 7, 1.0, 1, 1, 0, NULL, 12, 1, 0, 0, 0, NULL),"
  " (2, 1, 'music', x'010000000600000002000000', '{}', 8, 1.0, 1, 1, 1, NULL, 12, 0, 0, 4, 0, NULL),"
  " (3, 1, 'music', x'010000000700000002000000', '{}', 9, 1.0, 1, 1, 2, NULL, 12, 0, 0, 0, 1, 'x');"
  "INSERT INTO comparisons VALUES (1, 1, 1, 2, 1, 'grid', 0, 13, 0),"
  " (2, 1, 1, 3, 1, 'grid', 0, 13, 0);";

static char *
make_tmp (void)
{
  g_autoptr(GError) error = NULL;
  char *dir = g_dir_make_tmp ("atl-store-XXXXXX", &error);

  g_assert_no_error (error);
  return dir;
}

static void
test_schema_fresh (void)
{
  g_autofree char *dir = make_tmp ();
  g_autoptr(AtlStore) store = open_store (dir);
  sqlite3 *db = store->db;

  g_assert_cmpint (atl_store_get_schema_version (store), ==, ATL_STORE_SCHEMA_VERSION);
  g_assert_cmpint (raw_int (db, "PRAGMA foreign_keys"), ==, 1);
  g_assert_cmpint (raw_int (db, "PRAGMA synchronous"), ==, 2);  /* FULL */
  g_assert_cmpint (raw_int (db, "SELECT count(*) FROM sqlite_schema WHERE type = 'table'"
                                " AND name IN ('sessions', 'model_versions', 'grids', 'works',"
                                " 'comparisons', 'pick_batches', 'batch_works')"), ==, 7);
  g_assert_true (atl_store_check_integrity (store, NULL));
  g_assert_true (g_str_has_suffix (atl_store_get_path (store), "/" ATL_STORE_DB_NAME));

  /* WAL is a property of the file: a second connection sees it. */
  {
    sqlite3 *raw = raw_open (dir);
    sqlite3_stmt *stmt = NULL;

    sqlite3_prepare_v2 (raw, "PRAGMA journal_mode", -1, &stmt, NULL);
    g_assert_cmpint (sqlite3_step (stmt), ==, SQLITE_ROW);
    g_assert_cmpstr ((const char *) sqlite3_column_text (stmt, 0), ==, "wal");
    sqlite3_finalize (stmt);
    sqlite3_close (raw);
  }

  /* Reopening an up-to-date store changes nothing. */
  g_clear_object (&store);
  store = open_store (dir);
  g_assert_cmpint (atl_store_get_schema_version (store), ==, ATL_STORE_SCHEMA_VERSION);
  g_clear_object (&store);
  remove_tree (dir);
}

static void
test_schema_migrate_v1 (void)
{
  g_autofree char *dir = make_tmp ();
  g_autoptr(AtlStore) store = NULL;
  g_autoptr(AtlWork) rated = NULL;
  g_autoptr(GError) error = NULL;
  gint64 fav = 2, batch;
  sqlite3 *raw = raw_open (dir);

  raw_exec (raw, "PRAGMA foreign_keys = ON");
  raw_exec (raw, v1_schema);
  raw_exec (raw, v1_rows);
  sqlite3_close (raw);

  store = open_store (dir);
  g_assert_cmpint (atl_store_get_schema_version (store), ==, ATL_STORE_SCHEMA_VERSION);
  g_assert_true (atl_store_check_integrity (store, NULL));
  g_assert_cmpint (raw_int (store->db, "SELECT count(*) FROM pragma_foreign_key_check"), ==, 0);

  /* The old rows read through the new API, tokens and all. */
  rated = atl_store_get_work (store, 2, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (rated->n_tokens, ==, 3);
  g_assert_cmpint (rated->tokens[1], ==, 6);
  g_assert_cmpint (rated->rating, ==, 4);
  g_assert_cmpint (rated->position, ==, 1);
  g_assert_cmpint (raw_int (store->db, "SELECT rated_at FROM works WHERE id = 2"), ==, 12);
  g_assert_cmpuint (counts (store, 1).active, ==, 2);

  /* The old grid takes new picks, which supersede v1's; undoing brings them back. */
  g_assert_true (atl_store_commit_picks (store, 1, &fav, 1, NULL, 0, &batch, &error));
  g_assert_no_error (error);
  {
    g_autofree char *pairs = active_pairs (store, 1, NULL, 0);

    g_assert_cmpstr (pairs, ==, "#2>#1 #2>#3");
  }
  g_assert_true (atl_store_undo_last_pick (store, 1, NULL, &error));
  {
    g_autofree char *pairs = active_pairs (store, 1, NULL, 0);

    g_assert_cmpstr (pairs, ==, "#1>#2 #1>#3");
  }
  /* v1's own picks have no batch: nothing further to undo. */
  g_assert_false (atl_store_undo_last_pick (store, 1, NULL, &error));
  g_assert_error (error, ATL_STORE_ERROR, ATL_STORE_ERROR_NOT_FOUND);

  g_clear_object (&store);
  remove_tree (dir);
}

static void
test_schema_too_new (void)
{
  g_autofree char *dir = make_tmp ();
  g_autoptr(GError) error = NULL;
  g_autoptr(AtlStore) store = NULL;
  sqlite3 *raw = raw_open (dir);

  raw_exec (raw, "CREATE TABLE future (x); PRAGMA user_version = 99;");
  sqlite3_close (raw);
  store = atl_store_open (dir, &error);
  g_assert_null (store);
  g_assert_error (error, ATL_STORE_ERROR, ATL_STORE_ERROR_TOO_NEW);
  g_assert_nonnull (strstr (error->message, ATL_STORE_DB_NAME));
  g_assert_nonnull (strstr (error->message, "99"));
  remove_tree (dir);
}

static void
test_schema_foreign (void)
{
  g_autofree char *dir = make_tmp ();
  g_autoptr(GError) error = NULL;
  g_autoptr(AtlStore) store = NULL;
  sqlite3 *raw = raw_open (dir);

  raw_exec (raw, "CREATE TABLE photos (id INTEGER PRIMARY KEY);");
  sqlite3_close (raw);
  store = atl_store_open (dir, &error);
  g_assert_null (store);
  g_assert_error (error, ATL_STORE_ERROR, ATL_STORE_ERROR_CORRUPT);
  g_assert_nonnull (strstr (error->message, "not Atelier's"));
  remove_tree (dir);
}

/* Fills a store with enough rows to span many pages; returns its folder. */
static char *
make_filled_store (void)
{
  StoreFixture f;

  fixture_setup (&f);
  for (int round = 0; round < 40; round++)
    {
      gint64 ids[12];
      gint64 grid = add_grid (f.store, f.session, 12, round * 12, ids);

      g_assert_true (atl_store_commit_picks (f.store, grid, ids, 1, ids + 11, 1, NULL, NULL));
    }
  g_assert_true (atl_store_close (f.store, NULL));
  g_clear_object (&f.store);
  return f.dir;
}

static void
assert_open_fails (const char *dir,
                   const char *message_part)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(AtlStore) store = atl_store_open (dir, &error);

  g_assert_null (store);
  g_assert_error (error, ATL_STORE_ERROR, ATL_STORE_ERROR_CORRUPT);
  g_test_message ("%s", error->message);
  g_assert_nonnull (strstr (error->message, ATL_STORE_DB_NAME));
  g_assert_nonnull (strstr (error->message, message_part));
}

static void
test_damaged (void)
{
  g_autofree char *dir = make_filled_store ();
  g_autofree char *path = g_build_filename (dir, ATL_STORE_DB_NAME, NULL);
  g_autofree char *good = NULL;
  g_autofree char *bad = NULL;
  gsize length;

  g_assert_true (g_file_get_contents (path, &good, &length, NULL));
  g_assert_cmpuint (length, >, 16 * 4096);

  /* Garbage bytes in place of the file. */
  bad = g_malloc (length);
  for (gsize i = 0; i < length; i++)
    bad[i] = (char) g_test_rand_int_range (0, 256);
  g_assert_true (g_file_set_contents (path, bad, (gssize) length, NULL));
  assert_open_fails (dir, "not an SQLite database");

  /* A real header over garbage: SQLite's own reading of the schema fails. */
  memcpy (bad, good, 100);
  g_assert_true (g_file_set_contents (path, bad, (gssize) length, NULL));
  assert_open_fails (dir, "Store “");

  /* Truncated to half. */
  g_assert_true (g_file_set_contents (path, good, (gssize) (length / 2), NULL));
  assert_open_fails (dir, "truncated");

  /* Empty file: a fresh store, not an error. */
  g_assert_true (g_file_set_contents (path, "", 0, NULL));
  g_object_unref (open_store (dir));

  /* Damage inside a page (not page 1): opens, and the integrity check names the harm. */
  memcpy (bad, good, length);
  memset (bad + 8 * 4096 + 8, 0xa5, 2000);
  g_assert_true (g_file_set_contents (path, bad, (gssize) length, NULL));
  {
    g_autoptr(GError) error = NULL;
    g_autoptr(AtlStore) store = atl_store_open (dir, &error);

    g_assert_no_error (error);
    g_assert_false (atl_store_check_integrity (store, &error));
    g_assert_error (error, ATL_STORE_ERROR, ATL_STORE_ERROR_CORRUPT);
    g_test_message ("%s", error->message);
    g_assert_nonnull (strstr (error->message, "damaged"));
  }
  remove_tree (dir);
}

/* The child commits a grid's picks, reports the batch through the pipe, and is killed
 * (by itself at once, or by the parent mid-way through a stream of commits). */
static G_GNUC_NORETURN void
crash_child (const char *dir,
             int         fd,
             gboolean    forever)
{
  AtlStore *store = atl_store_open (dir, NULL);
  g_autoptr(AtlSession) session = atl_store_lookup_session (store, "Reels", NULL);

  for (int round = 0;; round++)
    {
      gint64 ids[8], batch = 0;
      gint64 grid = add_grid (store, session->id, 8, 1000 + round * 8, ids);

      if (!atl_store_commit_picks (store, grid, ids, 2, ids + 7, 1, &batch, NULL))
        _exit (3);
      if (write (fd, &batch, sizeof batch) != sizeof batch)
        _exit (4);
      if (!forever)
        kill (getpid (), SIGKILL);
    }
}

static void
test_crash (void)
{
  StoreFixture f;
  g_autoptr(GArray) batches = g_array_new (FALSE, FALSE, sizeof (gint64));

  fixture_setup (&f);
  g_clear_object (&f.store);

  for (int run = 0; run < 4; run++)
    {
      gboolean forever = run >= 2;
      int fds[2], status;
      gint64 batch;
      pid_t pid;

      g_assert_cmpint (pipe (fds), ==, 0);
      pid = fork ();
      g_assert_cmpint (pid, >=, 0);
      if (pid == 0)
        {
          close (fds[0]);
          crash_child (f.dir, fds[1], forever);
        }
      close (fds[1]);
      if (forever)
        {
          /* Kill it while it is busy committing: after a handful of picks. */
          for (int i = 0; i < 5 + run; i++)
            {
              g_assert_cmpint (read (fds[0], &batch, sizeof batch), ==, sizeof batch);
              g_array_append_val (batches, batch);
            }
          g_usleep (g_test_rand_int_range (0, 3000));
          kill (pid, SIGKILL);
        }
      g_assert_cmpint (waitpid (pid, &status, 0), ==, pid);
      g_assert_true (WIFSIGNALED (status) && WTERMSIG (status) == SIGKILL);
      /* Whatever the child reported before dying must be there. */
      while (read (fds[0], &batch, sizeof batch) == sizeof batch)
        g_array_append_val (batches, batch);
      close (fds[0]);
    }

  f.store = open_store (f.dir);
  g_assert_true (atl_store_check_integrity (f.store, NULL));
  for (guint i = 0; i < batches->len; i++)
    {
      gint64 batch = g_array_index (batches, gint64, i);
      g_autofree char *sql = g_strdup_printf ("SELECT count(*) FROM comparisons WHERE"
                                              " batch_id = %" G_GINT64_FORMAT, batch);

      g_assert_cmpint (batch, >, 0);
      /* 2 favourites × 6 others + 5 non-rejects over the reject. */
      g_assert_cmpint (raw_int (f.store->db, sql), ==, 17);
    }
  /* Every batch on disk is whole, reported or not: transactions are atomic. */
  g_assert_cmpint (raw_int (f.store->db, "SELECT count(*) FROM pick_batches b WHERE"
                                         " (SELECT count(*) FROM comparisons c"
                                         "  WHERE c.batch_id = b.id) <> 17"), ==, 0);
  g_assert_cmpint (raw_int (f.store->db, "SELECT count(*) FROM pick_batches"), >=,
                   batches->len);
  g_test_message ("%u picks reported before SIGKILL, all found", batches->len);
  fixture_teardown (&f);
}

static void
test_sessions (void)
{
  StoreFixture f;
  g_autoptr(GError) error = NULL;
  g_autoptr(GPtrArray) list = NULL;
  g_autoptr(AtlSession) got = NULL;
  gint64 ids[4], art, batch;
  gint64 grid;

  fixture_setup (&f);
  art = atl_store_create_session (f.store, "Bauhaus", ATL_DOMAIN_ART, NULL, NULL, NULL, &error);
  g_assert_no_error (error);

  g_assert_cmpint (atl_store_create_session (f.store, "Reels", ATL_DOMAIN_ART, NULL, NULL,
                                             NULL, &error), ==, 0);
  g_assert_error (error, ATL_STORE_ERROR, ATL_STORE_ERROR_EXISTS);
  g_clear_error (&error);
  g_assert_cmpint (atl_store_create_session (f.store, "  ", ATL_DOMAIN_ART, NULL, NULL, NULL,
                                             &error), ==, 0);
  g_assert_error (error, ATL_STORE_ERROR, ATL_STORE_ERROR_INVALID);
  g_clear_error (&error);
  g_assert_cmpint (atl_store_create_session (f.store, "J", ATL_DOMAIN_ART, "[1]", NULL, NULL,
                                             &error), ==, 0);
  g_assert_error (error, ATL_STORE_ERROR, ATL_STORE_ERROR_INVALID);
  g_clear_error (&error);

  list = atl_store_list_sessions (f.store, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (list->len, ==, 2);
  g_assert_cmpstr (((AtlSession *) list->pdata[0])->name, ==, "Bauhaus");
  g_assert_cmpint (((AtlSession *) list->pdata[0])->domain, ==, ATL_DOMAIN_ART);
  g_assert_cmpstr (((AtlSession *) list->pdata[1])->sliders_json, ==, "{\"tempo\": 120}");

  g_assert_true (atl_store_rename_session (f.store, art, "Bauhaus II", &error));
  g_assert_false (atl_store_rename_session (f.store, art, "Reels", &error));
  g_assert_error (error, ATL_STORE_ERROR, ATL_STORE_ERROR_EXISTS);
  g_clear_error (&error);
  got = atl_store_lookup_session (f.store, "Bauhaus II", &error);
  g_assert_no_error (error);
  g_assert_cmpint (got->id, ==, art);
  g_assert_cmpfloat (got->exploration, ==, 0.25);
  g_assert_true (atl_store_set_sliders (f.store, art, "{\"palette\": 3}", &error));
  g_assert_false (atl_store_set_sliders (f.store, art, "{oops", &error));
  g_assert_error (error, ATL_STORE_ERROR, ATL_STORE_ERROR_INVALID);
  g_clear_error (&error);
  g_assert_true (atl_store_set_exploration (f.store, art, 0.5, &error));
  g_assert_false (atl_store_set_exploration (f.store, art, 1.5, NULL));
  g_clear_pointer (&got, atl_session_free);
  got = atl_store_get_session (f.store, art, &error);
  g_assert_cmpstr (got->sliders_json, ==, "{\"palette\": 3}");
  g_assert_cmpfloat (got->exploration, ==, 0.5);

  /* Delete cascades through everything the session owns, and nothing else. */
  grid = add_grid (f.store, f.session, 4, 0, ids);
  g_assert_true (atl_store_commit_picks (f.store, grid, ids, 1, NULL, 0, &batch, &error));
  g_assert_true (atl_store_rate_work (f.store, ids[2], 3, NULL, &error));
  g_assert_true (atl_store_add_version (f.store, f.session, 0, "/m/v1.safetensors",
                                        "0123456789abcdef0123456789abcdef"
                                        "0123456789abcdef0123456789abcdef", NULL, TRUE,
                                        &error) > 0);
  add_grid (f.store, art, 3, 50, NULL);
  g_assert_no_error (error);
  g_assert_true (atl_store_delete_session (f.store, f.session, &error));
  g_assert_no_error (error);
  g_assert_false (atl_store_delete_session (f.store, f.session, &error));
  g_assert_error (error, ATL_STORE_ERROR, ATL_STORE_ERROR_NOT_FOUND);
  g_clear_error (&error);
  {
    static const char *const tables[] = { "model_versions", "grids", "works", "comparisons",
                                          "pick_batches" };

    for (guint i = 0; i < G_N_ELEMENTS (tables); i++)
      {
        g_autofree char *sql = g_strdup_printf ("SELECT count(*) FROM %s WHERE session_id = %"
                                                G_GINT64_FORMAT, tables[i], f.session);

        g_assert_cmpint (raw_int (f.store->db, sql), ==, 0);
      }
  }
  g_assert_cmpint (raw_int (f.store->db, "SELECT count(*) FROM batch_works"), ==, 0);
  g_assert_cmpint (raw_int (f.store->db, "SELECT count(*) FROM works"), ==, 3);
  g_assert_cmpint (raw_int (f.store->db, "SELECT count(*) FROM pragma_foreign_key_check"), ==, 0);
  fixture_teardown (&f);
}

#define SHA_A "aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa"
#define SHA_B "bbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbb"

static void
test_versions (void)
{
  StoreFixture f;
  g_autoptr(GError) error = NULL;
  g_autoptr(GPtrArray) list = NULL;
  g_autoptr(AtlModelVersion) cur = NULL;
  gint64 v1, v2, v3, v0;

  fixture_setup (&f);
  cur = atl_store_get_current_version (f.store, f.session, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (cur->number, ==, 0);
  g_assert_null (cur->path);
  v0 = cur->id;

  v1 = atl_store_add_version (f.store, f.session, 0, "/m/v1", SHA_A, "{\"acc\": 0.7}", TRUE,
                              &error);
  g_assert_no_error (error);
  /* Not made current: a version can be recorded before the generator swaps to it. */
  v2 = atl_store_add_version (f.store, f.session, 0, "/m/v2", SHA_B, NULL, FALSE, &error);
  g_assert_no_error (error);
  g_clear_pointer (&cur, atl_model_version_free);
  cur = atl_store_get_current_version (f.store, f.session, &error);
  g_assert_cmpint (cur->id, ==, v1);
  g_assert_cmpstr (cur->metrics_json, ==, "{\"acc\": 0.7}");
  g_assert_true (atl_store_set_current_version (f.store, f.session, v2, &error));
  g_assert_no_error (error);

  g_assert_cmpint (atl_store_add_version (f.store, f.session, 0, "/m/x", "short", NULL, TRUE,
                                          &error), ==, 0);
  g_assert_error (error, ATL_STORE_ERROR, ATL_STORE_ERROR_INVALID);
  g_clear_error (&error);

  /* Restore v1: v2 stays in the history. */
  g_assert_true (atl_store_restore_version (f.store, f.session, 1, &error));
  g_clear_pointer (&cur, atl_model_version_free);
  cur = atl_store_get_current_version (f.store, f.session, &error);
  g_assert_cmpuint (cur->number, ==, 1);
  g_assert_false (atl_store_restore_version (f.store, f.session, 9, &error));
  g_assert_error (error, ATL_STORE_ERROR, ATL_STORE_ERROR_NOT_FOUND);
  g_clear_error (&error);

  /* Training from the restored v1 makes v3, child of v1. */
  v3 = atl_store_add_version (f.store, f.session, 0, "/m/v3", SHA_A, NULL, TRUE, &error);
  g_clear_pointer (&cur, atl_model_version_free);
  cur = atl_store_get_version (f.store, v3, &error);
  g_assert_cmpuint (cur->number, ==, 3);
  g_assert_cmpint (cur->parent_id, ==, v1);

  g_assert_true (atl_store_reset_to_base (f.store, f.session, &error));
  g_clear_pointer (&cur, atl_model_version_free);
  cur = atl_store_get_current_version (f.store, f.session, &error);
  g_assert_cmpint (cur->id, ==, v0);
  list = atl_store_list_versions (f.store, f.session, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (list->len, ==, 4);
  for (guint i = 0; i < list->len; i++)
    g_assert_cmpuint (((AtlModelVersion *) list->pdata[i])->number, ==, i);
  g_assert_cmpint (((AtlModelVersion *) list->pdata[2])->id, ==, v2);

  /* Another session's version cannot become this one's current. */
  {
    gint64 other = atl_store_create_session (f.store, "Other", ATL_DOMAIN_ART, NULL, NULL,
                                             NULL, &error);

    g_assert_false (atl_store_set_current_version (f.store, other, v2, &error));
    g_assert_error (error, ATL_STORE_ERROR, ATL_STORE_ERROR_NOT_FOUND);
  }
  fixture_teardown (&f);
}

static void
test_works (void)
{
  StoreFixture f;
  g_autoptr(GError) error = NULL;
  g_autoptr(GPtrArray) list = NULL;
  g_autoptr(AtlWork) work = NULL;
  g_autoptr(AtlGrid) grid_rec = NULL;
  gint32 tokens[ATL_STORE_MAX_TOKENS + 1];
  AtlWorkSpec specs[3] = { { 0, } };
  gint64 ids[5], out[3] = { 0, }, grid, single;

  fixture_setup (&f);
  for (guint i = 0; i < G_N_ELEMENTS (tokens); i++)
    tokens[i] = (gint32) (i * 37 % (ATL_STORE_MAX_TOKEN_ID + 1));

  specs[0] = (AtlWorkSpec) { tokens, ATL_STORE_MAX_TOKENS, "{\"a\": 1}", G_MAXUINT64, 0.7,
                             0, 0, "Longest" };
  single = atl_store_add_work (f.store, f.session, &specs[0], &error);
  g_assert_no_error (error);
  work = atl_store_get_work (f.store, single, &error);
  g_assert_cmpuint (work->n_tokens, ==, ATL_STORE_MAX_TOKENS);
  g_assert_cmpmem (work->tokens, work->n_tokens * 4, tokens, ATL_STORE_MAX_TOKENS * 4);
  g_assert_cmpuint (work->seed, ==, G_MAXUINT64);
  g_assert_cmpfloat (work->temperature, ==, 0.7);
  g_assert_cmpstr (work->title, ==, "Longest");
  g_assert_cmpint (work->position, ==, -1);
  g_assert_cmpint (work->domain, ==, ATL_DOMAIN_MUSIC);

  /* A batch with one bad work adds none. */
  specs[1] = (AtlWorkSpec) { tokens, 4, NULL, 1, 1.0, 0, single, NULL };
  specs[2] = (AtlWorkSpec) { tokens, ATL_STORE_MAX_TOKENS + 1, NULL, 2, 1.0, 0, 0, NULL };
  g_assert_false (atl_store_add_works (f.store, f.session, specs + 1, 2, out, &error));
  g_assert_error (error, ATL_STORE_ERROR, ATL_STORE_ERROR_INVALID);
  g_clear_error (&error);
  g_assert_cmpint (raw_int (f.store->db, "SELECT count(*) FROM works"), ==, 1);
  tokens[0] = -1;
  specs[2].n_tokens = 3;
  g_assert_false (atl_store_add_works (f.store, f.session, specs + 1, 2, out, &error));
  g_assert_error (error, ATL_STORE_ERROR, ATL_STORE_ERROR_INVALID);
  g_clear_error (&error);
  tokens[0] = 1;
  g_assert_true (atl_store_add_works (f.store, f.session, specs + 1, 2, out, &error));
  g_assert_no_error (error);
  g_clear_pointer (&work, atl_work_free);
  work = atl_store_get_work (f.store, out[0], &error);
  g_assert_cmpint (work->parent_id, ==, single);

  /* Grids number their rounds and keep positions. */
  add_grid (f.store, f.session, 2, 0, NULL);
  grid = add_grid (f.store, f.session, 5, 10, ids);
  grid_rec = atl_store_get_grid (f.store, grid, &error);
  g_assert_cmpuint (grid_rec->round, ==, 2);
  g_assert_cmpint (grid_rec->version_id, >, 0);
  list = atl_store_list_grid_works (f.store, grid, &error);
  g_assert_cmpuint (list->len, ==, 5);
  for (guint i = 0; i < 5; i++)
    {
      AtlWork *w = list->pdata[i];

      g_assert_cmpint (w->id, ==, ids[i]);
      g_assert_cmpint (w->position, ==, (int) i);
      g_assert_cmpint (w->grid_id, ==, grid);
      g_assert_cmpint (w->version_id, ==, grid_rec->version_id);
    }
  g_clear_pointer (&list, g_ptr_array_unref);
  list = atl_store_list_grids (f.store, f.session, &error);
  g_assert_cmpuint (list->len, ==, 2);
  g_clear_pointer (&list, g_ptr_array_unref);

  g_assert_true (atl_store_set_in_collection (f.store, ids[3], TRUE, &error));
  g_assert_true (atl_store_set_in_collection (f.store, ids[1], TRUE, &error));
  g_assert_true (atl_store_set_title (f.store, ids[1], "Jig", &error));
  g_assert_true (atl_store_set_favourite (f.store, ids[1], TRUE, &error));
  g_assert_true (atl_store_set_rejected (f.store, ids[4], TRUE, &error));
  list = atl_store_list_collection (f.store, f.session, &error);
  g_assert_cmpuint (list->len, ==, 2);
  g_assert_cmpint (((AtlWork *) list->pdata[0])->id, ==, ids[1]);
  g_assert_cmpstr (((AtlWork *) list->pdata[0])->title, ==, "Jig");
  g_assert_true (((AtlWork *) list->pdata[0])->favourite);
  g_clear_pointer (&list, g_ptr_array_unref);
  list = atl_store_list_works (f.store, f.session, &error);
  g_assert_cmpuint (list->len, ==, 1 + 2 + 2 + 5);

  g_assert_null (atl_store_get_work (f.store, 9999, &error));
  g_assert_error (error, ATL_STORE_ERROR, ATL_STORE_ERROR_NOT_FOUND);
  g_clear_error (&error);
  g_assert_false (atl_store_set_favourite (f.store, 9999, TRUE, &error));
  g_assert_error (error, ATL_STORE_ERROR, ATL_STORE_ERROR_NOT_FOUND);
  g_clear_error (&error);

  /* Closed stores refuse politely. */
  g_assert_true (atl_store_close (f.store, &error));
  g_assert_null (atl_store_get_work (f.store, single, &error));
  g_assert_error (error, ATL_STORE_ERROR, ATL_STORE_ERROR_IO);
  fixture_teardown (&f);
}

int
main (int    argc,
      char **argv)
{
  g_test_init (&argc, &argv, NULL);

  g_test_add_func ("/app/store/schema/fresh", test_schema_fresh);
  g_test_add_func ("/app/store/schema/migrate-v1", test_schema_migrate_v1);
  g_test_add_func ("/app/store/schema/too-new", test_schema_too_new);
  g_test_add_func ("/app/store/schema/foreign", test_schema_foreign);
  g_test_add_func ("/app/store/damaged", test_damaged);
  g_test_add_func ("/app/store/crash", test_crash);
  g_test_add_func ("/app/store/sessions", test_sessions);
  g_test_add_func ("/app/store/versions", test_versions);
  g_test_add_func ("/app/store/works", test_works);
  return g_test_run ();
}
