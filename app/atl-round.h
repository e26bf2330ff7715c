/* atl-round.h: one round of the loop — draw a grid of candidates and record it.
 *
 * The works are drawn from the session's current policy under a style and stored as a
 * grid in one transaction, so a grid either exists whole or not at all. Work i of a round
 * drawn with seed S has seed S + i — or, with a ranker, the seed of the pool sample chosen
 * for cell i (atl-explore.h): copying a seed and drawing it again gives the same work from
 * the same version either way.
 */
#pragma once

#include <glib.h>

#include "atl-learner.h"
#include "atl-policy.h"
#include "atl-store.h"

G_BEGIN_DECLS

typedef struct
{
  int                 count;        /* works in the grid, 1 … 64 */
  guint64             seed;         /* work i gets seed + i */
  float               temperature;  /* 1: the policy's own distribution */
  float               top_p;        /* 1: no nucleus cut */
  const char * const *style;        /* "key=value" prefix choices, NULL-terminated; NULL */
  AtlLearner         *ranker;       /* a fitted reward model choosing from a pool; NULL */
  double              exploration;  /* with a ranker: the uncertain share of the grid */
} AtlRoundSpec;

void    atl_round_spec_init (AtlRoundSpec        *spec);

/* Draws and records a grid for the session from policy (loaded from version_id). Returns
 * the grid id (0 on error); out_work_ids (nullable, gint64) gets the works by position. */
gint64  atl_round_draw      (AtlStore            *store,
                             const AtlSession    *session,
                             AtlPolicy           *policy,
                             gint64               version_id,
                             const AtlRoundSpec  *spec,
                             GArray              *out_work_ids,
                             GError             **error);

/* The style of a round as the JSON object stored with the grid and its works. */
char   *atl_round_prompt_json (const AtlRoundSpec *spec);

G_END_DECLS
