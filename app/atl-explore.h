/* atl-explore.h: a grid drawn from a larger pool, part exploitation, part exploration.
 *
 * Once a session has comparisons, a grid is not just the first count samples: the current
 * version draws a pool of ATL_EXPLORE_POOL × count works, the session's reward ensemble
 * scores each (mean and spread across its heads), and the grid takes the (1 − x) share
 * the ensemble rates highest — the artist sees more of what they like — and the x share
 * of the rest on which its heads disagree most, the works whose pick teaches the model
 * the most (x: the session's exploration ratio). Every chosen work keeps its own seed,
 * so drawing that seed again still gives the same work.
 */
#pragma once

#include <glib.h>

#include "atl-generator.h"
#include "atl-learner.h"
#include "atl-store.h"

G_BEGIN_DECLS

/* Pool size per grid cell: a third of the pool reaches the grid. */
#define ATL_EXPLORE_POOL 3

/* Chooses count of the n pool works (count ≤ n): round((1 − exploration)·count) with the
 * highest mean, then the rest with the largest spread among those left (ties: the lower
 * index). out_index (count) gets pool indices in increasing order, so a grid's positions
 * say nothing about why a work is there. */
void        atl_explore_choose  (const float  *mean,
                                 const float  *spread,
                                 int           n,
                                 int           count,
                                 double        exploration,
                                 int          *out_index);

/* The ensemble's mean and spread for each work of the set (a fitted learner). */
gboolean    atl_explore_score   (AtlLearner         *learner,
                                 const AtlTokenSet  *works,
                                 float              *out_mean,
                                 float              *out_spread,
                                 GError            **error);

/* Draws count works into out and their seeds into out_seeds (count). With ranker NULL
 * (no comparisons yet) they are the samples of seeds seed … seed + count − 1; with a
 * fitted ranker, count chosen from a pool of ATL_EXPLORE_POOL × count samples with seeds
 * seed, seed + 1, … by atl_explore_choose. */
gboolean    atl_explore_draw    (AtlGenerator         *gen,
                                 const AtlStylePrefix *style,
                                 const int            *prompt,
                                 int                   prompt_len,
                                 int                   count,
                                 guint64               seed,
                                 float                 temperature,
                                 float                 top_p,
                                 AtlLearner           *ranker,
                                 double                exploration,
                                 AtlTokenSet          *out,
                                 guint64              *out_seeds,
                                 GError              **error);

/* The session's reward ensemble, fitted on its active comparisons with base (its v0) as
 * the embedding — what the trainer fits, without the held-out folds. NULL without an
 * error when the session has no comparison yet. base must outlive the learner. */
AtlLearner *atl_explore_ranker_new (AtlStore          *store,
                                    const AtlSession  *session,
                                    AtlPolicy         *base,
                                    GError           **error);

G_END_DECLS
