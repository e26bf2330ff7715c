/* atl-feature-label.h: short human labels for the reward model's features.
 *
 * The codecs name their features for code ("hue_7", "kind_circle", "in_key"); the studio
 * and the command line show what the artist would call them ("magenta hues", "circles", "notes in key"). One
 * table covers both domains, keyed by the codec's feature name.
 */
#pragma once

#include <glib.h>

G_BEGIN_DECLS

/* The translated label of the feature a codec calls `name`, or NULL when the table has
 * none (a feature added to a codec after this table). */
const char *atl_feature_label_lookup (const char *name);

/* The same, falling back to the raw name with underscores as spaces; free with g_free. */
char       *atl_feature_label_dup    (const char *name);

/* A reward model's top-feature list ("in_key ↑, range ↓", atl_reward_format_top) with
 * each name replaced by its label ("notes in key ↑, a wide range ↓"); free with g_free. */
char       *atl_feature_label_format_top (const char *top);

G_END_DECLS
