/* atl-preference-set.c: comparisons → distinct works and index pairs. */
#include "atl-preference-set.h"

#include "atl-store.h"

void
atl_preference_set_collect (GPtrArray   *prefs,
                            AtlTokenSet *works,
                            GArray      *pairs)
{
  g_autoptr(GHashTable) index = g_hash_table_new_full (g_int64_hash, g_int64_equal, g_free,
                                                       NULL);

  for (guint i = 0; i < prefs->len; i++)
    {
      AtlPreference *p = prefs->pdata[i];
      AtlWork *side[2] = { p->winner, p->loser };
      int idx[2];

      for (int s = 0; s < 2; s++)
        {
          gpointer found;

          if (g_hash_table_lookup_extended (index, &side[s]->id, NULL, &found))
            idx[s] = GPOINTER_TO_INT (found);
          else
            {
              idx[s] = (int) atl_token_set_get_size (works);
              atl_token_set_add (works, (const int *) side[s]->tokens,
                                 (guint) side[s]->n_tokens);
              g_hash_table_insert (index, g_memdup2 (&side[s]->id, sizeof (gint64)),
                                   GINT_TO_POINTER (idx[s]));
            }
        }
      if (idx[0] != idx[1])
        {
          AtlRewardPair pair = { idx[0], idx[1] };

          g_array_append_val (pairs, pair);
        }
    }
}
