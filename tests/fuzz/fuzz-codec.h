/* fuzz-codec.h: bytes → token sequences for the codec fuzz targets.
 *
 * Two bytes make one token, mapped onto −1 … V so that ids just outside the vocabulary
 * (the likeliest damage: a stored sequence from another codec version) are reached often.
 * Whatever the tokens, validate must answer and, when it accepts, decode and features
 * must succeed; the grammar mask must be answerable after every prefix and allow a token.
 */
#pragma once

#include <glib.h>
#include <stdint.h>

#include "atl-codec.h"

/* tokens (cap) ← the decoded input; returns the length. */
static inline int
atl_fuzz_tokens (const AtlCodec *codec,
                 const uint8_t  *data,
                 size_t          size,
                 int            *tokens,
                 int             cap)
{
  int len = 0;

  for (size_t i = 0; i + 1 < size && len < cap; i += 2)
    tokens[len++] = (int) ((data[i] | (data[i + 1] << 8)) % (codec->vocab_size + 2)) - 1;
  return len;
}

/* Checks the grammar mask along the longest prefix of in-vocabulary tokens it allows. */
static inline void
atl_fuzz_check_grammar (const AtlCodec *codec,
                        const int      *tokens,
                        int             len)
{
  g_autofree unsigned char *mask = g_malloc (codec->vocab_size);

  if (len == 0 || tokens[0] != ATL_TOKEN_BOS)
    return;
  for (int n = 1; n < len && n < codec->max_len; n++)
    {
      int any = 0;

      codec->allowed (codec, tokens, n, mask);
      for (int v = 0; v < codec->vocab_size; v++)
        any |= mask[v];
      g_assert (any);
      if (tokens[n] < 0 || tokens[n] >= codec->vocab_size || !mask[tokens[n]])
        break;
    }
}
