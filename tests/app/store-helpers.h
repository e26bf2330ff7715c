/* store-helpers.h: what the store tests share — a store in a fresh temp folder, a session
 * with a grid of distinct works, and a second raw SQLite connection for looking under the
 * API. Header-only (static inline) so each test program stays one file plus this.
 */
#pragma once

#include <glib.h>
#include <glib/gstdio.h>
#include <sqlite3.h>

#include "atl-store.h"

typedef struct
{
  char     *dir;
  AtlStore *store;
  gint64    session;
} StoreFixture;

static inline void
remove_tree (const char *dir)
{
  g_autoptr(GDir) d = g_dir_open (dir, 0, NULL);
  const char *name;

  while (d != NULL && (name = g_dir_read_name (d)) != NULL)
    {
      g_autofree char *path = g_build_filename (dir, name, NULL);

      if (g_file_test (path, G_FILE_TEST_IS_DIR))
        remove_tree (path);
      else
        g_unlink (path);
    }
  g_rmdir (dir);
}

static inline AtlStore *
open_store (const char *dir)
{
  g_autoptr(GError) error = NULL;
  AtlStore *store = atl_store_open (dir, &error);

  g_assert_no_error (error);
  g_assert_nonnull (store);
  return store;
}

/* A store in a temp folder with one music session. */
static inline void
fixture_setup (StoreFixture *f)
{
  g_autoptr(GError) error = NULL;

  f->dir = g_dir_make_tmp ("atl-store-XXXXXX", &error);
  g_assert_no_error (error);
  f->store = open_store (f->dir);
  f->session = atl_store_create_session (f->store, "Reels", ATL_DOMAIN_MUSIC,
                                         "{\"tempo\": 120}", NULL, NULL, &error);
  g_assert_no_error (error);
  g_assert_cmpint (f->session, >, 0);
}

static inline void
fixture_teardown (StoreFixture *f)
{
  g_clear_object (&f->store);
  remove_tree (f->dir);
  g_free (f->dir);
}

/* Tokens of work `tag`: BOS, a few tag-dependent ids, EOS. */
static inline void
make_tokens (gint32 tokens[6],
             int    tag)
{
  tokens[0] = 1;
  tokens[1] = 10 + tag;
  tokens[2] = 100 + tag * 7;
  tokens[3] = 65535 - tag;
  tokens[4] = tag % 3;
  tokens[5] = 2;
}

/* A grid of n works (tokens tagged first_tag …); ids into ids[n]. */
static inline gint64
add_grid (AtlStore *store,
          gint64    session,
          guint     n,
          int       first_tag,
          gint64   *ids)
{
  g_autoptr(GError) error = NULL;
  gint32 tokens[16][6];
  AtlWorkSpec specs[16] = { { 0, } };
  gint64 grid;

  g_assert_cmpuint (n, <=, 16);
  for (guint i = 0; i < n; i++)
    {
      make_tokens (tokens[i], first_tag + (int) i);
      specs[i].tokens = tokens[i];
      specs[i].n_tokens = 6;
      specs[i].prompt_json = "{\"metre\": \"6/8\"}";
      specs[i].seed = 1000 + (guint64) (first_tag + (int) i);
      specs[i].temperature = 0.9;
    }
  grid = atl_store_add_grid (store, session, 0, "{\"metre\": \"6/8\"}", specs, n, ids, &error);
  g_assert_no_error (error);
  g_assert_cmpint (grid, >, 0);
  return grid;
}

/* A raw connection to the same database, for checks beneath the API. */
static inline sqlite3 *
raw_open (const char *dir)
{
  g_autofree char *path = g_build_filename (dir, ATL_STORE_DB_NAME, NULL);
  sqlite3 *db = NULL;

  g_assert_cmpint (sqlite3_open_v2 (path, &db, SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE,
                                    NULL), ==, SQLITE_OK);
  return db;
}

static inline gint64
raw_int (sqlite3    *db,
         const char *sql)
{
  sqlite3_stmt *stmt = NULL;
  gint64 value;

  g_assert_cmpint (sqlite3_prepare_v2 (db, sql, -1, &stmt, NULL), ==, SQLITE_OK);
  g_assert_cmpint (sqlite3_step (stmt), ==, SQLITE_ROW);
  value = sqlite3_column_int64 (stmt, 0);
  sqlite3_finalize (stmt);
  return value;
}

static inline void
raw_exec (sqlite3    *db,
          const char *sql)
{
  char *msg = NULL;

  if (sqlite3_exec (db, sql, NULL, NULL, &msg) != SQLITE_OK)
    g_error ("%s: %s", sql, msg);
}

static inline AtlComparisonCounts
counts (AtlStore *store,
        gint64    session)
{
  g_autoptr(GError) error = NULL;
  AtlComparisonCounts c;

  g_assert_true (atl_store_count_comparisons (store, session, &c, &error));
  g_assert_no_error (error);
  return c;
}

static inline int
cmp_strings (gconstpointer a,
             gconstpointer b)
{
  return g_strcmp0 (*(char *const *) a, *(char *const *) b);
}

static inline char *
name_work (gint64        id,
           const gint64 *ids,
           guint         n_ids)
{
  for (guint i = 0; i < n_ids; i++)
    if (ids[i] == id)
      return g_strdup_printf ("%u", i);
  return g_strdup_printf ("#%" G_GINT64_FORMAT, id);
}

/* The active comparisons as "W>L" pairs, sorted, space-separated; a work is named by its
 * index in ids (its grid position) when there, else as #id. */
static inline char *
active_pairs (AtlStore     *store,
              gint64        session,
              const gint64 *ids,
              guint         n_ids)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(GPtrArray) prefs = atl_store_list_preferences (store, session, &error);
  g_autoptr(GPtrArray) strs = g_ptr_array_new_with_free_func (g_free);
  GString *out = g_string_new (NULL);

  g_assert_no_error (error);
  for (guint i = 0; i < prefs->len; i++)
    {
      AtlPreference *p = prefs->pdata[i];
      g_autofree char *w = name_work (p->winner->id, ids, n_ids);
      g_autofree char *l = name_work (p->loser->id, ids, n_ids);

      g_ptr_array_add (strs, g_strdup_printf ("%s>%s", w, l));
    }
  g_ptr_array_sort (strs, cmp_strings);
  for (guint i = 0; i < strs->len; i++)
    g_string_append_printf (out, "%s%s", i > 0 ? " " : "", (char *) strs->pdata[i]);
  return g_string_free (out, FALSE);
}
