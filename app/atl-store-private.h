/* atl-store-private.h: what the files of AtlStore share — the instance struct, statement
 * cache, transactions, error mapping and row readers. Not for use outside atl-store*.c.
 */
#pragma once

#include <sqlite3.h>

#include "atl-store.h"

G_BEGIN_DECLS

struct _AtlStore
{
  GObject     parent_instance;

  sqlite3    *db;         /* NULL once closed */
  char       *path;       /* the database file */
  GHashTable *stmts;      /* SQL text (static string) → prepared sqlite3_stmt * */
};

/* A cached statement borrowed for one use; the autoptr resets it so that no read
 * transaction outlives the call. */
typedef sqlite3_stmt AtlStmt;
void _atl_stmt_release (AtlStmt *stmt);
G_DEFINE_AUTOPTR_CLEANUP_FUNC (AtlStmt, _atl_stmt_release)

/* sql must be a string literal (the cache keys on its address). */
AtlStmt  *_atl_store_stmt          (AtlStore    *store,
                                    const char  *sql,
                                    GError     **error);
gboolean  _atl_store_exec          (AtlStore    *store,
                                    const char  *sql,
                                    GError     **error);
/* Steps a statement that returns no row (or whose rows do not matter). */
gboolean  _atl_store_step_done     (AtlStore    *store,
                                    AtlStmt     *stmt,
                                    const char  *what,
                                    GError     **error);
/* Sets error from the connection's last failure: "Store “path”: what: SQLite's words". */
gboolean  _atl_store_fail          (AtlStore    *store,
                                    const char  *what,
                                    GError     **error);
gboolean  _atl_store_check_open    (AtlStore    *store,
                                    GError     **error);

/* BEGIN IMMEDIATE (the write lock up front, so a busy store fails before any work). */
gboolean  _atl_store_begin         (AtlStore    *store,
                                    GError     **error);
gboolean  _atl_store_commit        (AtlStore    *store,
                                    GError     **error);
/* Rolls back, keeping the first error; always returns FALSE for `return rollback(…)`. */
gboolean  _atl_store_rollback      (AtlStore    *store);

/* NULL → "{}"; otherwise it must parse as a JSON object. what names it in the error. */
gboolean  _atl_check_json_object   (const char  *json,
                                    const char  *what,
                                    GError     **error);
gboolean  _atl_check_work_spec     (const AtlWorkSpec *spec,
                                    GError           **error);

/* The column list every work query selects, in the order _atl_work_from_row reads. */
#define ATL_WORK_COLUMNS_OF(w) \
  w ".id, " w ".session_id, " w ".domain, " w ".tokens, " w ".prompt, " w ".seed, " \
  w ".temperature, coalesce(" w ".version_id, 0), coalesce(" w ".grid_id, 0), " \
  w ".position, coalesce(" w ".parent_id, 0), " w ".created, " w ".favourite, " \
  w ".rejected, " w ".rating, " w ".in_collection, " w ".title"
#define ATL_WORK_COLUMNS ATL_WORK_COLUMNS_OF ("w")
#define ATL_WORK_N_COLUMNS 17

/* Reads a work from columns first … first + ATL_WORK_N_COLUMNS − 1; NULL (and error) when
 * the stored tokens are damaged. */
AtlWork  *_atl_work_from_row       (AtlStore    *store,
                                    sqlite3_stmt *stmt,
                                    int          first,
                                    GError     **error);
GPtrArray *_atl_store_collect_works (AtlStore   *store,
                                     AtlStmt    *stmt,
                                     GError    **error);

/* Inserts one work of the session (domain given); grid_id 0 / position −1 for none. */
gint64    _atl_store_insert_work   (AtlStore          *store,
                                    gint64             session_id,
                                    AtlDomain          domain,
                                    const AtlWorkSpec *spec,
                                    gint64             grid_id,
                                    int                position,
                                    GError           **error);
/* The session's domain; FALSE + NOT_FOUND when there is no such session. */
gboolean  _atl_store_session_domain (AtlStore  *store,
                                     gint64     session_id,
                                     AtlDomain *out_domain,
                                     GError   **error);
/* Schema creation and upgrades (atl-store-schema.c). */
gboolean  _atl_store_migrate       (AtlStore    *store,
                                    GError     **error);

G_END_DECLS
