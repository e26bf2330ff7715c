/* atl-grid-draw.h: drawing a round (or reloading an earlier one) on a worker thread.
 *
 * The worker opens its own store connection (an AtlStore belongs to one thread), loads the
 * session's policy once per version (kept in an AtlPolicyCache between rounds), samples
 * the new cells (once the session has comparisons, chosen from a larger pool by its reward
 * model, atl-explore.h), records the grid in one transaction (kept cells carried over as copies
 * whose parent is the kept work), then decodes and renders each work and hands it to the
 * main loop as soon as it is ready, so tiles fill in one by one while the loop stays free.
 */
#pragma once

#include <gio/gio.h>

#include "atl-policy.h"
#include "atl-work-item.h"

G_BEGIN_DECLS

typedef struct _AtlPolicyCache AtlPolicyCache;

AtlPolicyCache *atl_policy_cache_new  (void);
void            atl_policy_cache_free (AtlPolicyCache *cache);
/* Forgets the loaded policy (after a restore or a new version). */
void            atl_policy_cache_clear (AtlPolicyCache *cache);

typedef struct
{
  char     *store_dir;      /* the store folder (owned) */
  gint64    session_id;
  gint64    grid_id;        /* ≠ 0: reload this grid instead of drawing a new one */
  int       count;          /* cells, 1 … 64 */
  guint64   seed;           /* cell i gets seed + i */
  float     temperature;
  char    **style;          /* "key=value" prefix choices (owned) */
  gint64   *keep_ids;       /* (count) a work to carry into cell i, 0 = draw (owned) */
  gint64    parent_id;      /* ≠ 0: "more like this": new cells continue this work */
  gboolean  continue_half;  /* with parent_id: keep its first half ("continue"), not a third */
  int       thumb_size;     /* art thumbnails, pixels */
  gboolean  pool;           /* choose the new cells from a pool by the reward model */
} AtlDrawRequest;

AtlDrawRequest *atl_draw_request_new  (void);
void            atl_draw_request_free (AtlDrawRequest *request);
G_DEFINE_AUTOPTR_CLEANUP_FUNC (AtlDrawRequest, atl_draw_request_free)

typedef struct
{
  gint64     grid_id;
  guint      round;
  guint      version_number;
  char      *problem;       /* a sentence about a skipped damaged version, or NULL */
  GPtrArray *items;         /* AtlWorkItem *, by position */
  double     sample_ms;     /* time to sample the new cells */
  double     render_ms;     /* time to decode and render every cell */
} AtlDrawResult;

void atl_draw_result_free (AtlDrawResult *result);
G_DEFINE_AUTOPTR_CLEANUP_FUNC (AtlDrawResult, atl_draw_result_free)

/* Called on the caller's main context as each cell is ready (position, item). */
typedef void (*AtlDrawItemFunc) (int          position,
                                 AtlWorkItem *item,
                                 gpointer     user_data);

/* Takes request. item_func may be NULL. cache must outlive the task. */
void           atl_grid_draw_async  (AtlDrawRequest      *request,
                                     AtlPolicyCache      *cache,
                                     AtlDrawItemFunc      item_func,
                                     gpointer             item_data,
                                     GCancellable        *cancellable,
                                     GAsyncReadyCallback  callback,
                                     gpointer             user_data);
AtlDrawResult *atl_grid_draw_finish (GAsyncResult        *result,
                                     GError             **error);

/* The prefix of a work that "more like this" and "continue" keep: BOS, the style and the
 * first elements (art, about a third) or bars (music, the first two). */
int            atl_work_keep_prefix_len (const AtlWork *work);
/* What "continue" keeps: BOS, the style and the first half of the elements or bars (at
 * least one, never all), so the current version writes the rest. */
int            atl_work_continue_prefix_len (const AtlWork *work);

G_END_DECLS
