/* atl-store-feedback.c: every form of feedback becomes comparisons (winner, loser).
 *
 * Each feedback call is one transaction and one row of pick_batches. The batch remembers
 * the flags of the works it touched (batch_works), its comparisons point to it, and the
 * comparisons it made obsolete (a grid committed again, a work re-rated) point to it
 * through superseded_by. Undo is then exact: mark the batch's comparisons undone, clear
 * superseded_by where it names the batch, copy the remembered flags back.
 *
 * "Active" comparisons — what the reward model learns from — are those neither undone nor
 * superseded; the others stay as history.
 */
#include "atl-store-private.h"

static gboolean G_GNUC_PRINTF (2, 3)
fail_invalid (GError     **error,
              const char  *format,
              ...)
{
  va_list args;

  va_start (args, format);
  g_propagate_error (error, g_error_new_valist (ATL_STORE_ERROR, ATL_STORE_ERROR_INVALID,
                                                format, args));
  va_end (args);
  return FALSE;
}

static gint64
begin_batch (AtlStore           *store,
             gint64              session_id,
             AtlComparisonKind   kind,
             gint64              grid_id,
             GError            **error)
{
  g_autoptr(AtlStmt) stmt = _atl_store_stmt (store,
    "INSERT INTO pick_batches (session_id, kind, grid_id, created) VALUES (?, ?, ?, ?)", error);

  if (stmt == NULL)
    return 0;
  sqlite3_bind_int64 (stmt, 1, session_id);
  sqlite3_bind_text (stmt, 2, atl_comparison_kind_to_string (kind), -1, SQLITE_STATIC);
  if (grid_id > 0)
    sqlite3_bind_int64 (stmt, 3, grid_id);
  sqlite3_bind_int64 (stmt, 4, g_get_real_time ());
  if (!_atl_store_step_done (store, stmt, "recording a pick", error))
    return 0;
  return sqlite3_last_insert_rowid (store->db);
}

/* Keeps the work's flags as they are now, for undo. */
static gboolean
remember_work (AtlStore  *store,
               gint64     batch_id,
               gint64     work_id,
               GError   **error)
{
  g_autoptr(AtlStmt) stmt = _atl_store_stmt (store,
    "INSERT OR IGNORE INTO batch_works (batch_id, work_id, favourite, rejected, rating,"
    " rated_at) SELECT ?1, id, favourite, rejected, rating, rated_at FROM works WHERE id = ?2",
    error);

  if (stmt == NULL)
    return FALSE;
  sqlite3_bind_int64 (stmt, 1, batch_id);
  sqlite3_bind_int64 (stmt, 2, work_id);
  return _atl_store_step_done (store, stmt, "recording a pick", error);
}

static gboolean
insert_comparison (AtlStore           *store,
                   gint64              session_id,
                   gint64              batch_id,
                   AtlComparisonKind   kind,
                   gint64              winner_id,
                   gint64              loser_id,
                   gint64              grid_id,
                   int                 position,
                   gint64              created,
                   GError            **error)
{
  g_autoptr(AtlStmt) stmt = _atl_store_stmt (store,
    "INSERT INTO comparisons (session_id, winner_id, loser_id, grid_id, kind, position,"
    " created, batch_id) VALUES (?, ?, ?, ?, ?, ?, ?, ?)", error);

  if (stmt == NULL)
    return FALSE;
  sqlite3_bind_int64 (stmt, 1, session_id);
  sqlite3_bind_int64 (stmt, 2, winner_id);
  sqlite3_bind_int64 (stmt, 3, loser_id);
  if (grid_id > 0)
    sqlite3_bind_int64 (stmt, 4, grid_id);
  sqlite3_bind_text (stmt, 5, atl_comparison_kind_to_string (kind), -1, SQLITE_STATIC);
  if (position >= 0)
    sqlite3_bind_int (stmt, 6, position);
  sqlite3_bind_int64 (stmt, 7, created > 0 ? created : g_get_real_time ());
  sqlite3_bind_int64 (stmt, 8, batch_id);
  return _atl_store_step_done (store, stmt, "recording a comparison", error);
}

static gboolean
finish (AtlStore  *store,
        gint64     batch_id,
        gint64    *out_batch_id,
        GError   **error)
{
  if (!_atl_store_commit (store, error))
    return FALSE;
  if (out_batch_id != NULL)
    *out_batch_id = batch_id;
  return TRUE;
}

/* Grid picks. */

typedef struct
{
  gint64   id;
  int      position;
  gboolean favourite;  /* now */
  gboolean rejected;
  gboolean fav;        /* after this commit */
  gboolean rej;
} GridCell;

static gboolean
in_list (const gint64 *ids,
         guint         n,
         gint64        id)
{
  for (guint i = 0; i < n; i++)
    if (ids[i] == id)
      return TRUE;
  return FALSE;
}

gboolean
atl_store_commit_picks (AtlStore      *store,
                        gint64         grid_id,
                        const gint64  *favourites,
                        guint          n_favourites,
                        const gint64  *rejects,
                        guint          n_rejects,
                        gint64        *out_batch_id,
                        GError       **error)
{
  g_autoptr(AtlStmt) cells_stmt = NULL;
  g_autoptr(AtlStmt) old_stmt = NULL;
  g_autoptr(AtlStmt) flag_stmt = NULL;
  g_autoptr(AtlStmt) sup_stmt = NULL;
  g_autoptr(GArray) cells = g_array_new (FALSE, FALSE, sizeof (GridCell));
  gint64 session_id = 0, batch_id;
  gboolean changed = FALSE;
  int rc;

  g_return_val_if_fail (ATL_IS_STORE (store), FALSE);
  g_return_val_if_fail (n_favourites == 0 || favourites != NULL, FALSE);
  g_return_val_if_fail (n_rejects == 0 || rejects != NULL, FALSE);

  if (out_batch_id != NULL)
    *out_batch_id = 0;
  if (!_atl_store_begin (store, error))
    return FALSE;

  cells_stmt = _atl_store_stmt (store,
    "SELECT g.session_id, w.id, w.position, w.favourite, w.rejected FROM grids g"
    " LEFT JOIN works w ON w.grid_id = g.id WHERE g.id = ? ORDER BY w.position", error);
  if (cells_stmt == NULL)
    return _atl_store_rollback (store);
  sqlite3_bind_int64 (cells_stmt, 1, grid_id);
  while ((rc = sqlite3_step (cells_stmt)) == SQLITE_ROW)
    {
      GridCell c = { 0, };

      session_id = sqlite3_column_int64 (cells_stmt, 0);
      if (sqlite3_column_type (cells_stmt, 1) == SQLITE_NULL)
        continue;  /* a grid without works */
      c.id = sqlite3_column_int64 (cells_stmt, 1);
      c.position = sqlite3_column_int (cells_stmt, 2);
      c.favourite = sqlite3_column_int (cells_stmt, 3) != 0;
      c.rejected = sqlite3_column_int (cells_stmt, 4) != 0;
      c.fav = in_list (favourites, n_favourites, c.id);
      c.rej = in_list (rejects, n_rejects, c.id);
      if (c.fav && c.rej)
        {
          fail_invalid (error, "Work %" G_GINT64_FORMAT " cannot be both a favourite and a "
                        "reject", c.id);
          return _atl_store_rollback (store);
        }
      changed |= c.fav != c.favourite || c.rej != c.rejected;
      g_array_append_val (cells, c);
    }
  sqlite3_reset (cells_stmt);
  if (rc != SQLITE_DONE)
    {
      _atl_store_fail (store, "reading a grid", error);
      return _atl_store_rollback (store);
    }
  if (session_id == 0)
    {
      g_set_error (error, ATL_STORE_ERROR, ATL_STORE_ERROR_NOT_FOUND,
                   "There is no grid with id %" G_GINT64_FORMAT, grid_id);
      return _atl_store_rollback (store);
    }

  /* Every picked id must be a cell of this grid. */
  for (guint i = 0; i < n_favourites + n_rejects; i++)
    {
      gint64 id = i < n_favourites ? favourites[i] : rejects[i - n_favourites];
      gboolean found = FALSE;

      for (guint j = 0; j < cells->len && !found; j++)
        found = g_array_index (cells, GridCell, j).id == id;
      if (!found)
        {
          fail_invalid (error, "Work %" G_GINT64_FORMAT " is not in grid %" G_GINT64_FORMAT,
                        id, grid_id);
          return _atl_store_rollback (store);
        }
    }

  /* Nothing picked, nothing picked before, no flag to change: record no batch, so that
   * undo takes back the last real pick, not an empty "next round". */
  old_stmt = _atl_store_stmt (store,
    "SELECT count(*) FROM comparisons WHERE grid_id = ? AND kind = 'grid'"
    " AND undone = 0 AND superseded_by IS NULL", error);
  if (old_stmt == NULL)
    return _atl_store_rollback (store);
  sqlite3_bind_int64 (old_stmt, 1, grid_id);
  if (sqlite3_step (old_stmt) != SQLITE_ROW)
    {
      _atl_store_fail (store, "reading a grid's picks", error);
      return _atl_store_rollback (store);
    }
  changed |= sqlite3_column_int64 (old_stmt, 0) > 0 || n_favourites > 0 || n_rejects > 0;
  sqlite3_reset (old_stmt);
  if (!changed)
    return finish (store, 0, out_batch_id, error);

  batch_id = begin_batch (store, session_id, ATL_COMPARISON_GRID, grid_id, error);
  if (batch_id == 0)
    return _atl_store_rollback (store);

  sup_stmt = _atl_store_stmt (store,
    "UPDATE comparisons SET superseded_by = ? WHERE grid_id = ? AND kind = 'grid'"
    " AND undone = 0 AND superseded_by IS NULL", error);
  if (sup_stmt == NULL)
    return _atl_store_rollback (store);
  sqlite3_bind_int64 (sup_stmt, 1, batch_id);
  sqlite3_bind_int64 (sup_stmt, 2, grid_id);
  if (!_atl_store_step_done (store, sup_stmt, "replacing a grid's earlier picks", error))
    return _atl_store_rollback (store);

  for (guint i = 0; i < cells->len; i++)
    {
      GridCell *c = &g_array_index (cells, GridCell, i);

      if (!remember_work (store, batch_id, c->id, error))
        return _atl_store_rollback (store);
      flag_stmt = _atl_store_stmt (store,
        "UPDATE works SET favourite = ?, rejected = ? WHERE id = ?", error);
      if (flag_stmt == NULL)
        return _atl_store_rollback (store);
      sqlite3_bind_int (flag_stmt, 1, c->fav);
      sqlite3_bind_int (flag_stmt, 2, c->rej);
      sqlite3_bind_int64 (flag_stmt, 3, c->id);
      if (!_atl_store_step_done (store, flag_stmt, "marking a pick", error))
        return _atl_store_rollback (store);
      _atl_stmt_release (g_steal_pointer (&flag_stmt));
    }

  /* Each favourite beats every non-favourite; each reject loses to every non-reject that
   * is not a favourite (the favourite–reject pair was made in the first loop). */
  for (guint i = 0; i < cells->len; i++)
    for (guint j = 0; j < cells->len; j++)
      {
        GridCell *a = &g_array_index (cells, GridCell, i);
        GridCell *b = &g_array_index (cells, GridCell, j);
        gboolean a_beats_b = (a->fav && !b->fav) || (b->rej && !a->rej && !a->fav);

        if (i != j && a_beats_b
            && !insert_comparison (store, session_id, batch_id, ATL_COMPARISON_GRID, a->id,
                                   b->id, grid_id, a->position, 0, error))
          return _atl_store_rollback (store);
      }
  return finish (store, batch_id, out_batch_id, error);
}

/* A/B, ratings, edits. */

gboolean
atl_store_commit_ab (AtlStore  *store,
                     gint64     winner_id,
                     gint64     loser_id,
                     int        winner_position,
                     gint64    *out_batch_id,
                     GError   **error)
{
  g_autoptr(AtlWork) winner = NULL;
  g_autoptr(AtlWork) loser = NULL;
  gint64 batch_id;

  if (out_batch_id != NULL)
    *out_batch_id = 0;
  if (winner_id == loser_id)
    return fail_invalid (error, "An A/B choice needs two different works");
  if (!_atl_store_begin (store, error))
    return FALSE;
  winner = atl_store_get_work (store, winner_id, error);
  loser = winner != NULL ? atl_store_get_work (store, loser_id, error) : NULL;
  if (loser == NULL)
    return _atl_store_rollback (store);
  if (winner->session_id != loser->session_id)
    {
      fail_invalid (error, "Works %" G_GINT64_FORMAT " and %" G_GINT64_FORMAT " belong to "
                    "different sessions", winner_id, loser_id);
      return _atl_store_rollback (store);
    }
  batch_id = begin_batch (store, winner->session_id, ATL_COMPARISON_AB, 0, error);
  if (batch_id == 0
      || !insert_comparison (store, winner->session_id, batch_id, ATL_COMPARISON_AB,
                             winner_id, loser_id, 0, MAX (winner_position, -1), 0, error))
    return _atl_store_rollback (store);
  return finish (store, batch_id, out_batch_id, error);
}

gboolean
atl_store_rate_work (AtlStore  *store,
                     gint64     work_id,
                     int        stars,
                     gint64    *out_batch_id,
                     GError   **error)
{
  g_autoptr(AtlWork) work = NULL;
  g_autoptr(AtlStmt) stmt = NULL;
  g_autoptr(GArray) others = g_array_new (FALSE, FALSE, sizeof (gint64) * 2);
  gint64 batch_id;
  int rc;

  if (out_batch_id != NULL)
    *out_batch_id = 0;
  if (stars < 0 || stars > 5)
    return fail_invalid (error, "A rating is 0 to 5 stars, not %d", stars);
  if (!_atl_store_begin (store, error))
    return FALSE;
  work = atl_store_get_work (store, work_id, error);
  if (work == NULL)
    return _atl_store_rollback (store);
  if (work->rating == stars)
    return finish (store, 0, out_batch_id, error);

  batch_id = begin_batch (store, work->session_id, ATL_COMPARISON_RATING, 0, error);
  if (batch_id == 0 || !remember_work (store, batch_id, work_id, error))
    return _atl_store_rollback (store);

  /* The window: the most recently rated other works, read before this one is stamped. */
  stmt = _atl_store_stmt (store,
    "SELECT id, rating FROM works WHERE session_id = ? AND rating > 0 AND id <> ?"
    " ORDER BY rated_at DESC, id DESC LIMIT " G_STRINGIFY (ATL_STORE_RATING_WINDOW), error);
  if (stmt == NULL)
    return _atl_store_rollback (store);
  sqlite3_bind_int64 (stmt, 1, work->session_id);
  sqlite3_bind_int64 (stmt, 2, work_id);
  while ((rc = sqlite3_step (stmt)) == SQLITE_ROW)
    {
      gint64 row[2] = { sqlite3_column_int64 (stmt, 0), sqlite3_column_int64 (stmt, 1) };

      g_array_append_val (others, row);
    }
  _atl_stmt_release (g_steal_pointer (&stmt));
  if (rc != SQLITE_DONE)
    {
      _atl_store_fail (store, "reading ratings", error);
      return _atl_store_rollback (store);
    }

  stmt = _atl_store_stmt (store,
    "UPDATE comparisons SET superseded_by = ?1 WHERE kind = 'rating' AND undone = 0"
    " AND superseded_by IS NULL AND (winner_id = ?2 OR loser_id = ?2)", error);
  if (stmt == NULL)
    return _atl_store_rollback (store);
  sqlite3_bind_int64 (stmt, 1, batch_id);
  sqlite3_bind_int64 (stmt, 2, work_id);
  if (!_atl_store_step_done (store, stmt, "replacing a work's earlier rating", error))
    return _atl_store_rollback (store);
  _atl_stmt_release (g_steal_pointer (&stmt));

  stmt = _atl_store_stmt (store,
    "UPDATE works SET rating = ?1, rated_at = CASE WHEN ?1 > 0 THEN ?2 END WHERE id = ?3",
    error);
  if (stmt == NULL)
    return _atl_store_rollback (store);
  sqlite3_bind_int (stmt, 1, stars);
  sqlite3_bind_int64 (stmt, 2, g_get_real_time ());
  sqlite3_bind_int64 (stmt, 3, work_id);
  if (!_atl_store_step_done (store, stmt, "saving a rating", error))
    return _atl_store_rollback (store);

  for (guint i = 0; stars > 0 && i < others->len; i++)
    {
      gint64 *row = &g_array_index (others, gint64, 2 * i);
      gint64 other = row[0], other_stars = row[1];

      if (other_stars == stars)
        continue;
      if (!insert_comparison (store, work->session_id, batch_id, ATL_COMPARISON_RATING,
                              other_stars < stars ? work_id : other,
                              other_stars < stars ? other : work_id, 0, -1, 0, error))
        return _atl_store_rollback (store);
    }
  return finish (store, batch_id, out_batch_id, error);
}

gboolean
atl_store_commit_edit (AtlStore           *store,
                       gint64              original_id,
                       const AtlWorkSpec  *edited,
                       gint64             *out_work_id,
                       gint64             *out_batch_id,
                       GError            **error)
{
  g_autoptr(AtlWork) original = NULL;
  AtlWorkSpec spec = *edited;
  gint64 batch_id, edited_id;

  if (out_batch_id != NULL)
    *out_batch_id = 0;
  if (!_atl_store_begin (store, error))
    return FALSE;
  original = atl_store_get_work (store, original_id, error);
  if (original == NULL)
    return _atl_store_rollback (store);
  spec.parent_id = original_id;
  if (spec.version_id == 0)
    spec.version_id = original->version_id;

  batch_id = begin_batch (store, original->session_id, ATL_COMPARISON_EDIT, 0, error);
  if (batch_id == 0)
    return _atl_store_rollback (store);
  edited_id = _atl_store_insert_work (store, original->session_id, original->domain, &spec,
                                      0, -1, error);
  if (edited_id == 0
      || !insert_comparison (store, original->session_id, batch_id, ATL_COMPARISON_EDIT,
                             edited_id, original_id, 0, -1, 0, error))
    return _atl_store_rollback (store);
  if (!finish (store, batch_id, out_batch_id, error))
    return FALSE;
  if (out_work_id != NULL)
    *out_work_id = edited_id;
  return TRUE;
}

/* Undo. */

/* Runs one statement with ?1 bound to the batch id. */
static gboolean
exec_for_batch (AtlStore    *store,
                const char  *sql,
                gint64       batch_id,
                GError     **error)
{
  g_autoptr(AtlStmt) stmt = _atl_store_stmt (store, sql, error);

  if (stmt == NULL)
    return FALSE;
  sqlite3_bind_int64 (stmt, 1, batch_id);
  return _atl_store_step_done (store, stmt, "undoing a pick", error);
}

gboolean
atl_store_undo_last_pick (AtlStore  *store,
                          gint64     session_id,
                          gint64    *out_batch_id,
                          GError   **error)
{
  g_autoptr(AtlStmt) stmt = NULL;
  gint64 batch_id;
  int rc;

  if (out_batch_id != NULL)
    *out_batch_id = 0;
  if (!_atl_store_begin (store, error))
    return FALSE;
  stmt = _atl_store_stmt (store,
    "SELECT id FROM pick_batches WHERE session_id = ? AND undone = 0 AND kind <> 'import'"
    " ORDER BY id DESC LIMIT 1", error);
  if (stmt == NULL)
    return _atl_store_rollback (store);
  sqlite3_bind_int64 (stmt, 1, session_id);
  rc = sqlite3_step (stmt);
  if (rc != SQLITE_ROW)
    {
      if (rc == SQLITE_DONE)
        g_set_error (error, ATL_STORE_ERROR, ATL_STORE_ERROR_NOT_FOUND,
                     "Session %" G_GINT64_FORMAT " has no pick to undo", session_id);
      else
        _atl_store_fail (store, "finding the last pick", error);
      return _atl_store_rollback (store);
    }
  batch_id = sqlite3_column_int64 (stmt, 0);
  _atl_stmt_release (g_steal_pointer (&stmt));

  if (!exec_for_batch (store, "UPDATE comparisons SET undone = 1 WHERE batch_id = ?1",
                       batch_id, error)
      || !exec_for_batch (store,
                          "UPDATE comparisons SET superseded_by = NULL WHERE superseded_by = ?1",
                          batch_id, error)
      || !exec_for_batch (store,
                          "UPDATE works SET favourite = b.favourite, rejected = b.rejected,"
                          " rating = b.rating, rated_at = b.rated_at FROM batch_works b"
                          " WHERE b.batch_id = ?1 AND works.id = b.work_id", batch_id, error)
      || !exec_for_batch (store, "UPDATE pick_batches SET undone = 1 WHERE id = ?1",
                          batch_id, error))
    return _atl_store_rollback (store);
  return finish (store, batch_id, out_batch_id, error);
}
