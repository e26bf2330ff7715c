/* atl-token-set.c: flat storage of token sequences. */
#include "atl-token-set.h"

struct _AtlTokenSet
{
  GArray *tokens;   /* int: every sequence, back to back */
  GArray *offsets;  /* guint64: start of sequence i; one extra entry marks the end */
  guint   max_len;
};

AtlTokenSet *
atl_token_set_new (void)
{
  AtlTokenSet *set = g_new0 (AtlTokenSet, 1);
  guint64 zero = 0;

  set->tokens = g_array_new (FALSE, FALSE, sizeof (int));
  set->offsets = g_array_new (FALSE, FALSE, sizeof (guint64));
  g_array_append_val (set->offsets, zero);
  return set;
}

void
atl_token_set_free (AtlTokenSet *set)
{
  if (set == NULL)
    return;
  g_array_unref (set->tokens);
  g_array_unref (set->offsets);
  g_free (set);
}

void
atl_token_set_add (AtlTokenSet *set,
                   const int   *tokens,
                   guint        len)
{
  guint64 end;

  g_array_append_vals (set->tokens, tokens, len);
  end = set->tokens->len;
  g_array_append_val (set->offsets, end);
  set->max_len = MAX (set->max_len, len);
}

guint
atl_token_set_get_size (const AtlTokenSet *set)
{
  return set->offsets->len - 1;
}

const int *
atl_token_set_get (const AtlTokenSet *set,
                   guint              i,
                   guint             *out_len)
{
  guint64 start, end;

  g_return_val_if_fail (i + 1 < set->offsets->len, NULL);
  start = g_array_index (set->offsets, guint64, i);
  end = g_array_index (set->offsets, guint64, i + 1);
  *out_len = (guint) (end - start);
  return &g_array_index (set->tokens, int, start);
}

guint64
atl_token_set_get_n_tokens (const AtlTokenSet *set)
{
  return set->tokens->len;
}

guint
atl_token_set_get_max_len (const AtlTokenSet *set)
{
  return set->max_len;
}
