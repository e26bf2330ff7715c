/* atl-preference-set.h: a session's comparisons as the reward model's training set.
 *
 * The store lists comparisons with both works in full; the reward model wants each work
 * once (a favourite appears in every pair of its grid) and the pairs as indices into that
 * set. The trainer and the grid's ranker both fit from this.
 */
#pragma once

#include <glib.h>

#include "atl-reward.h"
#include "atl-token-set.h"

G_BEGIN_DECLS

/* Appends each work of prefs (AtlPreference *) to works once, by id, and each pair as
 * (winner, loser) indices to pairs (AtlRewardPair); a work compared with itself is
 * skipped. */
void atl_preference_set_collect (GPtrArray   *prefs,
                                 AtlTokenSet *works,
                                 GArray      *pairs);

G_END_DECLS
