/* atl-row-cache.h: the reward model's rows of works already seen, by their tokens.
 *
 * A work's row (codec features, then the base's pooled embedding) depends only on its
 * tokens, and a session's works only grow, so every fit used to recompute every row: the
 * base forward over all of them, padded to the longest, took 6 ms a work and 0.6 s of an
 * art round by the tenth. The learner keeps each row it computes here and computes only
 * the new works'.
 *
 * The cache holds copies: a row looked up stays valid until the next insert.
 */
#pragma once

#include <glib.h>

typedef struct _AtlRowCache AtlRowCache;

/* Rows of width floats; at most max_rows of them (then it starts over: a row is cheap
 * to recompute, memory is not free). */
AtlRowCache *atl_row_cache_new      (int                width,
                                     guint              max_rows);
void         atl_row_cache_free     (AtlRowCache       *cache);

/* The row of the work with these tokens, or NULL. */
const float *atl_row_cache_lookup   (AtlRowCache       *cache,
                                     const int         *tokens,
                                     guint              len);
/* Keeps a copy of row (width floats) for the work with these tokens. */
void         atl_row_cache_insert   (AtlRowCache       *cache,
                                     const int         *tokens,
                                     guint              len,
                                     const float       *row);
guint        atl_row_cache_get_size (AtlRowCache       *cache);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (AtlRowCache, atl_row_cache_free)
