/* atl-store.h: the studio's memory — sessions, model versions, works, grids and the
 * comparisons the artist's picks become — in one SQLite database.
 *
 * The database is `<store dir>/atelier.db` (see atl-paths.h). It runs in WAL mode with
 * foreign keys on and synchronous=FULL, so every call that records feedback has reached
 * the disk when it returns: a crash (even SIGKILL right after) never loses a pick. The
 * schema is versioned with `PRAGMA user_version` and upgraded on open by an ordered list
 * of migration steps, each in its own transaction.
 *
 * Ids are SQLite rowids (> 0); 0 means "none" wherever an id is optional. Times are
 * microseconds since the Unix epoch (g_get_real_time). JSON arguments (sliders, prompts,
 * metrics) must be JSON objects; they are checked before they are stored.
 *
 * An AtlStore is one connection: use it from one thread. A worker thread (the trainer)
 * opens its own AtlStore on the same folder; WAL lets it read while the UI writes.
 */
#pragma once

#include <glib-object.h>

#include "atl-domain.h"

G_BEGIN_DECLS

#define ATL_STORE_ERROR (atl_store_error_quark ())

typedef enum
{
  ATL_STORE_ERROR_IO,         /* the folder or file cannot be opened or written */
  ATL_STORE_ERROR_CORRUPT,    /* the file is not a healthy Atelier database */
  ATL_STORE_ERROR_TOO_NEW,    /* written by a newer Atelier (schema above ours) */
  ATL_STORE_ERROR_NOT_FOUND,  /* no such session, version, work or grid */
  ATL_STORE_ERROR_EXISTS,     /* a session of that name exists already */
  ATL_STORE_ERROR_INVALID,    /* an argument breaks a rule (the message says which) */
  ATL_STORE_ERROR_BUSY,       /* another process held the database past the timeout */
  ATL_STORE_ERROR_FAILED,     /* any other SQLite failure */
} AtlStoreError;

GQuark atl_store_error_quark (void);

/* The schema this build writes; a database at a lower version is migrated on open. */
#define ATL_STORE_SCHEMA_VERSION 2
/* The database's file name inside the store folder. */
#define ATL_STORE_DB_NAME "atelier.db"
/* Longest token sequence a work may hold (the art context is ≈ 400). */
#define ATL_STORE_MAX_TOKENS 4096
/* Token ids above this are beyond any vocabulary: refused as damage. */
#define ATL_STORE_MAX_TOKEN_ID 65535
/* A rating is compared with the session's most recently rated works only, so one star
 * costs at most this many pairs however large the session grows. */
#define ATL_STORE_RATING_WINDOW 64
/* Longest session name, in characters. */
#define ATL_STORE_MAX_NAME 200


typedef enum
{
  ATL_COMPARISON_GRID,    /* favourites and rejects of a grid */
  ATL_COMPARISON_AB,      /* a blind A/B choice */
  ATL_COMPARISON_RATING,  /* stars: the higher-rated work wins */
  ATL_COMPARISON_EDIT,    /* an edited work beats its original */
  ATL_COMPARISON_IMPORT,  /* read from a preferences file */
  ATL_COMPARISON_N_KINDS
} AtlComparisonKind;

const char *atl_comparison_kind_to_string   (AtlComparisonKind  kind);
gboolean    atl_comparison_kind_from_string (const char        *str,
                                             AtlComparisonKind *out_kind);

/* Records handed out by the store: owned by the caller, freed with their _free. */

typedef struct
{
  gint64     id;
  char      *name;
  AtlDomain  domain;
  char      *sliders_json;        /* a JSON object */
  gint64     current_version_id;
  double     exploration;         /* share of a grid spent on uncertain candidates, 0–1 */
  gint64     created;
  gint64     updated;
} AtlSession;

typedef struct
{
  gint64  id;
  gint64  session_id;
  gint64  parent_id;              /* 0 for v0 */
  guint   number;                 /* N of vN; v0 is the shipped base */
  char   *path;                   /* the checkpoint; NULL for v0 = the domain's shipped base */
  char   *sha256;                 /* lowercase hex, NULL when path is NULL */
  char   *metrics_json;           /* a JSON object ("{}" when none) */
  gint64  created;
} AtlModelVersion;

typedef struct
{
  gint64  id;
  gint64  session_id;
  gint64  version_id;
  guint   round;                  /* 1, 2, … within the session */
  char   *prompt_json;
  gint64  created;
} AtlGrid;

typedef struct
{
  gint64     id;
  gint64     session_id;
  AtlDomain  domain;
  gint32    *tokens;              /* (n_tokens) */
  gsize      n_tokens;
  char      *prompt_json;         /* sliders / prefix the work was drawn with */
  guint64    seed;
  double     temperature;
  gint64     version_id;          /* 0 when unknown (an imported work) */
  gint64     grid_id;             /* 0 when not drawn in a grid */
  int        position;            /* cell in its grid, −1 when none */
  gint64     parent_id;           /* the original of an edit / "more like this"; 0 */
  gint64     created;
  gboolean   favourite;
  gboolean   rejected;
  int        rating;              /* 0 (unrated) – 5 */
  gboolean   in_collection;
  char      *title;               /* NULL when untitled */
} AtlWork;

/* One active comparison with both works, for the reward model and the exporter. */
typedef struct
{
  gint64             id;
  gint64             session_id;
  AtlComparisonKind  kind;
  gint64             grid_id;     /* 0 when none */
  int                position;    /* the winner's grid cell / A-B side, −1 when none */
  gint64             batch_id;    /* the pick batch it came from; 0 for legacy rows */
  gint64             created;
  AtlWork           *winner;
  AtlWork           *loser;
} AtlPreference;

/* Active = neither undone nor superseded by a later pick of the same grid/work. */
typedef struct
{
  guint active;
  guint by_kind[ATL_COMPARISON_N_KINDS];  /* active ones, by kind */
  guint inactive;                         /* undone or superseded, kept for history */
} AtlComparisonCounts;

/* What a new work is made of; the store copies everything. */
typedef struct
{
  const gint32 *tokens;           /* (n_tokens), 1 ≤ n_tokens ≤ ATL_STORE_MAX_TOKENS */
  gsize         n_tokens;
  const char   *prompt_json;      /* NULL → "{}" */
  guint64       seed;
  double        temperature;      /* ≥ 0 */
  gint64        version_id;       /* 0 → none (imports); else a version of the session */
  gint64        parent_id;        /* 0 → none */
  const char   *title;            /* NULL → untitled */
} AtlWorkSpec;

void atl_session_free       (AtlSession      *session);
void atl_model_version_free (AtlModelVersion *version);
void atl_grid_free          (AtlGrid         *grid);
void atl_work_free          (AtlWork         *work);
void atl_preference_free    (AtlPreference   *preference);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (AtlSession, atl_session_free)
G_DEFINE_AUTOPTR_CLEANUP_FUNC (AtlModelVersion, atl_model_version_free)
G_DEFINE_AUTOPTR_CLEANUP_FUNC (AtlGrid, atl_grid_free)
G_DEFINE_AUTOPTR_CLEANUP_FUNC (AtlWork, atl_work_free)
G_DEFINE_AUTOPTR_CLEANUP_FUNC (AtlPreference, atl_preference_free)

#define ATL_TYPE_STORE (atl_store_get_type ())
G_DECLARE_FINAL_TYPE (AtlStore, atl_store, ATL, STORE, GObject)

/* Opening and health. */

/* Opens (creating if needed) `dir/atelier.db`, migrating an older schema. A file that is
 * not a database, is truncated, or comes from a newer Atelier is an error naming it. */
AtlStore   *atl_store_open          (const char  *dir,
                                     GError     **error);
/* The same on the store folder of atl-paths.h (created if missing). */
AtlStore   *atl_store_open_default  (GError     **error);
/* Checkpoints the WAL and closes; later calls fail. Finalize closes too, silently. */
gboolean    atl_store_close         (AtlStore    *store,
                                     GError     **error);
const char *atl_store_get_path      (AtlStore    *store);
/* Runs PRAGMA integrity_check: TRUE when the answer is "ok"; otherwise FALSE with
 * ATL_STORE_ERROR_CORRUPT listing SQLite's first findings. Reads the whole file. */
gboolean    atl_store_check_integrity (AtlStore  *store,
                                       GError   **error);
/* The database's PRAGMA user_version. */
int         atl_store_get_schema_version (AtlStore *store);

/* Sessions. */

/* Creates a session and its v0 (base_path NULL = the domain's shipped base); returns its
 * id, 0 on error. sliders_json NULL → "{}". */
gint64      atl_store_create_session   (AtlStore    *store,
                                        const char  *name,
                                        AtlDomain    domain,
                                        const char  *sliders_json,
                                        const char  *base_path,
                                        const char  *base_sha256,
                                        GError     **error);
gboolean    atl_store_rename_session   (AtlStore    *store,
                                        gint64       session_id,
                                        const char  *new_name,
                                        GError     **error);
/* Deletes the session with its versions, grids, works and comparisons (checkpoint files
 * on disk are the caller's). */
gboolean    atl_store_delete_session   (AtlStore    *store,
                                        gint64       session_id,
                                        GError     **error);
/* AtlSession *, by name. */
GPtrArray  *atl_store_list_sessions    (AtlStore    *store,
                                        GError     **error);
AtlSession *atl_store_get_session      (AtlStore    *store,
                                        gint64       session_id,
                                        GError     **error);
AtlSession *atl_store_lookup_session   (AtlStore    *store,
                                        const char  *name,
                                        GError     **error);
gboolean    atl_store_set_sliders      (AtlStore    *store,
                                        gint64       session_id,
                                        const char  *sliders_json,
                                        GError     **error);
gboolean    atl_store_set_exploration  (AtlStore    *store,
                                        gint64       session_id,
                                        double       ratio,
                                        GError     **error);
/* Any version of the session may become current; history is never rewritten. */
gboolean    atl_store_set_current_version (AtlStore  *store,
                                           gint64     session_id,
                                           gint64     version_id,
                                           GError   **error);

/* Model versions. */

/* Records vN+1 (N = the session's highest number) after its checkpoint was written;
 * parent_id 0 = the current version. make_current switches the session to it in the same
 * transaction. Returns the version id, 0 on error. */
gint64           atl_store_add_version         (AtlStore    *store,
                                                gint64       session_id,
                                                gint64       parent_id,
                                                const char  *path,
                                                const char  *sha256,
                                                const char  *metrics_json,
                                                gboolean     make_current,
                                                GError     **error);
/* AtlModelVersion *, by number. */
GPtrArray       *atl_store_list_versions       (AtlStore    *store,
                                                gint64       session_id,
                                                GError     **error);
AtlModelVersion *atl_store_get_version         (AtlStore    *store,
                                                gint64       version_id,
                                                GError     **error);
AtlModelVersion *atl_store_get_current_version (AtlStore    *store,
                                                gint64       session_id,
                                                GError     **error);
/* Makes vN current again; later versions stay listed. */
gboolean         atl_store_restore_version     (AtlStore    *store,
                                                gint64       session_id,
                                                guint        number,
                                                GError     **error);
/* Makes v0 current; history kept. */
gboolean         atl_store_reset_to_base       (AtlStore    *store,
                                                gint64       session_id,
                                                GError     **error);

/* Works and grids. */

/* Returns the new work's id, 0 on error. */
gint64    atl_store_add_work       (AtlStore           *store,
                                    gint64              session_id,
                                    const AtlWorkSpec  *spec,
                                    GError            **error);
/* n works in one transaction; out_ids (n) gets their ids. All or none are added. */
gboolean  atl_store_add_works      (AtlStore           *store,
                                    gint64              session_id,
                                    const AtlWorkSpec  *specs,
                                    guint               n,
                                    gint64             *out_ids,
                                    GError            **error);
/* A new round: a grid (round = previous + 1) of n works at positions 0 … n−1, all in one
 * transaction. version_id 0 = the session's current version, also the default for specs
 * whose version_id is 0. out_work_ids (n, may be NULL). Returns the grid id, 0 on error. */
gint64    atl_store_add_grid       (AtlStore           *store,
                                    gint64              session_id,
                                    gint64              version_id,
                                    const char         *prompt_json,
                                    const AtlWorkSpec  *specs,
                                    guint               n,
                                    gint64             *out_work_ids,
                                    GError            **error);
AtlGrid  *atl_store_get_grid       (AtlStore           *store,
                                    gint64              grid_id,
                                    GError            **error);
/* AtlGrid *, by round. */
GPtrArray *atl_store_list_grids    (AtlStore           *store,
                                    gint64              session_id,
                                    GError            **error);
AtlWork  *atl_store_get_work       (AtlStore           *store,
                                    gint64              work_id,
                                    GError            **error);
/* AtlWork *: a session's works by id; a grid's by position; a session's collection. */
GPtrArray *atl_store_list_works      (AtlStore  *store,
                                      gint64     session_id,
                                      GError   **error);
GPtrArray *atl_store_list_grid_works (AtlStore  *store,
                                      gint64     grid_id,
                                      GError   **error);
GPtrArray *atl_store_list_collection (AtlStore  *store,
                                      gint64     session_id,
                                      GError   **error);

/* Plain flags: they record no comparison (picks do, below). */
gboolean  atl_store_set_favourite     (AtlStore    *store,
                                       gint64       work_id,
                                       gboolean     favourite,
                                       GError     **error);
gboolean  atl_store_set_rejected      (AtlStore    *store,
                                       gint64       work_id,
                                       gboolean     rejected,
                                       GError     **error);
gboolean  atl_store_set_in_collection (AtlStore    *store,
                                       gint64       work_id,
                                       gboolean     in_collection,
                                       GError     **error);
gboolean  atl_store_set_title         (AtlStore    *store,
                                       gint64       work_id,
                                       const char  *title,
                                       GError     **error);

/* Feedback. Each call is one transaction, durable when it returns, and one "pick batch"
 * that atl_store_undo_last_pick can take back. out_batch_id (may be NULL) gets the batch,
 * or 0 when the call changed nothing and so recorded no batch. */

/* The grid's picks: each favourite beats every other non-favourite of the grid, each
 * reject loses to every other non-reject (a favourite–reject pair once). Sets the works'
 * favourite/rejected flags to exactly these lists. Committing a grid again supersedes its
 * earlier grid comparisons. Every id must be a work of the grid, none in both lists. */
gboolean  atl_store_commit_picks    (AtlStore      *store,
                                     gint64         grid_id,
                                     const gint64  *favourites,
                                     guint          n_favourites,
                                     const gint64  *rejects,
                                     guint          n_rejects,
                                     gint64        *out_batch_id,
                                     GError       **error);
/* A blind A/B choice between two works of one session; winner_position is the side the
 * winner was shown on (0 left, 1 right), −1 when unknown. */
gboolean  atl_store_commit_ab       (AtlStore      *store,
                                     gint64         winner_id,
                                     gint64         loser_id,
                                     int            winner_position,
                                     gint64        *out_batch_id,
                                     GError       **error);
/* Sets stars (0 clears) and compares the work with each of the session's
 * ATL_STORE_RATING_WINDOW most recently rated other works: more stars win, equal stars
 * make no pair. The work's earlier rating comparisons are superseded. */
gboolean  atl_store_rate_work       (AtlStore      *store,
                                     gint64         work_id,
                                     int            stars,
                                     gint64        *out_batch_id,
                                     GError       **error);
/* Adds the edited work (parent = original, same session, no grid) and records that it
 * beats the original. out_work_id (may be NULL) gets the new work. */
gboolean  atl_store_commit_edit     (AtlStore           *store,
                                     gint64              original_id,
                                     const AtlWorkSpec  *edited,
                                     gint64             *out_work_id,
                                     gint64             *out_batch_id,
                                     GError            **error);
/* Takes back the session's latest pick batch not yet undone (imports are not picks):
 * its comparisons are marked undone, what it superseded is active again, and the works'
 * flags and ratings return to what they were — atomically. ATL_STORE_ERROR_NOT_FOUND when
 * there is nothing to undo. */
gboolean  atl_store_undo_last_pick  (AtlStore      *store,
                                     gint64         session_id,
                                     gint64        *out_batch_id,
                                     GError       **error);

/* Queries for learning. */

/* AtlPreference * of the session's active comparisons (session_id 0 = every session),
 * oldest first, each with both works and their tokens. */
GPtrArray *atl_store_list_preferences  (AtlStore             *store,
                                        gint64                session_id,
                                        GError              **error);
gboolean   atl_store_count_comparisons (AtlStore             *store,
                                        gint64                session_id,
                                        AtlComparisonCounts  *out_counts,
                                        GError              **error);

/* For atl-prefs-io: import lines as works + 'import' comparisons in one transaction. */
typedef struct
{
  const AtlWorkSpec *winner;
  const AtlWorkSpec *loser;
  gint64             created;     /* 0 → now */
} AtlImportPair;

/* Adds each distinct work once (same tokens, seed and prompt = same work) and a
 * comparison per pair, as one batch; all or nothing. */
gboolean   atl_store_import_pairs      (AtlStore             *store,
                                        gint64                session_id,
                                        const AtlImportPair  *pairs,
                                        guint                 n_pairs,
                                        guint                *out_n_works,
                                        GError              **error);

G_END_DECLS
