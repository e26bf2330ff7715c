/* fuzz-art-codec.c: libFuzzer target for the art codec's validate, decode, features and
 * grammar mask; an accepted sequence is also rendered small, since features do. */
#include <glib.h>
#include <math.h>
#include <stdint.h>

#include "atl-art-codec.h"
#include "fuzz-codec.h"

int LLVMFuzzerTestOneInput (const uint8_t *data, size_t size);

int
LLVMFuzzerTestOneInput (const uint8_t *data,
                        size_t         size)
{
  const AtlCodec *codec = atl_art_codec ();
  int tokens[2 * ATL_ART_MAX_LEN];
  int len = atl_fuzz_tokens (codec, data, size, tokens, G_N_ELEMENTS (tokens));
  AtlMsg msg = { 0 };
  g_autofree AtlArtwork *art = g_new0 (AtlArtwork, 1);
  g_autofree float *features = g_new0 (float, codec->n_features);

  atl_fuzz_check_grammar (codec, tokens, len);
  if (codec->validate (codec, tokens, len, &msg) != ATL_OK)
    {
      g_assert (msg.text[0] != '\0');
      g_assert (atl_art_decode (tokens, len, art, &msg) != ATL_OK);
      return 0;
    }
  g_assert_cmpint (atl_art_decode (tokens, len, art, &msg), ==, ATL_OK);
  g_assert_cmpint (codec->features (codec, tokens, len, features, &msg), ==, ATL_OK);
  for (int f = 0; f < codec->n_features; f++)
    g_assert (isfinite (features[f]));

  {
    int again[ATL_ART_MAX_LEN];
    int again_len = 0;

    g_assert_cmpint (atl_art_encode (art, again, ATL_ART_MAX_LEN, &again_len, &msg), ==, ATL_OK);
    g_assert_cmpint (again_len, ==, len);
    for (int i = 0; i < len; i++)
      g_assert_cmpint (again[i], ==, tokens[i]);
  }
  return 0;
}
